from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .bulk_actions import CancelBulkAction, ExportBulkAction, ResumeBulkAction, SuspendBulkAction
from .viewsets import (
    MattersGroup,
    add_department_matters_panel,
    register_import_batches_menu_item,
    register_import_menu_item,
    register_lifecycle_log_actions,
    register_matter_admin_urls,
    register_stats_menu_item,
)

hooks.register("register_matters_menu_item", register_import_menu_item)
hooks.register("register_matters_menu_item", register_import_batches_menu_item)
hooks.register("register_log_actions", register_lifecycle_log_actions)
hooks.register("register_admin_urls", register_matter_admin_urls)
hooks.register("construct_homepage_panels", add_department_matters_panel)
hooks.register("register_reports_menu_item", register_stats_menu_item)

register_snippet(MattersGroup)
for bulk_action in (SuspendBulkAction, ResumeBulkAction, CancelBulkAction, ExportBulkAction):
    hooks.register("register_bulk_action", bulk_action)
