"""Matters keep Wagtail revisions: the acting user on every entry, compare, revert, and the
department review workflow (owner submits, the same department's reviewer approves)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, Revision, TaskState

from ..helpers import matter_form_data
from ..helpers import matter_url as url
from ..permissions.factories import UserFactory

pytestmark = pytest.mark.django_db


def compare_url(matter, a, b) -> str:
    return url("revisions_compare", pk=matter.pk, revision_id_a=a, revision_id_b=b)


def post_edit(client, matter, **extra):
    return client.post(url("edit", matter.pk), matter_form_data(matter, **extra))


def test_admin_edit_records_revision_and_log_with_user(client, world):
    matter, owner = world.matters["own"], world.users["owner"]
    client.force_login(owner)
    assert post_edit(client, matter, name="食品经营许可（新版）").status_code == 302
    revision = Revision.objects.for_instance(matter).order_by("-pk").first()
    assert revision.user == owner and revision.content["name"] == "食品经营许可（新版）"
    log = ModelLogEntry.objects.for_instance(matter).order_by("-pk").first()
    assert log.user == owner and log.action == "wagtail.edit"
    matter.refresh_from_db()
    # The version in force stays public while the change is a draft.
    assert matter.name == "甲局在用事项" and matter.has_unpublished_changes


def test_history_page_shows_the_acting_user(client, world):
    matter, owner = world.matters["own"], world.users["owner"]
    owner.first_name, owner.last_name = "敏", "张"
    owner.save()
    client.force_login(owner)
    post_edit(client, matter, name="新名称")
    html = client.get(url("history", matter.pk)).content.decode()
    assert "张敏" in html or "敏 张" in html or owner.username in html


def test_compare_two_revisions_shows_the_difference(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["owner"])
    post_edit(client, matter, name="对比用的新名称")
    first = matter.revisions.order_by("pk").first()
    latest = matter.revisions.order_by("pk").last()
    response = client.get(compare_url(matter, first.pk, latest.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲局在用事项" in html and "对比用的新名称" in html


def test_disclosure_editor_may_compare_but_not_revert(client, world):
    matter = world.matters["other"]
    client.force_login(world.users["owner_b"])
    post_edit(client, matter, name="乙局改名")
    client.force_login(world.users["disclosure"])
    first = matter.revisions.order_by("pk").first()
    assert client.get(compare_url(matter, first.pk, "latest")).status_code == 200
    response = client.post(url("revisions_revert", matter.pk, first.pk), {"name": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert matter.revisions.order_by("pk").last().content["name"] == "乙局改名"


def test_revert_to_an_old_revision_through_the_admin(client, world):
    matter, owner = world.matters["own"], world.users["owner"]
    client.force_login(owner)
    original = matter.revisions.order_by("pk").first()
    post_edit(client, matter, name="改错了")
    page = client.get(url("revisions_revert", matter.pk, original.pk))
    assert page.status_code == 200 and "甲局在用事项" in page.content.decode()
    response = client.post(
        url("revisions_revert", matter.pk, original.pk), matter_form_data(matter, name=original.content["name"])
    )
    assert response.status_code == 302
    latest = matter.revisions.order_by("pk").last()
    assert latest.content["name"] == "甲局在用事项" and latest.user == owner
    assert ModelLogEntry.objects.for_instance(matter).filter(action="wagtail.revert", user=owner).exists()


def test_owner_submits_and_same_department_reviewer_approves(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["owner"])
    assert post_edit(client, matter, name="待审核的新名称", **{"action-submit": "submit"}).status_code == 302
    matter.refresh_from_db()
    assert matter.workflow_in_progress
    task_state = TaskState.objects.get(status="in_progress")

    # The owner cannot approve their own submission, nor can another department's reviewer.
    approve = url("workflow_action", matter.pk, "approve", task_state.pk)
    assert client.post(approve, {"comment": ""}).status_code in (302, 403)
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    reviewer_b = UserFactory(username="reviewer_b", reviewer_of=world.dept_b)
    client.force_login(reviewer_b)
    assert client.post(approve, {"comment": ""}).status_code == 404
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"

    # The reviewer of department A sees it waiting and approves: it goes live.
    client.force_login(world.users["reviewer"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待审核的新名称" in dashboard
    response = client.post(approve, {"comment": "同意"})
    assert response.status_code in (200, 302)
    matter.refresh_from_db()
    assert matter.name == "待审核的新名称" and not matter.workflow_in_progress
    assert TaskState.objects.get(pk=task_state.pk).finished_by == world.users["reviewer"]


def test_reviewer_rejects_with_comment(client, world):
    matter = world.matters["own_draft"]
    client.force_login(world.users["owner"])
    post_edit(client, matter, **{"action-submit": "submit"})
    task_state = TaskState.objects.get(status="in_progress")
    client.force_login(world.users["reviewer"])
    response = client.post(url("workflow_action", matter.pk, "reject", task_state.pk), {"comment": "材料清单不全"})
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == "rejected" and task_state.comment == "材料清单不全"
    matter.refresh_from_db()
    assert not matter.live


def test_reviewer_may_publish_directly_but_owner_may_not(client, world):
    matter = world.matters["own_draft"]
    client.force_login(world.users["owner"])
    # A forged publish from an owner only saves a draft.
    post_edit(client, matter, name="偷偷发布", **{"action-publish": "publish"})
    matter.refresh_from_db()
    assert not matter.live
    edit_page = client.get(url("edit", matter.pk)).content.decode()
    assert 'name="action-publish"' not in edit_page

    client.force_login(world.users["reviewer"])
    assert 'name="action-publish"' in client.get(url("edit", matter.pk)).content.decode()
    post_edit(client, matter, name="审核员发布", **{"action-publish": "publish"})
    matter.refresh_from_db()
    assert matter.live and matter.name == "审核员发布"
