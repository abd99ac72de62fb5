"""HTTP caching of API responses: ETag, Last-Modified, Cache-Control, 304, and a body cache.

An ETag is a hash of the versions of the collections a response reads plus everything else
the response depends on (path, query, who is asking). A revalidation therefore costs one
small query (none with a shared cache: ``api.collections``) and serialises nothing.
``max-age`` never reaches past the next moment a collection changes by the clock
(``api.collections``).
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from . import collections

JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class CacheState:
    etag: str
    last_modified: datetime.datetime
    max_age: int
    private: bool
    versions: dict

    def cache_control(self) -> str:
        if self.private:
            return "private, no-cache"
        return f"public, max-age={self.max_age}"

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        response["Last-Modified"] = format_datetime(self.last_modified.astimezone(datetime.UTC), usegmt=True)
        response["Cache-Control"] = self.cache_control()
        response["Vary"] = "Accept, Authorization, Origin"
        return response

    @property
    def body_key(self) -> str:
        return f"api:body:{self.etag}"


def state_for(names, variant: str, *, private: bool = False) -> CacheState:
    """The cache state of a response reading these collections, for this request variant."""
    rows = collections.versions(names)
    token = "|".join(f"{name}:{rows[name].version}" for name in sorted(rows))
    digest = hashlib.blake2b(f"{settings.API_VERSION}|{token}|{variant}".encode(), digest_size=12).hexdigest()
    last_modified = max(row.changed_at for row in rows.values()).replace(microsecond=0)
    max_age = settings.API_CACHE_MAX_AGE
    now = timezone.now()
    for row in rows.values():
        if row.next_transition_at is not None:
            max_age = min(max_age, max(0, int((row.next_transition_at - now).total_seconds())))
    return CacheState(
        etag=f'"{digest}"',
        last_modified=last_modified,
        max_age=max_age,
        private=private,
        versions={n: r.version for n, r in rows.items()},
    )


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [tag.strip() for tag in header.split(",")]
    return etag in candidates or f"W/{etag}" in candidates


def is_not_modified(request, state: CacheState) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only when it is absent."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return _etag_matches(if_none_match, state.etag)
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since is None or since.tzinfo is None:
            return False
        return state.last_modified <= since
    return False


def not_modified(state: CacheState) -> HttpResponse:
    return state.apply(HttpResponse(status=304))


def wants_fresh(request) -> bool:
    """``Cache-Control: no-cache`` from the client skips the stored body (the data is re-read)."""
    return "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "")


class _HotBodies:
    """The bodies this process served lately, by the key the shared cache keeps them under.

    A key names an ETag, and an ETag changes with every version of what the body reads, so a
    copy can never be stale; keeping it here spares a hit its round trip to the shared cache
    (with Redis, 250 KB over the socket and unpickled for a page of 50 matters). Bounded by
    ``API_BODY_LOCAL_BYTES`` (least recently used first out; 0 turns it off) and by
    ``API_RESPONSE_CACHE_SECONDS`` like the shared copy.
    """

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, body: bytes) -> None:
        limit = settings.API_BODY_LOCAL_BYTES
        if limit <= 0 or len(body) > limit // 4:  # one huge body must not push out all the rest
            return
        with self._lock:
            self._drop(key)
            self._items[key] = (time.monotonic() + settings.API_RESPONSE_CACHE_SECONDS, body)
            self._size += len(body)
            while self._size > limit:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _drop(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self._size -= len(item[1])


_hot_bodies = _HotBodies()


def forget_hot_bodies() -> None:
    """Drop this process's copies of bodies (tests, where a new database restarts the versions)."""
    _hot_bodies.clear()


def cached_body(request, state: CacheState) -> bytes | None:
    if settings.API_RESPONSE_CACHE_SECONDS <= 0 or wants_fresh(request):
        return None
    body = _hot_bodies.get(state.body_key)
    if body is None:
        body = cache.get(state.body_key)
        if body is not None:
            _hot_bodies.put(state.body_key, body)
    return body


def store_body(state: CacheState, body: bytes) -> None:
    if settings.API_RESPONSE_CACHE_SECONDS > 0:
        cache.set(state.body_key, body, settings.API_RESPONSE_CACHE_SECONDS)
        _hot_bodies.put(state.body_key, body)


def json_response(body: bytes, state: CacheState, status: int = 200) -> HttpResponse:
    return state.apply(HttpResponse(body, status=status, content_type=JSON_TYPE))
