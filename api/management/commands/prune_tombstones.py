"""Drop tombstones older than the retention period (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from api.collections import prune


class Command(BaseCommand):
    help = "删除超过保留期（API_TOMBSTONE_RETENTION_DAYS）的删除标记；更早的同步起点会得到 410，终端需全量同步。"

    def handle(self, *args, **options):
        horizon = timezone.now() - datetime.timedelta(days=settings.API_TOMBSTONE_RETENTION_DAYS)
        removed = prune(horizon)
        self.stdout.write(f"已删除 {removed} 条过期的删除标记（早于 {horizon:%Y-%m-%d %H:%M}）。")
