"""The shared cache's two idioms, in one place.

- **Versioned values** (``version``, ``bump``, ``cached``): a value derived from the database is
  cached under a key that includes a version token kept in the shared cache. Whoever changes the
  source bumps the token, so every process (each gunicorn worker, the task worker) rebuilds on
  its next read; no process ever has to be told. A lost token (cache flushed or restarted) simply
  starts a new version: everybody rebuilds once.
- **Counting in fixed windows** (``count_in_window``): the rate limits of the API and of the public
  forms. ``cache.add``/``cache.incr`` are atomic on Redis and per process on the local memory cache.
  When the cache server cannot be reached the event is let through (logged): a Redis blip must
  not turn every API request and public form into a 500; the limits are for abuse, not accounting.

The API's collection versions are different on purpose: they live in a database row updated in
the same transaction as the change, because an ETag must never be answered from a stale token;
with a shared cache (``API_SHARED_CACHE``) ``api.collections`` keeps a copy of the rows there,
written only after the transaction commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

logger = logging.getLogger(__name__)


def unreachable_errors() -> tuple[type[Exception], ...]:
    """What the cache backend raises when its server is down or slow (Redis, Memcached: sockets)."""
    errors: list[type[Exception]] = [OSError]  # ConnectionError, TimeoutError, socket errors
    try:
        from redis.exceptions import RedisError
    except ImportError:  # the embedded default needs no Redis client
        pass
    else:
        errors.append(RedisError)
    return tuple(errors)


UNREACHABLE = unreachable_errors()


def _version_key(name: str) -> str:
    return f"version:{name}"


def version(name: str) -> str:
    """The current version token of ``name`` (created on first use)."""
    token = cache.get(_version_key(name))
    if token is None:
        cache.add(_version_key(name), uuid.uuid4().hex, None)
        token = cache.get(_version_key(name)) or "unshared"
    return token


def bump(name: str) -> None:
    """``name`` changed: values cached under its old version are never read again."""
    cache.set(_version_key(name), uuid.uuid4().hex, None)


def cached(key: str, build: Callable[[], T], versions: tuple[str, ...], timeout: int) -> T:
    """``build()``, cached under ``key`` and the current tokens of ``versions``."""
    full_key = ":".join([key, *(version(name) for name in versions)])
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout)
    return value


def count_in_window(key: str, window: int, amount: int = 1) -> int:
    """Count ``amount`` more events under ``key`` in the current fixed window of ``window`` seconds.

    0 when the cache server cannot be reached: the event is allowed rather than the request failed.
    ``incr`` comes first: every event of a window but its first is then one round trip to Redis
    (``incr`` fails on a missing key, never creating one without an expiry); only the first adds
    the key with the window's expiry. Of two clients racing to add it, the loser counts by ``incr``.
    """
    try:
        try:
            return cache.incr(key, amount)
        except ValueError:  # the window's first event (or its key just expired)
            pass
        if cache.add(key, amount, window + 1):
            return amount
        try:
            return cache.incr(key, amount)
        except ValueError:  # expired between add and incr
            cache.set(key, amount, window + 1)
            return amount
    except UNREACHABLE:
        logger.warning("cache unreachable: %s not counted (allowed)", key, exc_info=True)
        return 0
