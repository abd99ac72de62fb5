"""Admin form of the portal settings: every change says why (kept in the settings' history)."""

from __future__ import annotations

from core.forms import HistoryReasonForm


class PortalSettingsForm(HistoryReasonForm):
    default_reason_on_create = "首次填写门户网站设置"
