"""Enqueue the periodic jobs when they are due (docs/tasks.md); runs beside ``db_worker``.

python manage.py run_scheduler            # every 30 s until stopped (systemd)
python manage.py run_scheduler --once     # one pass, e.g. from cron
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from jobs.registry import periodic_jobs
from jobs.scheduler import run_due


class Command(BaseCommand):
    help = "定时作业调度：到期的定时作业各入队一次（可多个同时运行，同一时段只入队一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次后退出。")
        parser.add_argument("--interval", type=float, default=30.0, help="两次检查之间的秒数（缺省 30）。")

    def handle(self, *args, **options):
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval 应为正数（秒）。")
        if options["once"]:
            self._pass()
            return
        self.running = True

        def stop(signum, frame):
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = periodic_jobs()
        self.stdout.write(
            "定时作业：" + "；".join(f"{job.label}（{job.schedule.describe()}）" for job in jobs.values())
        )
        while self.running:
            close_old_connections()
            self._pass()
            close_old_connections()
            slept = 0.0
            while self.running and slept < interval:
                time.sleep(min(1.0, interval - slept))
                slept += 1.0

    def _pass(self) -> None:
        jobs = periodic_jobs()
        for key in run_due():
            self.stdout.write(f"已入队：{jobs[key].label}（{key}）")
