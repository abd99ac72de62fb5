"""Recompute the lights of open 咨询投诉建议 (the periodic job, every hour; see docs/interaction.md, docs/tasks.md).

python manage.py supervise_interactions            # today
python manage.py supervise_interactions --date 2026-11-16
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from interaction.clock import refresh_lights
from interaction.models import CLOCK_STATES, Interaction, Light


def run(today: datetime.date | None = None) -> str:
    """The periodic job 政民互动监察 (registered in ``InteractionConfig.ready``)."""
    changed = refresh_lights(today)
    counts = Interaction.objects.filter(state__in=CLOCK_STATES).aggregate(
        green=Count("pk", filter=Q(light=Light.GREEN)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        red=Count("pk", filter=Q(light=Light.RED)),
    )
    return (
        f"政民互动监察完成：绿灯 {counts['green']} 件，黄灯 {counts['yellow']} 件，红灯 {counts['red']} 件；"
        f"新转黄灯 {changed[Light.YELLOW]} 件，新转红灯 {changed[Light.RED]} 件，"
        f"解除监察 {changed[Light.NONE]} 件。"
    )


class Command(BaseCommand):
    help = "政民互动：重新计算在办咨询投诉建议的红黄绿灯（定时作业每小时运行，也可手动运行）。"

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
