from wagtail import hooks

from .viewsets import PolicyDeleteBulkAction, policy_aware_publish_buttons, register_organisation_viewsets

hooks.register("register_admin_viewset", register_organisation_viewsets)
hooks.register("construct_snippet_action_menu", policy_aware_publish_buttons)
hooks.register("register_bulk_action", PolicyDeleteBulkAction, order=100)
