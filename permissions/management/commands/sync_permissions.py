"""Rebuild every grant from the ownership and membership data; safe to run at any time."""

from django.core.management.base import BaseCommand

from permissions.grants import sync_all


class Command(BaseCommand):
    help = "按部门、成员和内容归属重建全部授权（可重复运行，结果不变）。"

    def handle(self, *args, **options):
        report = sync_all()
        self.stdout.write(
            "权限同步完成："
            f"新建用户组 {report.groups_created} 个，重命名 {report.groups_renamed} 个；"
            f"加入用户组 {report.members_added} 人次，移出 {report.members_removed} 人次；"
            f"新增对象授权 {report.grants_added} 条，删除多余授权 {report.grants_removed} 条；"
            f"新建部门栏目 {report.sections_created} 个，新增页面权限 {report.page_permissions_added} 条；"
            f"新建部门审核流程 {report.workflows_created} 个。"
        )
