"""Values shown as Chinese readers expect them where Wagtail prints Python's own (``True``, ``None``)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Revision

register = template.Library()


@register.filter
def admin_value(value):
    """是/否 for booleans, — for nothing, a revision as "2026-12-05 12:52 的版本（张敏）"."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, Revision):
        when = timezone.localtime(value.created_at).strftime("%Y-%m-%d %H:%M")
        who = get_user_display_name(value.user) if value.user_id else "系统"
        return f"{when} 的版本（{who}）"
    return value
