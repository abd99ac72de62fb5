"""Terminal API keys: ``Authorization: Api-Key <key>`` (or ``X-Api-Key: <key>``).

A key of an active terminal authenticates the request. Keys whose terminal holds a scope that
reaches non-public data (``read_drafts``, ``write_matters``) act as the terminal's service
user, so the one permission policy decides what they may read and write; other keys stay
anonymous as far as permissions go and only get their own throttle and key-only feeds.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from api import scopes
from core.http import client_address

from .models import Terminal, TerminalKey

SEEN_EVERY_SECONDS = 60


class _Parser(KeyParser):
    def get(self, request) -> str | None:
        return self.get_from_authorization(request) or request.META.get("HTTP_X_API_KEY") or None


def _mark_seen(terminal: Terminal, request) -> None:
    """Last-seen is written at most once a minute per terminal, not on every request."""
    if cache.add(f"api:seen:{terminal.pk}", 1, SEEN_EVERY_SECONDS):
        Terminal.objects.filter(pk=terminal.pk).update(
            last_seen_at=timezone.now(), last_seen_ip=client_address(request) or None
        )


class TerminalKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"
    parser = _Parser()

    def authenticate(self, request):
        key = self.parser.get(request)
        if not key:
            return None
        prefix = key.partition(".")[0]
        api_key = (
            TerminalKey.objects.filter(prefix=prefix, revoked=False)
            .select_related("terminal", "terminal__service_user")
            .first()
        )
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
