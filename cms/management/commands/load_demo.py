"""Load the demo city and make sure the demo accounts exist. Running it again changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from cms import demo_data
from cms.demo_catalog import load_catalog
from cms.demo_disclosure import load_disclosure
from cms.demo_guides import load_guides
from cms.demo_halls import DEMO_API_KEYS, load_halls
from cms.demo_portal import load_portal_pages
from cms.demo_requests import load_report, load_requests
from disclosure.models import DisclosureDocumentPage, DisclosureRequest
from guides.models import BundleGuidePage, GuidePage
from halls.models import Hall, Window
from matters.models import Matter
from permissions.grants import (
    deferred_grants,
    ensure_department_sections,
    ensure_global_roles,
    global_role_group,
)
from permissions.models import Department, Membership
from sitesearch.demo import load_synonyms
from terminals.models import Terminal
from theme.demo import load_portal_settings

REASON = "演示数据"


class Command(BaseCommand):
    help = "加载示范市演示数据（部门、账号、事项），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_global_roles()
        departments = self._departments()
        created_users = self._users(departments)
        created_matters = self._matters(departments)
        admin = get_user_model().objects.get(username="admin")
        guides = load_guides(admin)
        load_disclosure(departments, admin)
        load_requests(departments, admin)
        load_report(admin)
        load_halls(departments, admin)
        self._site()
        load_portal_settings()
        load_portal_pages(admin)
        load_synonyms()
        self.stdout.write(
            f"演示数据就绪：部门 {Department.objects.count()} 个，事项 {Matter.objects.count()} 个，"
            f"办事指南 {GuidePage.objects.count()} 份，“一件事”指南 {BundleGuidePage.objects.count()} 份，"
            f"公开信息 {DisclosureDocumentPage.objects.count()} 条，依申请公开 {DisclosureRequest.objects.count()} 件，"
            f"服务大厅 {Hall.objects.count()} 个、窗口 {Window.objects.count()} 个、"
            f"接入终端 {Terminal.objects.count()} 个"
            f"（本次新增账号 {created_users} 个、事项 {created_matters} 个、"
            f"指南 {guides.guides + guides.bundles} 份）。"
        )
        if not options["quiet_accounts"]:
            self._print_accounts()

    def _departments(self) -> dict[str, Department]:
        result: dict[str, Department] = {}
        for order, spec in enumerate(demo_data.DEPARTMENTS, start=1):
            dept = Department.objects.filter(credit_code=spec.credit_code).first()
            if dept is None:
                dept = Department(
                    name=spec.name,
                    short_name=spec.short_name,
                    credit_code=spec.credit_code,
                    level=spec.level,
                    parent=result.get(spec.parent) if spec.parent else None,
                    sort_order=order * 10,
                )
                dept.full_clean()
                dept._change_reason = REASON
                dept.save()
            else:
                ensure_department_sections(dept)  # sections and review workflow of older installs
            result[spec.key] = dept
        return result

    def _users(self, departments: dict[str, Department]) -> int:
        User = get_user_model()
        password = settings.DEMO_PASSWORD
        created = 0
        for spec in demo_data.USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=f"{spec.username}@demo.shifan.gov.cn",
                    is_staff=spec.superuser,
                    is_superuser=spec.superuser,
                )
                user.set_password(password)
                user.save()
                created += 1
            elif not user.check_password(password):
                # DEMO_PASSWORD changed since the last run: the printed password must work.
                user.set_password(password)
                user.save(update_fields=["password"])
            if (
                spec.department
                and not Membership.objects.filter(
                    user=user, department=departments[spec.department], role=spec.role
                ).exists()
            ):
                membership = Membership(user=user, department=departments[spec.department], role=spec.role)
                membership._change_reason = REASON
                membership.save()
            if spec.global_role:
                group = global_role_group(spec.global_role)
                if not user.groups.filter(pk=group.pk).exists():
                    user.groups.add(group)
        return created

    def _matters(self, departments: dict[str, Department]) -> int:
        admin = get_user_model().objects.get(username="admin")
        with deferred_grants():
            return load_catalog(departments, admin).created

    def _site(self) -> None:
        """Point the default site at the address ``make run`` serves, so printed QR codes open."""
        url = urlsplit(settings.DEMO_SITE_URL)
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and (site.hostname, site.port) != (url.hostname, url.port or 80):
            site.hostname, site.port = url.hostname, url.port or 80
            site.save(update_fields=["hostname", "port"])

    def _print_accounts(self) -> None:
        password = settings.DEMO_PASSWORD
        self.stdout.write("")
        self.stdout.write("演示账号（后台 http://127.0.0.1:8000/admin/ ）：")
        for spec in demo_data.USERS:
            self.stdout.write(f"  {spec.username:<15} 密码 {password:<18} {spec.description}")
        self.stdout.write("")
        self.stdout.write("演示接入终端密钥（公开的演示值，请求头 Authorization: Api-Key <密钥>）：")
        for name, key in DEMO_API_KEYS.items():
            self.stdout.write(f"  {key}  {name}")
        self.stdout.write("")
