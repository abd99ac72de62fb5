"""Development only: the portal's own 404 and 500 pages instead of Django's debug pages.

With ``DEBUG`` on (``make run``), Django answers a missing page with a debug page listing every
URL pattern, and an error with a traceback page. Visitors and testers of the demo should see
what production shows, so this middleware (added by the settings only when ``DEBUG`` is on and
``DEBUG_ERROR_PAGES`` is off) swaps those pages for ``404.html`` and ``500.html``. The traceback
still goes to the console log. ``DEBUG_ERROR_PAGES=true`` brings Django's pages back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader

_DEBUG_PAGE_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'  # Django's technical 404/500 pages


class PortalErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in (404, 500) or getattr(response, "streaming", False):
            return response
        if _DEBUG_PAGE_MARKER not in response.content[:2000]:
            return response
        if response.status_code == 404:
            body = loader.render_to_string("404.html", {"request_path": request.path}, request=request)
        else:
            body = loader.render_to_string("500.html")  # no request: as Django's own server_error view
        return HttpResponse(body, status=response.status_code)
