"""Registrations only: the admin's shared behaviours script (core/static/core/admin/behaviours.js)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_behaviours_js() -> str:
    """Confirmations and select-on-focus declared by data attributes: no inline handlers (CSP)."""
    return format_html('<script src="{}" defer></script>', static("core/admin/behaviours.js"))
