"""Drop tombstones older than the retention period (the periodic job ``api.prune_tombstones``, daily,
registered by ``jobs``: docs/tasks.md; or from cron)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from api.collections import prune


def run() -> str:
    """One pruning; returns what was done."""
    horizon = timezone.now() - datetime.timedelta(days=settings.API_TOMBSTONE_RETENTION_DAYS)
    removed = prune(horizon)
    return f"已删除 {removed} 条过期的删除标记（早于 {horizon:%Y-%m-%d %H:%M}）。"


class Command(BaseCommand):
    help = "删除超过保留期（API_TOMBSTONE_RETENTION_DAYS）的删除标记；更早的同步起点会得到 410，终端需全量同步。"

    def handle(self, *args, **options):
        self.stdout.write(run())
