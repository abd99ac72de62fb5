"""Departments through the admin: validation in Chinese, nothing saved on bad input, and what
a new department brings with it (role groups, page sections, page permissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.pages import PagePermissionPolicy

from disclosure.models import DisclosureSectionPage
from guides.models import GuideIndexPage, GuideSectionPage
from permissions.demo_data import credit_code
from permissions.models import Department, DepartmentRole
from permissions.validators import credit_code_check_char, validate_credit_code

from ..matters.factories import MatterFactory
from .factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_CODE = credit_code("11", "990100", "12345678")


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="root", superuser=True)
    client.force_login(user)
    return client


def department_data(**overrides) -> dict:
    data = {
        "name": "示范市测试局",
        "short_name": "测试局",
        "slug": "",
        "credit_code": GOOD_CODE,
        "level": "city",
        "parent": "",
        "sort_order": 10,
        "is_active": "on",
        "change_reason": "",
    }
    data.update(overrides)
    return data


def test_known_real_credit_code_check_digit():
    # A published code of a real body (国务院办公厅): the algorithm must agree with it.
    assert credit_code_check_char("11100000000013127") == "D"
    validate_credit_code("11100000000013127D")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1199010012345678", "应为18位"),
        (GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1"), "校验位错误"),
        ("11990100I2345678" + "9X", "不允许的字符"),
        ("11ABCDEF" + GOOD_CODE[8:], "行政区划码"),
    ],
)
def test_invalid_credit_code_is_refused_in_chinese(admin_client, code, message):
    response = admin_client.post(reverse("departments:add"), department_data(credit_code=code))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Department.objects.filter(name="示范市测试局").exists()


def test_lowercase_credit_code_is_normalised(admin_client):
    response = admin_client.post(reverse("departments:add"), department_data(credit_code=GOOD_CODE.lower()))
    assert response.status_code == 302
    assert Department.objects.get(name="示范市测试局").credit_code == GOOD_CODE


def test_duplicate_credit_code_is_refused(admin_client):
    DepartmentFactory(credit_code=GOOD_CODE)
    response = admin_client.post(reverse("departments:add"), department_data())
    assert "该统一社会信用代码已被其他部门使用" in response.content.decode()
    assert not Department.objects.filter(name="示范市测试局").exists()


def test_department_cannot_become_its_own_ancestor(admin_client):
    top = DepartmentFactory(name="上级")
    middle = DepartmentFactory(name="中间", parent=top)
    bottom = DepartmentFactory(name="下级", parent=middle)
    response = admin_client.post(
        reverse("departments:edit", args=[top.pk]),
        department_data(
            name=top.name,
            short_name=top.short_name,
            slug=top.slug,
            credit_code=top.credit_code,
            parent=bottom.pk,
            change_reason="调整隶属关系",
        ),
    )
    assert response.status_code == 200
    assert "不能把下级设为上级" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None
    assert top.history.count() == 1


def test_department_cannot_be_its_own_parent(admin_client):
    dept = DepartmentFactory()
    response = admin_client.post(
        reverse("departments:edit", args=[dept.pk]),
        department_data(
            name=dept.name,
            short_name=dept.short_name,
            slug=dept.slug,
            credit_code=dept.credit_code,
            parent=dept.pk,
            change_reason="误操作",
        ),
    )
    assert "部门不能是自己的上级" in response.content.decode()


def test_level_cannot_be_above_parent_and_only_city_may_be_a_root(admin_client):
    district = DepartmentFactory(level="county")
    response = admin_client.post(reverse("departments:add"), department_data(level="city", parent=district.pk))
    assert "层级不能高于上级部门" in response.content.decode()
    response = admin_client.post(reverse("departments:add"), department_data(level="town"))
    assert "只有市级部门可以没有上级" in response.content.decode()
    assert not Department.objects.filter(name="示范市测试局").exists()


def test_overlong_name_is_refused(admin_client):
    response = admin_client.post(reverse("departments:add"), department_data(name="局" * 101))
    assert response.status_code == 200
    assert "100" in response.content.decode()
    assert not Department.objects.filter(credit_code=GOOD_CODE).exists()


def test_edit_requires_a_reason(admin_client):
    dept = DepartmentFactory()
    response = admin_client.post(
        reverse("departments:edit", args=[dept.pk]),
        department_data(name="新名字", short_name=dept.short_name, slug=dept.slug, credit_code=dept.credit_code),
    )
    assert response.status_code == 200
    dept.refresh_from_db()
    assert dept.name != "新名字"


def test_new_department_gets_groups_sections_and_page_permissions(admin_client):
    response = admin_client.post(reverse("departments:add"), department_data())
    assert response.status_code == 302
    dept = Department.objects.get(name="示范市测试局")
    assert dept.slug == "csj"  # from the pinyin initials of 测试局
    roles = {r.role: r.group for r in DepartmentRole.objects.filter(department=dept)}
    assert set(roles) == {"owner", "reviewer"}

    guide = GuideSectionPage.objects.get(department=dept)
    disclosure = DisclosureSectionPage.objects.get(department=dept)
    assert guide.live and disclosure.live
    assert guide.get_parent().specific_class is GuideIndexPage
    owner_perms = set(
        GroupPagePermission.objects.filter(group=roles["owner"], page=guide.page_ptr).values_list(
            "permission__codename", flat=True
        )
    )
    assert owner_perms == {"add_page", "change_page", "lock_page"}

    # And the rights work for a member: an owner may add pages in their own section only.
    member = MembershipFactory(department=dept, role="owner").user
    policy = PagePermissionPolicy()
    assert policy.user_has_permission_for_instance(member, "add", guide)
    other = GuideSectionPage.objects.exclude(department=dept)
    other_section = other.first() or GuideSectionPage.objects.get(department=DepartmentFactory())
    assert not policy.user_has_permission_for_instance(member, "add", other_section)
    assert not policy.user_has_permission_for_instance(member, "publish", guide)


def test_department_with_content_cannot_be_deleted_only_deactivated(admin_client):
    dept = DepartmentFactory()
    DepartmentFactory(parent=dept, name="子部门")
    response = admin_client.post(reverse("departments:delete", args=[dept.pk]), follow=True)
    assert Department.objects.filter(pk=dept.pk).exists()
    assert "不能删除该部门" in response.content.decode()
    assert "请改为停用" in response.content.decode()


def test_empty_department_can_be_deleted(admin_client):
    """A department created by mistake goes, with its empty sections and its role groups."""
    dept = DepartmentFactory(name="误建部门")
    group_ids = list(DepartmentRole.objects.filter(department=dept).values_list("group_id", flat=True))
    response = admin_client.post(reverse("departments:delete", args=[dept.pk]))
    assert response.status_code == 302
    assert not Department.objects.filter(pk=dept.pk).exists()
    assert not GuideSectionPage.objects.filter(title="误建部门").exists()
    assert not Group.objects.filter(pk__in=group_ids).exists()


def test_department_with_a_matter_cannot_be_deleted(admin_client):
    matter = MatterFactory()
    response = admin_client.post(reverse("departments:delete", args=[matter.department_id]), follow=True)
    assert "不能删除该部门" in response.content.decode()
    assert Department.objects.filter(pk=matter.department_id).exists()
    # Nothing half done: its sections are still there.
    assert GuideSectionPage.objects.filter(department_id=matter.department_id).exists()


def test_department_listing_and_search(admin_client):
    DepartmentFactory(name="示范市审计局", short_name="市审计局")
    response = admin_client.get(reverse("departments:index"), {"q": "审计"})
    assert response.status_code == 200
    assert "示范市审计局" in response.content.decode()
