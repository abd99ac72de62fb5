"""Demo departments, accounts and role groups (the first loader: everything else is owned by these)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from core import demo

from . import demo_data
from .grants import ensure_department_sections, ensure_global_roles, global_role_group
from .models import Department, Membership


@demo.register("permissions", "部门与账号", order=10)
def load(context: demo.DemoContext) -> dict[str, int]:
    ensure_global_roles()
    context.departments = _departments()
    created = _users(context.departments)
    context.admin = get_user_model().objects.get(username="admin")
    context.notes += _accounts()
    # Sign-in needs a second factor: the accounts loader gives these accounts the demo's one.
    usernames = [spec.username for spec in demo_data.USERS]
    context.users = list(get_user_model().objects.filter(username__in=usernames))
    return {"部门": Department.objects.count(), "账号": get_user_model().objects.count(), "新增账号": created}


def _departments() -> dict[str, Department]:
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
            dept._change_reason = demo.REASON
            dept.save()
        else:
            ensure_department_sections(dept)  # sections and review workflow of older installs
        result[spec.key] = dept
    return result


def _users(departments: dict[str, Department]) -> int:
    User = get_user_model()
    password = settings.DEMO_PASSWORD
    # Every demo account has the same (printed) password: hash it once, not once per account
    # (each hash takes the hasher's full work factor), and check each stored hash once.
    hashed: list[str] = []
    verified: set[str] = set()

    def demo_hash() -> str:
        if not hashed:
            hashed.append(make_password(password))
        return hashed[0]

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
                password=demo_hash(),
            )
            user.save()
            created += 1
        elif user.password in verified or user.check_password(password):
            verified.add(user.password)
        else:
            # DEMO_PASSWORD changed since the last run: the printed password must work.
            user.password = demo_hash()
            user.save(update_fields=["password"])
        if (
            spec.department
            and not Membership.objects.filter(
                user=user, department=departments[spec.department], role=spec.role
            ).exists()
        ):
            membership = Membership(user=user, department=departments[spec.department], role=spec.role)
            membership._change_reason = demo.REASON
            membership.save()
        if spec.global_role:
            group = global_role_group(spec.global_role)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
    return created


def _accounts() -> list[str]:
    password = settings.DEMO_PASSWORD
    lines = ["", f"演示账号（后台 {settings.DEMO_SITE_URL.rstrip('/')}/admin/ ）："]
    lines += [f"  {spec.username:<15} 密码 {password:<18} {spec.description}" for spec in demo_data.USERS]
    return lines
