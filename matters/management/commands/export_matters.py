"""Export the catalog (both sheets) to a workbook that imports back with zero changes."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.progress import Progress
from matters.importing import export_csv, export_queryset, export_xlsx


class Command(BaseCommand):
    help = "把事项清单导出为Excel工作簿（.xlsx，含“事项”“申请材料”两张表）或CSV（仅“事项”表）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件路径（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只导出该用户在后台可见的事项（默认导出全部）")

    def handle(self, *args, **options):
        path = Path(options["path"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        matters = export_queryset(user)
        progress = Progress.for_command(self, options)
        content = (export_csv if path.suffix.lower() == ".csv" else export_xlsx)(matters, progress)
        progress.finish()
        path.write_bytes(content)
        self.stdout.write(f"已导出 {matters.count()} 个事项到 {path}。")
