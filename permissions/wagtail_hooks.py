from wagtail import hooks

from .views import PAGE_BULK_ACTIONS, guard_page_move, restrict_explorer_pages, restrict_page_chooser
from .viewsets import PolicyDeleteBulkAction, policy_aware_publish_buttons, register_organisation_viewsets

hooks.register("register_admin_viewset", register_organisation_viewsets)
hooks.register("construct_snippet_action_menu", policy_aware_publish_buttons)
hooks.register("register_bulk_action", PolicyDeleteBulkAction, order=100)
hooks.register("construct_page_chooser_queryset", restrict_page_chooser)
hooks.register("construct_explorer_page_queryset", restrict_explorer_pages)
hooks.register("before_move_page", guard_page_move)
for page_bulk_action in PAGE_BULK_ACTIONS:  # after Wagtail's own (order 0): these replace them
    hooks.register("register_bulk_action", page_bulk_action, order=100)
