"""Mark bookings whose slot has ended without a check-in as 爽约 (a periodic job after closing time, docs/tasks.md).

Idempotent: a second run finds nothing left to mark. No-shows then count towards the block of
``APPOINTMENTS_NO_SHOW_LIMIT`` within ``APPOINTMENTS_NO_SHOW_PERIOD_DAYS`` (docs/appointments.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from appointments import service


def run() -> str:
    """The periodic job 预约爽约登记 (registered in ``AppointmentsConfig.ready``: 18:00 and 00:10)."""
    return f"记为爽约：{service.close_day()} 个预约。"


class Command(BaseCommand):
    help = "把时段已结束仍未签到的预约记为爽约（可重复运行）。"

    def handle(self, *args, **options):
        self.stdout.write(run())
