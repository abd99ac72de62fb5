"""Throttles: anonymous clients per address, each terminal key per terminal, signed-in users per user.

Rates come from settings (``API_THROTTLE_ANON``, ``API_THROTTLE_KEY``, ``API_THROTTLE_USER``);
a throttled request gets 429 with ``Retry-After`` and a Chinese message.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .auth import request_terminal


class AnonThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request_terminal(request) is not None or request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TerminalThrottle(SimpleRateThrottle):
    scope = "terminal"

    def get_cache_key(self, request, view):
        terminal = request_terminal(request)
        if terminal is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": terminal.pk}


class UserThrottle(SimpleRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request_terminal(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
