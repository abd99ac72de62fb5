"""Demo only: the online demo terminals poll the API at their expected interval.

Without it, a demo loaded an hour ago shows every terminal as 失联 (silent) on the dashboard,
which is not what the demo means to show. ``make run`` starts this beside the server; each poll
is a real request with the terminal's public demo key, so "last seen" moves as it would in a
hall. The LED screen is not polled: it is the demo's silent terminal.
"""

from __future__ import annotations

import datetime
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from terminals.demo import DEMO_API_KEYS, DEMO_POLLS
from terminals.models import Terminal


class Command(BaseCommand):
    help = "演示：在线的演示接入终端按预期间隔调用接口（make run 在后台运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一轮后退出")
        parser.add_argument("--every", type=int, default=30, help="检查间隔（秒）")

    def handle(self, *args, once: bool = False, every: int = 30, **options):
        client = Client(HTTP_HOST=urlsplit(settings.DEMO_SITE_URL).hostname or "127.0.0.1")
        while True:
            try:
                polled = self.poll_due(client)
            except OperationalError as exc:  # the database is busy or not migrated yet: try again later
                self.stderr.write(f"演示终端暂未拉取：{exc}")
                polled = 0
            if once:
                self.stdout.write(f"演示终端本轮拉取 {polled} 次。")
                return
            time.sleep(every)

    def poll_due(self, client: Client) -> int:
        now = timezone.now()
        polled = 0
        for terminal in Terminal.objects.filter(name__in=DEMO_POLLS, is_active=True):
            interval = datetime.timedelta(minutes=terminal.expected_interval)
            if terminal.last_seen_at and now - terminal.last_seen_at < interval:
                continue
            client.get(DEMO_POLLS[terminal.name], HTTP_AUTHORIZATION=f"Api-Key {DEMO_API_KEYS[terminal.name]}")
            polled += 1
        return polled
