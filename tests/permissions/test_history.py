"""History of plain models (simple-history) through the admin: who, why, diff, revert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from permissions.models import Membership

from .factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", superuser=True)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="示范市旧名局", short_name="旧名局", slug="jmj")


def edit(client, department, **changes):
    data = {
        "name": department.name,
        "short_name": department.short_name,
        "slug": department.slug,
        "credit_code": department.credit_code,
        "level": department.level,
        "parent": department.parent_id or "",
        "sort_order": department.sort_order,
        "is_active": "on" if department.is_active else "",
        "change_reason": "机构改革更名",
    }
    data.update(changes)
    return client.post(reverse("departments:edit", args=[department.pk]), data)


def test_admin_edit_records_user_and_reason(client, admin_user, department):
    client.force_login(admin_user)
    response = edit(client, department, name="示范市新名局")
    assert response.status_code == 302
    latest = department.history.first()
    assert latest.name == "示范市新名局"
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "机构改革更名"
    assert latest.history_type == "~"


def test_history_page_lists_changes_with_fields(client, admin_user, department):
    client.force_login(admin_user)
    edit(client, department, name="示范市新名局")
    html = client.get(reverse("departments:history", args=[department.pk])).content.decode()
    assert "机构改革更名" in html
    assert "root" in html
    assert "示范市旧名局 → 示范市新名局" in html


def test_compare_any_two_versions_shows_field_diff(client, admin_user, department):
    client.force_login(admin_user)
    edit(client, department, name="示范市第二名局")
    department.refresh_from_db()
    edit(client, department, name="示范市第三名局", level="city", is_active="", change_reason="停用")
    first, last = department.history.last(), department.history.first()
    html = client.get(
        reverse("departments:history_compare", args=[department.pk]),
        {"old": first.history_id, "new": last.history_id},
    ).content.decode()
    html = html[html.index('aria-label="字段比较"') :]
    html = html[: html.index("</table>")]
    assert "示范市旧名局" in html and "示范市第三名局" in html
    assert "启用" in html  # the active flag changed too
    assert "示范市第二名局" not in html  # only the two chosen versions are compared


def test_compare_with_forged_version_id_is_404(client, admin_user, department):
    client.force_login(admin_user)
    other = DepartmentFactory()
    response = client.get(
        reverse("departments:history_compare", args=[department.pk]),
        {"old": other.history.first().history_id},
    )
    assert response.status_code == 404
    response = client.get(reverse("departments:history_compare", args=[department.pk]), {"old": "abc"})
    assert response.status_code == 404


def test_revert_restores_and_is_itself_recorded(client, admin_user, department):
    client.force_login(admin_user)
    original = department.history.first()
    edit(client, department, name="示范市改错名局")
    url = reverse("departments:history_revert", args=[department.pk, original.history_id])
    page = client.get(url).content.decode()
    assert "示范市改错名局" in page and "示范市旧名局" in page  # shows what will change

    response = client.post(url, {"change_reason": "更名有误，恢复"})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "示范市旧名局"
    latest = department.history.first()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "更名有误，恢复"
    assert department.history.count() == 3


def test_revert_that_would_break_a_rule_is_refused(client, admin_user, department):
    """Reverting to a version whose parent is now its descendant must not create a cycle."""
    client.force_login(admin_user)
    top = DepartmentFactory(name="上级局")
    department.parent = top
    department._change_reason = "划入上级"
    department.save()
    old = department.history.first()
    department.parent = None
    department._change_reason = "独立"
    department.save()
    top.parent = department
    top._change_reason = "调整为下级"
    top.save()
    response = client.post(
        reverse("departments:history_revert", args=[department.pk, old.history_id]),
        {"change_reason": "恢复"},
    )
    assert response.status_code == 200
    assert "不能把下级设为上级" in response.content.decode()
    department.refresh_from_db()
    assert department.parent is None


def test_revert_needs_change_permission(client, department):
    viewer = UserFactory(username="viewer")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_department"),
    )
    client.force_login(viewer)
    assert client.get(reverse("departments:history", args=[department.pk])).status_code == 200
    response = client.post(
        reverse("departments:history_revert", args=[department.pk, department.history.first().history_id]),
        {"change_reason": "x"},
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def test_membership_history_through_admin(client, admin_user, department):
    client.force_login(admin_user)
    user = UserFactory(username="xiaowang")
    response = client.post(
        reverse("memberships:add"),
        {
            "user": user.pk,
            "department": department.pk,
            "role": "owner",
            "note": "",
            "change_reason": "新入职",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert user.groups.filter(department_role__department=department, department_role__role="owner").exists()

    response = client.post(
        reverse("memberships:edit", args=[membership.pk]),
        {
            "user": user.pk,
            "department": department.pk,
            "role": "reviewer",
            "note": "",
            "change_reason": "岗位调整",
        },
    )
    assert response.status_code == 302
    records = list(membership.history.order_by("history_date"))
    assert [r.history_change_reason for r in records] == ["新入职", "岗位调整"]
    assert all(r.history_user == admin_user for r in records)
    assert set(user.groups.values_list("department_role__role", flat=True)) == {"reviewer"}

    html = client.get(reverse("memberships:history", args=[membership.pk])).content.decode()
    assert "内容维护员 → 审核员" in html


def test_duplicate_membership_is_refused_in_chinese(client, admin_user, department):
    client.force_login(admin_user)
    existing = MembershipFactory(department=department, role="owner")
    response = client.post(
        reverse("memberships:add"),
        {"user": existing.user_id, "department": department.pk, "role": "owner", "change_reason": "重复"},
    )
    assert response.status_code == 200
    assert "该用户在此部门已有这个角色" in response.content.decode()
    assert Membership.objects.filter(user=existing.user).count() == 1


def test_user_form_leaves_department_roles_to_memberships(client, admin_user, department):
    """Editing a user in Wagtail's user admin neither offers nor drops department role groups."""
    from django.contrib.auth.models import Group

    membership = MembershipFactory(department=department, role="owner")
    user = membership.user
    client.force_login(admin_user)
    page = client.get(reverse("wagtailusers_users:edit", args=[user.pk])).content.decode()
    assert "政务公开办编辑" in page
    assert "·内容维护员" not in page
    editor_group = Group.objects.get(name="政务公开办编辑")
    response = client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "username": user.username,
            "email": user.email,
            "first_name": "新",
            "last_name": "名",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [editor_group.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    names = set(user.groups.values_list("name", flat=True))
    assert "政务公开办编辑" in names
    assert any("内容维护员" in name for name in names)
