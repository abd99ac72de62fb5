"""Public portal pages may be kept for a short time by nginx and browsers (docs/deployment.md).

A page a visitor can see without signing in, which sets no cookie and holds no CSRF token, is the
same for every visitor, so it is marked ``Cache-Control: public, max-age=PORTAL_CACHE_SECONDS``
(60 s by default) and gets an ETag from ``ConditionalGetMiddleware``: nginx serves it from its
cache meanwhile and revalidates it afterwards, so a published change shows within that time.
Everything else keeps what it said or nothing (never cached): signed-in visitors and staff, forms
(their CSRF token belongs to one visitor), the admin and the API (which has its own ETags), error
pages, and any response that set a cookie or a Cache-Control of its own (办件查询 says no-store).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

_NEVER = ("/admin/", "/api/", "/django-admin/")


def shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this answer is the same for every visitor, so a shared cache may keep it."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Cache-Control")
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not (user is not None and user.is_authenticated)
        and not (session is not None and (session.modified or not session.is_empty()))
        and not request.path.startswith(_NEVER)
    )


class PublicPageCacheMiddleware:
    """Outermost but for ``ConditionalGetMiddleware``: it sees the cookies every other middleware set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        seconds = settings.PORTAL_CACHE_SECONDS
        if seconds > 0 and shareable(request, response):
            patch_cache_control(response, public=True, max_age=seconds)
        return response
