"""Terminal API keys: ``Authorization: Api-Key <key>`` (or ``X-Api-Key: <key>``).

A key of an active terminal authenticates the request. Keys whose terminal holds a scope that
reaches non-public data (``read_drafts``, ``write_matters``) act as the terminal's service
user, so the one permission policy decides what they may read and write; other keys stay
anonymous as far as permissions go and only get their own throttle and key-only feeds.

With a cache shared by every process (``settings.API_SHARED_CACHE``) the looked-up key (with its
terminal and service user) is kept there, so a terminal's request costs no query to authenticate.
The entry is named by a hash of the key's prefix (never the key) and versioned (``core.cache``):
revoking or rotating keys, and any change of the terminal or its service user, bump the version
after the commit (``terminals.models``), so the next request reads the database again. The
secret is still checked against the stored hash on every request.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from api import scopes
from core import cache as versioned
from core.http import client_address

from .models import Terminal, TerminalKey

SEEN_EVERY_SECONDS = 60
KEY_CACHE_SECONDS = 300  # a backstop: changes bump the entry's version at once

logger = logging.getLogger(__name__)


class _Parser(KeyParser):
    def get(self, request) -> str | None:
        return self.get_from_authorization(request) or request.META.get("HTTP_X_API_KEY") or None


def _mark_seen(terminal: Terminal, request) -> None:
    """Last-seen is written at most once a minute per terminal, not on every request."""
    try:
        due = cache.add(f"api:seen:{terminal.pk}", 1, SEEN_EVERY_SECONDS)
    except versioned.UNREACHABLE:
        due = False  # the cache is down: last-seen waits rather than the request failing
    if due:
        Terminal.objects.filter(pk=terminal.pk).update(
            last_seen_at=timezone.now(), last_seen_ip=client_address(request) or None
        )


def _version_name(prefix: str) -> str:
    return "terminal-key:" + hashlib.blake2b(prefix.encode(), digest_size=12).hexdigest()


def _lookup(prefix: str) -> TerminalKey | None:
    return (
        TerminalKey.objects.filter(prefix=prefix, revoked=False)
        .select_related("terminal", "terminal__service_user")
        .first()
    )


def find_key(prefix: str) -> TerminalKey | None:
    """The unrevoked key with this prefix, its terminal and service user loaded; from the shared cache if any."""
    if not settings.API_SHARED_CACHE:
        return _lookup(prefix)
    name = _version_name(prefix)
    try:
        # The version is read before the database: a change committed after this read bumps it,
        # so what is stored below under the old version is never read again.
        entry_key = f"api:key:{name}:{versioned.version(name)}"
        api_key = cache.get(entry_key)
    except versioned.UNREACHABLE:
        logger.warning("cache unreachable: terminal key looked up in the database", exc_info=True)
        return _lookup(prefix)
    if api_key is None:
        api_key = _lookup(prefix)
        if api_key is not None:
            transaction.on_commit(lambda: _store(entry_key, api_key))
    return api_key


def _store(entry_key: str, api_key: TerminalKey) -> None:
    """After the commit (what this request's transaction read is then everybody's)."""
    try:
        cache.set(entry_key, api_key, KEY_CACHE_SECONDS)
    except versioned.UNREACHABLE:
        logger.warning("cache unreachable: terminal key lookup not stored", exc_info=True)


def forget_keys(prefixes: Iterable[str]) -> None:
    """After the commit, the cached lookups of these key prefixes are read from the database again."""
    names = [_version_name(prefix) for prefix in set(prefixes)]
    if not settings.API_SHARED_CACHE or not names:
        return

    def bump() -> None:
        for name in names:
            versioned.bump(name)

    transaction.on_commit(bump)


class TerminalKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"
    parser = _Parser()

    def authenticate(self, request):
        key = self.parser.get(request)
        if not key:
            return None
        prefix = key.partition(".")[0]
        api_key = find_key(prefix)
        if api_key is None or not api_key.is_valid(key) or api_key.has_expired or not api_key.terminal.is_active:
            raise exceptions.AuthenticationFailed("接口密钥无效、已吊销或已过期，请联系平台管理员重新发放。")
        terminal = api_key.terminal
        _mark_seen(terminal, request)
        user = terminal.service_user
        if user is None or not user.is_active or not (scopes.user_scopes() & set(terminal.scopes or [])):
            user = AnonymousUser()
        return user, api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


def request_terminal(request) -> Terminal | None:
    auth = getattr(request, "auth", None)
    return auth.terminal if isinstance(auth, TerminalKey) else None
