"""The one notion of the client's address, for rate limits, lock-outs and "last seen".

Behind ``PROXY_COUNT`` trusted reverse proxies (nginx in the production profile), the client is
the address the outermost trusted proxy saw: the ``PROXY_COUNT``-th entry from the right of
``X-Forwarded-For``. Entries further left are whatever the client sent and are never trusted, so
a forged header cannot dodge a rate limit. With no proxy (``make run``), it is the socket's
address. DRF's throttles (``NUM_PROXIES``) and django-axes (``AXES_IPWARE_PROXY_COUNT``) are set
from the same setting, so all three agree.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(request: HttpRequest) -> str:
    """The client's IP address as far as the trusted proxies vouch for it ("" if unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
            if _is_ip(candidate):
                return candidate
    return remote if _is_ip(remote) else ""


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def rate_limited(request: HttpRequest, scope: str, limit: int, window: int = 3600) -> bool:
    """Count this client's attempts in the window; True once over ``limit``.

    The address is kept only as a keyed hash (``core.pii``), in the shared cache, for one window.
    """
    from .cache import count_in_window
    from .pii import keyed_hash

    key = f"ratelimit:{scope}:{keyed_hash(client_address(request))}:{int(time.time() // window)}"
    return count_in_window(key, window) > limit


def download_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A private file as a download: never rendered inline, never cached, type not sniffed."""
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
