"""Import a catalog workbook from the command line, with the same rules as the admin."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.progress import Progress
from matters.importing import import_file


class Command(BaseCommand):
    help = "从Excel工作簿（.xlsx）或CSV导入事项；有任何错误时不写入任何数据并以退出码1结束。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="工作簿路径（.xlsx 或 .csv）")
        parser.add_argument("--user", help="以该用户的权限导入（默认以系统身份，不受部门权限限制）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并打印结果，不写入")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        progress = Progress.for_command(self, options)
        plan, batch = import_file(path.read_bytes(), path.name, user, dry_run=options["dry_run"], progress=progress)
        progress.finish()
        for line in plan.report():
            self.stdout.write(line)
        if plan.ignored_columns:
            self.stdout.write("未识别而忽略的列：" + "、".join(plan.ignored_columns))
        if not plan.ok:
            self.stderr.write(f"导入失败：共{len(plan.errors)}处错误，未写入任何数据。")
            raise SystemExit(1)
        if batch is None:
            self.stdout.write("试运行：检查通过，未写入数据。")
        else:
            self.stdout.write(f"导入完成：{batch}。")
