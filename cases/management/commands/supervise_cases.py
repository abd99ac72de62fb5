"""电子监察: recompute the lights of running cases and raise the alerts (hourly periodic job, docs/tasks.md).

python manage.py supervise_cases            # today
python manage.py supervise_cases --date 2026-11-16
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from cases.supervision import supervise
from cases.uploads import purge_pending
from core.held_uploads import purge_held


def run(today: datetime.date | None = None) -> str:
    """The periodic job 办件电子监察 (registered in ``CasesConfig.ready``): lights, alerts, purge."""
    counts = supervise(today)
    summary = (
        f"电子监察完成：绿灯 {counts['green']} 件，黄灯 {counts['yellow']} 件，红灯 {counts['red']} 件；"
        f"新转黄灯 {counts['newly_yellow']} 件，新转红灯 {counts['newly_red']} 件，"
        f"新增预警 {counts['alerts']} 条，解除监察 {counts['cleared']} 件，"
        f"重算特别程序期限 {counts['special_recomputed']} 件。"
    )
    purged = purge_pending()
    if purged:
        summary += f"\n已删除超过两小时未提交的在线申请预览文件 {purged} 个。"
    held = purge_held()  # files kept for public forms shown again after an error (core.held_uploads)
    if held:
        summary += f"\n已删除超过两小时无人取回的表单暂存文件 {held} 个。"
    return summary


class Command(BaseCommand):
    help = "电子监察：重新计算在办办件的红黄绿灯并生成预警（定时作业每小时运行，也可手动运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（YYYY-MM-DD），缺省为今天。")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date 应为日期，格式 YYYY-MM-DD。") from error
        self.stdout.write(run(today))
