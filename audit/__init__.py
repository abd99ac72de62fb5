"""The security audit log (安全审计): ``audit.record(...)`` and ``audit.register_kind(key, label)``.

``record`` is imported lazily so that ``import audit`` works before the app registry is ready
(a domain's ``apps.py`` registers its kinds with ``register_kind`` at import time or in ``ready()``).
"""

from __future__ import annotations

from typing import Any

from .kinds import register_kind

__all__ = ["record", "register_kind"]


def record(kind: str, *, request=None, user=None, obj=None, result: str = "success", **detail: Any):
    """Append one event to the security audit log; see ``audit.log.record``."""
    from . import log

    return log.record(kind, request=request, user=user, obj=obj, result=result, **detail)
