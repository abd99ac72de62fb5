"""The demo city, assembled from what each app registers (``<app>/demo.py``).

``manage.py load_demo`` imports every app's ``demo`` module (Django's ``autodiscover_modules``)
and runs the registered loaders in order inside one transaction, printing one line per loader
with what it made and how long it took. A loader must be idempotent: running ``load_demo`` again
changes nothing. Loaders share a ``DemoContext`` (the demo departments by key, the admin user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REASON = "演示数据"


@dataclass
class DemoContext:
    """What earlier loaders hand to later ones."""

    departments: dict[str, Any] = field(default_factory=dict)
    admin: Any = None
    notes: list[str] = field(default_factory=list)  # printed after the summary (accounts, keys)
    extra: dict[str, Any] = field(default_factory=dict)


# A loader returns what it made, as Chinese labels and counts: {"部门": 30, "账号": 12}.
Loader = Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    label: str
    order: int
    load: Loader


_LOADERS: dict[str, DemoLoader] = {}


def register(name: str, label: str, *, order: int) -> Callable[[Loader], Loader]:
    """Register a demo loader; ``order`` puts it after what it builds on (departments first)."""

    def decorator(load: Loader) -> Loader:
        _LOADERS[name] = DemoLoader(name, label, order, load)
        return load

    return decorator


def loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))
