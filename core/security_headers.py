"""Content-Security-Policy and framing per area: the public site strict, Wagtail's admin as loose as it needs.

GB/T 22239-2019 level 3, 8.1.4.4 入侵防范 (and 8.1.3.x 安全区域边界, the boundary's access control):
the browser is told which origins may run scripts, load content and frame the page, so that markup an
attacker slips into a page (stored or reflected cross-site scripting) cannot run and the site cannot be
framed by another origin (clickjacking). docs/security-headers.md explains every directive.

Two policies, chosen by path (settings ``CONTENT_SECURITY_POLICY`` and ``CONTENT_SECURITY_POLICY_ADMIN``):

- everywhere but the admin: scripts and styles only from this origin or carrying the response's nonce
  (``request.csp_nonce``); never ``'unsafe-inline'`` or ``'unsafe-eval'``; ``frame-ancestors 'none'``
  and ``X-Frame-Options: DENY``;
- under ``SECURITY_ADMIN_PATH_PREFIX`` (``/admin/``): Wagtail 8 still renders inline ``<script>``
  elements that cannot carry a nonce (its chooser, date and time widgets build them in
  ``Widget.render`` without the request; the inline and multiple-chooser panels write them in their
  templates), and its templates and scripts set ``style`` attributes. The admin therefore allows
  ``'unsafe-inline'`` for scripts and styles (no nonce there: a nonce would make browsers ignore
  ``'unsafe-inline'`` and break those widgets), and ``frame-ancestors 'self'`` with
  ``X-Frame-Options: SAMEORIGIN`` for its preview panel, which frames ``/admin/…/preview/``. Every
  other directive is as strict as the public site's, and only signed-in staff (behind the second
  factor) ever see these pages. Our own admin templates carry no inline script or handler
  (tests/security/test_headers.py checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase


def is_admin_path(path: str) -> bool:
    """Whether ``path`` belongs to Wagtail's admin (the looser policy)."""
    return path.startswith(settings.SECURITY_ADMIN_PATH_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's policy under the admin prefix, and X-Frame-Options to match.

    Sits after Django's ``XFrameOptionsMiddleware`` in ``MIDDLEWARE``, so its own ``X-Frame-Options``
    is set first and Django's leaves it alone (a view's explicit header still wins).
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
            parts.nonce = None  # a nonce would switch 'unsafe-inline' off in the browser
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if "X-Frame-Options" not in response and not getattr(response, "xframe_options_exempt", False):
            response["X-Frame-Options"] = "SAMEORIGIN" if is_admin_path(request.path_info) else "DENY"
        return response
