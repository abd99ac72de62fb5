"""Grants follow ownership and membership, immediately; sync_permissions rebuilds exactly them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from matters.models import Matter, MatterGroupObjectPermission
from permissions.models import DepartmentRole, Membership

from ..helpers import matter_form_data, matter_url
from ..matters.factories import MatterFactory

pytestmark = pytest.mark.django_db


def edit_url(matter) -> str:
    return matter_url("edit", matter.pk)


def grant_rows():
    return set(MatterGroupObjectPermission.objects.values_list("content_object_id", "group_id", "permission__codename"))


def test_new_record_grants_exactly_its_department_roles(world):
    matter = world.matters["own"]
    rows = {(g, p) for m, g, p in grant_rows() if m == matter.pk}
    owner_group = DepartmentRole.objects.get(department=world.dept_a, role="owner").group_id
    reviewer_group = DepartmentRole.objects.get(department=world.dept_a, role="reviewer").group_id
    assert rows == {
        (owner_group, "view_matter"),
        (owner_group, "change_matter"),
        (owner_group, "delete_matter"),
        (owner_group, "lock_matter"),
        (reviewer_group, "view_matter"),
        (reviewer_group, "change_matter"),
        (reviewer_group, "publish_matter"),
        (reviewer_group, "lock_matter"),
        (reviewer_group, "unlock_matter"),
    }


def test_moving_a_matter_moves_the_rights(client, world):
    """The system administrator moves A's matter to B and publishes: B edits it, A no longer can."""
    matter = world.matters["own"]
    client.force_login(world.users["sysadmin"])
    response = client.post(
        edit_url(matter),
        matter_form_data(
            matter,
            department=world.dept_b.pk,
            implementation_code=f"{world.dept_b.credit_code}019999",  # the code follows the body
            **{"action-publish": "publish"},
        ),
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.department == world.dept_b

    client.force_login(world.users["owner"])
    assert client.get(edit_url(matter)).status_code == 404
    client.force_login(world.users["owner_b"])
    assert client.get(edit_url(matter)).status_code == 200
    # And through the API as well.
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/",
        {"name": "乙局接手", "revision": matter.latest_revision_id},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_removed_member_loses_rights_at_once(client, world):
    owner = world.users["owner"]
    client.force_login(owner)
    assert client.get(edit_url(world.matters["own"])).status_code == 200

    Membership.objects.get(user=owner, department=world.dept_a).delete()

    # The very next request, same session.
    response = client.get(edit_url(world.matters["own"]))
    assert response.status_code == 302  # no admin access left at all: sent to the login page
    assert not owner.groups.filter(department_role__isnull=False).exists()
    api = client.get("/api/v1/matters/").json()["results"]
    assert "甲局草稿事项" not in {m["name"] for m in api}


def test_membership_role_change_changes_rights(client, world):
    owner = world.users["owner"]
    membership = Membership.objects.get(user=owner, department=world.dept_a)
    membership.role = "reviewer"
    membership.save()
    client.force_login(owner)
    response = client.post(reverse(Matter.snippet_viewset.get_url_name("delete"), args=[world.matters["own"].pk]))
    assert Matter.objects.filter(pk=world.matters["own"].pk).exists()  # reviewers may not delete
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_deactivated_department_keeps_content_and_members_lose_rights(client, world):
    world.dept_a.is_active = False
    world.dept_a.save()
    assert Matter.objects.filter(department=world.dept_a).count() == 2
    assert Membership.objects.filter(department=world.dept_a).count() == 2  # kept for reactivation
    client.force_login(world.users["owner"])
    assert client.get(edit_url(world.matters["own"])).status_code == 302

    world.dept_a.is_active = True
    world.dept_a.save()
    assert client.get(edit_url(world.matters["own"])).status_code == 200


def test_sync_permissions_restores_exactly_the_missing_grants(world):
    MatterFactory(department=world.dept_b, name="再来一个")
    expected = grant_rows()
    groups_expected = {u.pk: set(u.groups.values_list("pk", flat=True)) for u in world.users.values()}

    # Damage: lose some grants, add a foreign one, take a user out of their group.
    MatterGroupObjectPermission.objects.filter(content_object=world.matters["own"]).delete()
    MatterGroupObjectPermission.objects.filter(permission__codename="publish_matter").delete()
    stray_group = DepartmentRole.objects.get(department=world.dept_b, role="owner").group
    MatterGroupObjectPermission.objects.create(
        content_object=world.matters["own_draft"],
        group=stray_group,
        permission=MatterGroupObjectPermission.objects.first().permission,
    )
    world.users["owner"].groups.clear()
    assert grant_rows() != expected

    out = StringIO()
    call_command("sync_permissions", stdout=out)
    assert grant_rows() == expected
    assert {u.pk: set(u.groups.values_list("pk", flat=True)) for u in world.users.values()} == groups_expected
    assert "删除多余授权 1 条" in out.getvalue()

    # Idempotent: a second run changes nothing.
    out = StringIO()
    call_command("sync_permissions", stdout=out)
    assert "新增对象授权 0 条，删除多余授权 0 条" in out.getvalue()
    assert grant_rows() == expected


def test_ad_hoc_grants_to_other_groups_survive_sync(world):
    """Sharing a record with a non-department group is allowed and is not undone by a sync."""
    shared = Group.objects.create(name="专项工作组")
    row = MatterGroupObjectPermission.objects.create(
        content_object=world.matters["other"],
        group=shared,
        permission=MatterGroupObjectPermission.objects.filter(permission__codename="view_matter").first().permission,
    )
    call_command("sync_permissions", stdout=StringIO())
    assert MatterGroupObjectPermission.objects.filter(pk=row.pk).exists()


def test_department_rename_renames_its_groups(world):
    world.dept_a.short_name = "甲局新名"
    world.dept_a.save()
    names = set(Group.objects.filter(department_role__department=world.dept_a).values_list("name", flat=True))
    assert names == {
        f"甲局新名·内容维护员（{world.dept_a.credit_code}）",
        f"甲局新名·审核员（{world.dept_a.credit_code}）",
    }
