"""Throttles: anonymous clients per address, each terminal key per terminal, signed-in users per user.

Rates come from settings (``API_THROTTLE_ANON``, ``API_THROTTLE_KEY``, ``API_THROTTLE_USER``);
a throttled request gets 429 with ``Retry-After`` and a Chinese message.

Fixed windows counted with ``cache.add``/``cache.incr`` rather than DRF's sliding log: DRF
keeps and re-pickles every request time of the window on each request, which costs more than
answering a 304 once a terminal polls a few hundred times a minute. A client may burst up to
twice the rate across a window boundary; the limit is for abuse, not for accounting.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from core.cache import count_in_window
from core.http import client_address

from .clients import request_client


class FixedWindowThrottle(SimpleRateThrottle):
    def get_ident(self, request) -> str:
        """The client address as ``core.http`` defines it (the same as rate limits and lock-outs)."""
        return client_address(request._request if hasattr(request, "_request") else request) or "unknown"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        return count_in_window(f"{self.key}:{window}", self.duration) <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_end - self.now)


class AnonThrottle(FixedWindowThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request_client(request) is not None or request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TerminalThrottle(FixedWindowThrottle):
    scope = "terminal"

    def get_cache_key(self, request, view):
        client = request_client(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


class UserThrottle(FixedWindowThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request_client(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
