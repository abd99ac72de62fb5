"""The history of the portal settings in the admin (who changed the footer, when and why).

Editing stays in Wagtail's settings menu (设置 › 门户网站设置); this hidden viewset only adds
the simple-history views — list of versions, compare, revert — that the settings form links to.
Its permissions are the settings' own (``PortalSettingsPolicy``: per site, never add or delete)."""

from __future__ import annotations

from wagtail.admin.viewsets.model import ModelViewSet

from core.history import SimpleHistoryViewSetMixin

from .models import PortalSettings


class PortalSettingsHistoryViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = PortalSettings
    name = "portal_settings"
    icon = "site"
    add_to_admin_menu = False
    list_display = ["site", "host_organisation", "icp_number", "site_code"]
    edit_handler = PortalSettings.edit_handler
    inspect_view_enabled = False

    def get_queryset(self, request):
        return PortalSettings.objects.select_related("site")


def register_portal_settings_history() -> PortalSettingsHistoryViewSet:
    return PortalSettingsHistoryViewSet()
