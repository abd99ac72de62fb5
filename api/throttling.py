"""Throttles: anonymous clients per address, each terminal key per terminal, signed-in users per user.

Rates come from settings (``API_THROTTLE_ANON``, ``API_THROTTLE_KEY``, ``API_THROTTLE_USER``);
a throttled request gets 429 with ``Retry-After`` and a Chinese message.

Fixed windows counted with ``cache.add``/``cache.incr`` rather than DRF's sliding log: DRF
keeps and re-pickles every request time of the window on each request, which costs more than
answering a 304 once a terminal polls a few hundred times a minute. A client may burst up to
twice the rate across a window boundary; the limit is for abuse, not for accounting.

Far below its limit a client's requests are added to the shared count in batches
(``API_THROTTLE_LOCAL_BATCH``, at most a twentieth of the limit): a poll then costs no round trip
to Redis nine times out of ten. Each process knows the shared total as of its last batch plus its
own requests since; once that is within a batch of the limit it counts every request at once, so
one process refuses the first request over the limit exactly, and several processes together can
let through at most a batch each more.
"""

from __future__ import annotations

import threading

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.cache import count_in_window
from core.http import client_address

from .clients import request_client


class _Batches:
    """Per process: for each key of a current window, [window end, shared total, own uncounted]."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows: dict[str, list[float]] = {}

    def count(self, key: str, duration: int, window_end: float, now: float, limit: int) -> int:
        """The client's count in this window with this request, as well as this process knows it."""
        batch = max(1, min(settings.API_THROTTLE_LOCAL_BATCH, limit // 20))
        with self.lock:
            entry = self.windows.get(key)
            if entry is None:
                if len(self.windows) > 10_000:  # windows past their end: nothing to count any more
                    self.windows = {k: e for k, e in self.windows.items() if e[0] > now}
                entry = self.windows[key] = [window_end, 0, 0]
            entry[2] += 1
            estimate = entry[1] + entry[2]
            if entry[2] < batch and estimate <= limit - batch:
                return estimate
            pending, entry[2] = entry[2], 0
        shared = count_in_window(key, duration, pending)
        with self.lock:
            entry[1] = max(entry[1], shared)
            return entry[1] + entry[2]


_batches = _Batches()


def forget_batches() -> None:
    """Drop what this process knows of the counts (tests: the cache they live in was cleared)."""
    with _batches.lock:
        _batches.windows = {}


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
        key = f"{self.key}:{window}"
        return _batches.count(key, self.duration, self.window_end, self.now, self.num_requests) <= self.num_requests

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
