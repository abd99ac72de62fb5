"""Per-department review: owners submit, the same department's reviewers approve or send back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Page, TaskState, Workflow

from guides.models import GuidePage
from permissions.grants import department_workflow_name
from permissions.models import DepartmentRole

from ..permissions.factories import DepartmentFactory, UserFactory
from .factories import GuidePageFactory, section_of

pytestmark = pytest.mark.django_db


def edit_data(page, **changes) -> dict:
    """The edit form of a guide as the admin posts it, with some fields changed."""
    from ..helpers import form_post_data

    page = page.get_latest_revision_as_object()
    form_class = type(page).get_edit_handler().get_form_class()
    data = form_post_data(form_class(instance=page, parent_page=page.get_parent(), for_user=None))
    data["body-count"] = "0"
    data.update(changes)
    return data


def post_edit(client, page, **changes):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_data(page, **changes))


def test_each_department_gets_its_own_review_workflow_on_its_sections(world):
    dept = DepartmentFactory(name="示范市丙局", short_name="丙局")
    workflow = Workflow.objects.get(name=department_workflow_name(dept))
    (task,) = [t.specific for t in workflow.tasks]
    reviewer_group = DepartmentRole.objects.get(department=dept, role="reviewer").group
    assert isinstance(task, GroupApprovalTask) and list(task.groups.all()) == [reviewer_group]
    section = section_of(dept)
    assert section.get_workflow() == workflow
    # A guide placed in the section inherits it.
    assert section_of(world.dept_a).get_workflow() != workflow


def test_owner_cannot_publish_a_guide_without_review(client, world):
    guide = GuidePageFactory(matter=world.matters["own"], draft=True)
    client.force_login(world.users["owner"])
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()
    assert 'name="action-publish"' not in edit_page and 'name="action-submit"' in edit_page
    post_edit(client, guide, title="直接发布的指南", **{"action-publish": "action-publish"})
    guide.refresh_from_db()
    assert not guide.live and guide.live_revision_id is None  # saved as a draft at most


def test_submit_then_same_department_reviewer_approves(client, world):
    guide = GuidePageFactory(matter=world.matters["own"], draft=True)
    client.force_login(world.users["owner"])
    response = post_edit(client, guide, title="食品经营许可办事指南（新）", **{"action-submit": "action-submit"})
    assert response.status_code == 302
    task_state = TaskState.objects.get(status="in_progress")
    approve = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "approve", task_state.pk])

    reviewer_b = UserFactory(username="reviewer_b", reviewer_of=world.dept_b)
    client.force_login(reviewer_b)
    client.post(approve, {"comment": ""})
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"

    client.force_login(world.users["reviewer"])
    client.post(approve, {"comment": "同意发布"})
    assert TaskState.objects.get(pk=task_state.pk).status == "approved"
    guide.refresh_from_db()
    assert guide.live and guide.title == "食品经营许可办事指南（新）"


def test_reviewer_asks_for_changes_with_a_comment(client, world):
    guide = GuidePageFactory(matter=world.matters["own"], draft=True)
    client.force_login(world.users["owner"])
    post_edit(client, guide, **{"action-submit": "action-submit"})
    task_state = TaskState.objects.get(status="in_progress")
    client.force_login(world.users["reviewer"])
    reject = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "reject", task_state.pk])
    client.post(reject, {"comment": "请补充图解步骤"})
    task_state.refresh_from_db()
    assert task_state.status == "rejected" and task_state.get_comment() == "请补充图解步骤"
    guide.refresh_from_db()
    assert not guide.live
    # The owner sees the request for changes on the edit page.
    client.force_login(world.users["owner"])
    assert "请补充图解步骤" in client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()


def test_owner_cannot_edit_another_departments_guide(client, world):
    other = GuidePageFactory(matter=world.matters["other"])
    client.force_login(world.users["owner"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[other.pk])).status_code in (302, 403)
    post_edit(client, other, title="乱改")
    assert Page.objects.get(pk=other.pk).get_latest_revision().content["title"] != "乱改"


def test_revisions_compare_and_revert_in_the_admin(client, world, guide):
    first = guide.live_revision
    page = guide.get_latest_revision_as_object()
    page.title = "第二版标题"
    page.save_revision().publish()
    client.force_login(world.users["reviewer"])
    compare = reverse("wagtailadmin_pages:revisions_compare", args=[guide.pk, first.pk, "live"])
    html = client.get(compare).content.decode()
    assert "第二版标题" in html and guide.title in html
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[guide.pk, first.pk])
    assert guide.title in client.get(revert).content.decode()
    client.post(revert, edit_data(GuidePage.objects.get(pk=guide.pk), title=guide.title, **{"action-publish": "1"}))
    assert GuidePage.objects.get(pk=guide.pk).title == guide.title


def test_approved_guide_with_a_go_live_date_is_scheduled_not_published(client, world):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    guide = GuidePageFactory(matter=world.matters["own"], draft=True)
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    client.force_login(world.users["owner"])
    post_edit(client, guide, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), **{"action-submit": "action-submit"})
    task_state = TaskState.objects.get(status="in_progress")
    client.force_login(world.users["reviewer"])
    client.post(reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "approve", task_state.pk]))
    guide.refresh_from_db()
    assert not guide.live
    revision = guide.latest_revision
    assert revision.approved_go_live_at is not None

    # Two days later (moved back rather than waiting): the scheduled publication runs.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    guide.refresh_from_db()
    assert guide.live


def test_editor_previews_a_change_before_submitting(client, world, guide):
    client.force_login(world.users["owner"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[guide.pk])
    assert client.post(url, edit_data(guide, title="预览中的新标题")).json()["is_valid"]
    html = client.get(url).content.decode()
    assert "预览中的新标题" in html and "居民身份证" in html  # the matter's live elements, in the preview
    assert GuidePage.objects.get(pk=guide.pk).title != "预览中的新标题"
