"""Disclosure documents go through the department's review workflow; departments edit only their own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from disclosure.models import DisclosureDocumentPage, Facet

from ..helpers import form_post_data
from .factories import DisclosureDocumentPageFactory, classification, section_of
from .test_catalog import DRAFTAIL_TEXT

pytestmark = pytest.mark.django_db


def create_data(parent, **changes) -> dict:
    form_class = DisclosureDocumentPage.get_edit_handler().get_form_class()
    form = form_class(instance=DisclosureDocumentPage(), parent_page=parent, for_user=None)
    data = form_post_data(form)
    data.update(
        {
            "title": "关于公布2026年行政执法检查计划的通知",
            "slug": "zfjcjh",
            "written_date": "2026-11-02",
            "summary": "公布年度检查计划。",
            "topic": str(classification(Facet.TOPIC, name="综合政务").pk),
            "genre": str(classification(Facet.GENRE, name="通知").pk),
            "categories": [str(classification(Facet.CATEGORY, key="normative_document").pk)],
            "body": DRAFTAIL_TEXT,
        }
    )
    data.update(changes)
    return data


def test_issuing_body_defaults_to_the_sections_department(client, world):
    client.force_login(world.users["owner"])
    section = section_of(world.dept_a)
    html = client.get(reverse("wagtailadmin_pages:add", args=["disclosure", "disclosuredocumentpage", section.pk]))
    assert f'<option value="{world.dept_a.pk}" selected>' in html.content.decode()


def test_owner_submits_reviewer_publishes_and_the_number_is_assigned(client, world):
    section = section_of(world.dept_a)
    client.force_login(world.users["owner"])
    url = reverse("wagtailadmin_pages:add", args=["disclosure", "disclosuredocumentpage", section.pk])
    response = client.post(url, create_data(section, issuing_body=str(world.dept_a.pk), **{"action-publish": "1"}))
    page = DisclosureDocumentPage.objects.get(slug="zfjcjh")
    assert response.status_code == 302 and not page.live and page.index_number is None  # no publishing right

    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = create_data(section, issuing_body=str(world.dept_a.pk), **{"action-submit": "1"})
    client.post(edit, data)
    task_state = TaskState.objects.get(status="in_progress")
    client.force_login(world.users["reviewer"])
    client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]))
    page.refresh_from_db()
    assert page.live and page.index_number.startswith(world.dept_a.credit_code + "/")


def test_other_department_cannot_edit_or_add_in_the_section(client, world):
    doc = DisclosureDocumentPageFactory(department=world.dept_a)
    client.force_login(world.users["owner_b"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[doc.pk])).status_code in (302, 403)
    section = section_of(world.dept_a)
    url = reverse("wagtailadmin_pages:add", args=["disclosure", "disclosuredocumentpage", section.pk])
    client.post(url, create_data(section, issuing_body=str(world.dept_b.pk), slug="intruder"))
    assert not DisclosureDocumentPage.objects.filter(slug="intruder").exists()


def test_index_number_cannot_be_posted_by_an_editor(client, world):
    doc = DisclosureDocumentPageFactory(department=world.dept_a)
    number = doc.index_number
    client.force_login(world.users["reviewer"])
    data = create_data(section_of(world.dept_a), slug=doc.slug, issuing_body=str(world.dept_a.pk))
    data.update({"index_number": "FORGED/2026-99999", "action-publish": "1"})
    client.post(reverse("wagtailadmin_pages:edit", args=[doc.pk]), data)
    doc.refresh_from_db()
    assert doc.index_number == number and doc.title == "关于公布2026年行政执法检查计划的通知"
