"""Delete security audit rows older than the retention period (``AUDIT_RETENTION_DAYS``, ≥ 180).

《网络安全法》第二十一条（三）: network logs are kept no less than six months; a retention under 180
days is refused here, by the queryset (``AuditEventQuerySet.purge_before``) and, on PostgreSQL, by
the trigger, which lets DELETE through only for rows older than 180 days. The purge is itself
recorded. The periodic job ``audit.purge`` runs it daily (registered by ``jobs``, docs/tasks.md), or cron
(docs/security-audit.md).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import kinds
from audit.checks import retention_days
from audit.log import record
from audit.models import MINIMUM_RETENTION_DAYS, AuditEvent


def run(days: int | None = None) -> str:
    """One purge; refuses (raises ``ValueError``, a failed task staff see) under the legal minimum."""
    days = retention_days() if days is None else days
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(
            f"保存期限 {days} 天少于 {MINIMUM_RETENTION_DAYS} 天"
            "（《网络安全法》第二十一条：网络日志留存不少于六个月），未删除任何记录。"
        )
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = AuditEvent.objects.purge_before(cutoff)
    record(kinds.AUDIT_PURGED, retention_days=days, deleted=deleted, cutoff=cutoff.isoformat())
    return f"已删除 {deleted} 条 {days} 天前的安全审计记录。"


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，不少于 180 天）的安全审计记录。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保存天数（默认取 AUDIT_RETENTION_DAYS）。")

    def handle(self, *args, days=None, **options):
        try:
            self.stdout.write(run(days))
        except ValueError as error:
            raise CommandError(str(error)) from error
