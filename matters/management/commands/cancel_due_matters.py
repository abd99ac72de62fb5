"""Cancel matters whose planned cancellation date has come (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from matters.lifecycle import cancel_due


class Command(BaseCommand):
    help = "取消已到计划取消日期的事项（建议每日运行）。"

    def handle(self, *args, **options):
        cancelled = cancel_due(timezone.localdate())
        for matter in cancelled:
            self.stdout.write(f"已取消：{matter.implementation_code} {matter.name}")
        self.stdout.write(f"共取消 {len(cancelled)} 个事项。")
