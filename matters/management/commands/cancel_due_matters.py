"""Cancel matters whose planned cancellation date has come (the periodic job ``matters.cancel_due``,
daily at 00:05, docs/tasks.md; or from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from matters.lifecycle import cancel_due


def run() -> str:
    """The periodic job 取消到期事项 (registered in ``MattersConfig.ready``)."""
    cancelled = cancel_due(timezone.localdate())
    names = "、".join(f"{m.implementation_code} {m.name}" for m in cancelled)
    return f"共取消 {len(cancelled)} 个事项。" + (f"\n{names}" if names else "")


class Command(BaseCommand):
    help = "取消已到计划取消日期的事项（建议每日运行）。"

    def handle(self, *args, **options):
        cancelled = cancel_due(timezone.localdate())
        for matter in cancelled:
            self.stdout.write(f"已取消：{matter.implementation_code} {matter.name}")
        self.stdout.write(f"共取消 {len(cancelled)} 个事项。")
