"""What an API client's key may do beyond reading public data (授权范围), registered by whoever needs it.

The API defines the one scope its own machine checks (``read_drafts``: a resource's drafts and
not-yet-effective records for the client's department); a domain registers the scopes of its
writes (``matters`` registers ``write_matters``). A scope that ``acts_as_user`` makes the key act
as its client's service user, so the one permission policy decides what it may read and write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    value: str
    label: str
    acts_as_user: bool = False

    def __str__(self) -> str:
        return self.value


_REGISTRY: dict[str, Scope] = {}


def register(value: str, label: str, *, acts_as_user: bool = False) -> Scope:
    scope = Scope(value, label, acts_as_user)
    _REGISTRY[value] = scope
    return scope


def choices() -> list[tuple[str, str]]:
    return [(scope.value, scope.label) for scope in _REGISTRY.values()]


def user_scopes() -> frozenset[str]:
    """The scopes whose keys act as their client's service user."""
    return frozenset(value for value, scope in _REGISTRY.items() if scope.acts_as_user)


def labels(values: Iterable[str] | None) -> str:
    """The Chinese labels of ``values`` for a list column, or "仅公开数据"."""
    return "、".join(_REGISTRY[v].label for v in values or [] if v in _REGISTRY) or "仅公开数据"


READ_DRAFTS = register("read_drafts", "读取本部门未发布和未生效的事项", acts_as_user=True)
