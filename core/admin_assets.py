"""What the admin's pages load from core: the shared behaviours script (registered in wagtail_hooks)."""

from django.templatetags.static import static
from django.utils.html import format_html


def admin_behaviours_js() -> str:
    """Confirmations and select-on-focus declared by data attributes: no inline handlers under the CSP.

    core/static/core/admin/behaviours.js; docs/security-headers.md.
    """
    return format_html('<script src="{}" defer></script>', static("core/admin/behaviours.js"))
