"""The client an API request comes from, as far as the API needs to know it.

Authentication (a terminal's key, see ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``) puts
a credential in ``request.auth``; a credential that stands for a registered client exposes it as
``.client``: something with a ``pk`` and ``has_scope(value) -> bool``. Throttles, scope checks and
key-only feeds ask this module and never name the model behind it.
"""

from __future__ import annotations

from typing import Protocol

from rest_framework.permissions import SAFE_METHODS, BasePermission


class Client(Protocol):
    pk: int

    def has_scope(self, scope: str) -> bool: ...


def request_client(request) -> Client | None:
    """The registered client behind this request's credential, if any."""
    return getattr(getattr(request, "auth", None), "client", None)


class KeyScopePermission(BasePermission):
    """A key writes only with the scope the view names (``write_scope``); reads need none."""

    message = "该接口密钥没有写入数据的授权范围，请联系平台管理员。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        if client is None or request.method in SAFE_METHODS:
            return True
        scope = getattr(view, "write_scope", None)
        return scope is not None and client.has_scope(str(scope))
