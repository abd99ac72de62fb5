"""The request being served, for events recorded from signals that carry no request.

``AuditContextMiddleware`` keeps the current request in a context variable for the length of the
response, so a group change made in the user admin or a page published in the editor is recorded
with the administrator who made it and their address (GB/T 22239-2019 8.1.4.3 b)), although
Django's ``m2m_changed`` and Wagtail's ``page_published`` know neither.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditContextMiddleware:
    """Place after ``AuthenticationMiddleware`` (it reads ``request.user`` lazily, when recording)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
