"""Load the demo city: every app's registered demo loader, in order. Running it again changes nothing."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from core import demo


class Command(BaseCommand):
    help = "加载示范市演示数据（部门、账号、事项、指南、公开信息、大厅、门户页面），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号和接口密钥")

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        context = demo.DemoContext()
        started = time.perf_counter()
        with transaction.atomic():
            for loader in demo.loaders():
                began = time.perf_counter()
                made = loader.load(context) or {}
                counts = "，".join(f"{label} {count}" for label, count in made.items())
                self.stdout.write(f"  {loader.label:<8}{counts}（{time.perf_counter() - began:.1f} 秒）")
        self.stdout.write(f"演示数据就绪（共 {time.perf_counter() - started:.1f} 秒）。")
        if not options["quiet_accounts"]:
            for line in context.notes:
                self.stdout.write(line)
