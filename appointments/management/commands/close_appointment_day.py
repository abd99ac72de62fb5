"""Mark bookings whose slot has ended without a check-in as 爽约 (run from cron after closing time).

Idempotent: a second run finds nothing left to mark. No-shows then count towards the block of
``APPOINTMENTS_NO_SHOW_LIMIT`` within ``APPOINTMENTS_NO_SHOW_PERIOD_DAYS`` (docs/appointments.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from appointments import service


class Command(BaseCommand):
    help = "把时段已结束仍未签到的预约记为爽约（可重复运行）。"

    def handle(self, *args, **options):
        count = service.close_day()
        self.stdout.write(f"记为爽约：{count} 个预约。")
