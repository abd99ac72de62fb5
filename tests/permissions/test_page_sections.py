"""Department page sections: the department's roles edit, submit and approve their own pages only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, TaskState

from guides.models import GuideSectionPage

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def edit_page(client, page, **extra):
    data = {"title": page.title, "slug": page.slug}
    data.update(extra)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_owner_edits_own_section_not_another(client, world):
    own = GuideSectionPage.objects.get(department=world.dept_a)
    other = GuideSectionPage.objects.get(department=world.dept_b)
    client.force_login(world.users["owner"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in (302, 403)
    assert edit_page(client, other, title="乱改").status_code in (302, 403)
    assert Page.objects.get(pk=other.pk).get_latest_revision().content["title"] != "乱改"


def test_page_submitted_by_owner_is_approved_by_same_department_reviewer(client, world):
    section = GuideSectionPage.objects.get(department=world.dept_a)
    client.force_login(world.users["owner"])
    response = edit_page(client, section, title="甲局办事指南（新）", **{"action-submit": "submit"})
    assert response.status_code == 302
    task_state = TaskState.objects.get(status="in_progress")
    approve = reverse("wagtailadmin_pages:workflow_action", args=[section.pk, "approve", task_state.pk])

    reviewer_b = UserFactory(username="reviewer_b", reviewer_of=world.dept_b)
    client.force_login(reviewer_b)
    client.post(approve, {"comment": ""})
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"

    client.force_login(world.users["reviewer"])
    client.post(approve, {"comment": "同意"})
    assert TaskState.objects.get(pk=task_state.pk).status == "approved"
    section.refresh_from_db()
    assert section.title == "甲局办事指南（新）" and section.live
