"""System check: the configured retention is at least the legal minimum."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from .models import MINIMUM_RETENTION_DAYS


def retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", 365))


def check_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if retention_days() < MINIMUM_RETENTION_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS={retention_days()} is under the {MINIMUM_RETENTION_DAYS} days "
                "《网络安全法》第二十一条 requires network logs to be kept.",
                id="audit.E001",
            )
        ]
    return []


def register() -> None:
    checks.register(check_retention, "security")
