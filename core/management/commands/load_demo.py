"""Load the demo city: every app's registered demo loader, in order, inside the registered
wrappers (work done once after all loaders: the search and reference indexes). Running it again
changes nothing."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from core import demo
from core.progress import Progress


class Command(BaseCommand):
    help = "加载示范市演示数据（部门、账号、事项、指南、公开信息、大厅、门户页面），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号和接口密钥")

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        context = demo.DemoContext()
        started, cpu = time.perf_counter(), time.process_time()
        self.progress = Progress.for_command(self, options)
        self.done, self.total = 0, len(demo.loaders()) + len(demo.wrappers())
        with transaction.atomic():
            self.run(context, demo.wrappers())
        self.progress.finish()
        self.stdout.write(
            f"演示数据就绪（共 {time.perf_counter() - started:.1f} 秒，CPU {time.process_time() - cpu:.1f} 秒）。"
        )
        if not options["quiet_accounts"]:
            for line in context.notes:
                self.stdout.write(line)

    def run(self, context: demo.DemoContext, wrappers: list[demo.DemoWrapper]) -> None:
        """The loaders inside every wrapper; each wrapper's line comes when it has left."""
        if not wrappers:
            for loader in demo.loaders():
                began = (time.perf_counter(), time.process_time())
                made = loader.load(context) or {}
                self.line(loader.label, made, began)
                self.step()
            return
        wrapper, inner = wrappers[0], wrappers[1:]
        with wrapper.wrap(context) as made:
            self.run(context, inner)
            began = (time.perf_counter(), time.process_time())
        self.line(wrapper.label, made, began)
        self.step()

    def step(self) -> None:
        """One loader or wrapper done: the progress line on stderr."""
        self.done += 1
        self.progress("加载演示数据", self.done, self.total)

    def line(self, label: str, made: dict[str, int], began: tuple[float, float]) -> None:
        """What a loader or wrapper made, with its wall and CPU time (on a shared machine the
        wall time says little: the CPU time is the figure to compare between runs)."""
        counts = "，".join(f"{name} {count}" for name, count in made.items())
        wall, cpu = time.perf_counter() - began[0], time.process_time() - began[1]
        self.progress.clear()
        self.stdout.write(f"  {label:<8}{counts}（{wall:.1f} 秒，CPU {cpu:.1f} 秒）")
