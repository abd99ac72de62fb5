"""Editors compose pages in the admin with no developer: they add a data block to the home
page, publish, and the portal shows the live records; bad settings are refused in Chinese."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from permissions.grants import remove_empty_department_sections
from portal.models import HomePage, SectionPage

from ..helpers import form_post_data
from ..permissions.factories import DepartmentFactory, UserFactory
from .portal_helpers import block, block_post_data, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return UserFactory(username="site_editor", superuser=True)


def edit_post_data(page, user, body: list[dict], **changes) -> dict:
    """The page edit form as the admin posts it, with ``body`` as the StreamField editor sends it."""
    form_class = type(page).get_edit_handler().get_form_class()
    form = form_class(instance=page, parent_page=page.get_parent(), for_user=user)
    data = form_post_data(form)
    data.pop("body", None)
    # Rich text travels as the editor's JSON, not as stored HTML.
    data["intro"] = form.fields["intro"].widget.format_value(form["intro"].value())
    data.update(block_post_data(type(page).body.field.stream_block, body, "body"))
    data.update(changes)
    return data


def shows(message: str, html: str) -> int:
    """How often the page shows ``message``; the admin sends block errors inside JSON for its
    editor script, so both spellings count."""
    escaped = json.dumps(message)[1:-1]
    return html.count(message) + (html.count(escaped) if escaped != message else 0)


def test_an_editor_adds_a_matter_list_to_the_home_page_and_publishes_it(client, world, editor):
    home = HomePage.objects.get()
    client.force_login(editor)
    body = [
        block("heading", text="办事服务", subtitle="在线查询，一次告知"),
        block(
            "matter_list",
            heading="甲局常办事项",
            department=world.dept_a.pk,
            count=5,
            ordering="catalog",
            link_to="matter",
            width="half",
        ),
    ]
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        edit_post_data(home, editor, body, **{"action-publish": "1"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    home.refresh_from_db()
    assert [child.block_type for child in home.body] == ["heading", "matter_list"]
    assert home.live_revision.user == editor

    page = text(client.get("/"))
    assert "办事服务 在线查询，一次告知" in page
    assert "甲局常办事项" in page and "甲局在用事项" in page
    assert "乙局在用事项" not in page and "甲局草稿事项" not in page


def test_bad_block_settings_are_refused_in_chinese(client, world, editor):
    home = HomePage.objects.get()
    client.force_login(editor)
    inactive = DepartmentFactory(name="已停用的局", short_name="停用局", is_active=False)
    deleted = DepartmentFactory(name="已撤销的局", short_name="撤销局")
    deleted_pk = deleted.pk
    remove_empty_department_sections(deleted)
    deleted.delete()
    body = [
        block("matter_list", heading="太多了", count=500),
        block("matter_list", heading="停用部门", department=inactive.pk, count=5),
        block("disclosure_list", heading="撤销部门", body=deleted_pk, count=5),
        block("quick_links", heading="入口", links=[{"icon": "star", "label": "没有链接"}]),
    ]
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        edit_post_data(home, editor, body, **{"action-publish": "1"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert shows("显示条数须在 1 到 30 之间。", html)
    assert shows("所选部门不存在或已停用，请重新选择。", html) == 2  # deactivated, and deleted since chosen
    assert shows("请选择链接的页面，或填写网址。", html)
    home.refresh_from_db()
    assert not home.body


def test_an_editor_adds_a_section_page_under_the_home_page(client, world, editor):
    home = HomePage.objects.get()
    client.force_login(editor)
    form_class = SectionPage.get_edit_handler().get_form_class()
    form = form_class(instance=SectionPage(), parent_page=home, for_user=editor)
    data = form_post_data(form)
    data.pop("body", None)
    data.update(
        {
            "title": "便民服务",
            "slug": "bmfwzq",
            "intro": form.fields["intro"].widget.format_value(""),
            "search_description": "示范市便民服务专区",
            "action-publish": "1",
        }
    )
    data.update(
        block_post_data(
            SectionPage.body.field.stream_block, [block("themes", heading="主题", vocabulary="both")], "body"
        )
    )
    response = client.post(reverse("wagtailadmin_pages:add", args=["portal", "sectionpage", home.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = SectionPage.objects.get(slug="bmfwzq")
    assert page.live and page.url == "/bmfwzq/"
    assert "准营准办" in text(client.get("/bmfwzq/"))


def test_the_department_chooser_lists_active_departments_and_searches(client, world, editor):
    DepartmentFactory(name="已撤销的局", short_name="撤销局", is_active=False)
    client.force_login(editor)

    def modal(name: str, **query) -> str:
        response = client.get(reverse(f"portal_department_chooser:{name}"), query)
        body = response.content.decode()
        return json.loads(body)["html"] if response["Content-Type"].startswith("application/json") else body

    listed = modal("choose")
    assert "示范市甲局" in listed and "示范市乙局" in listed and "已撤销的局" not in listed
    assert 'name="level"' in listed and 'name="q"' in listed  # filter by level, search by name
    found = modal("choose_results", q="甲局")
    assert "示范市甲局" in found and "示范市乙局" not in found
    by_level = modal("choose_results", level="county")
    assert "示范市甲局" not in by_level


def test_the_department_chooser_is_for_admin_users_only(client, world):
    response = client.get(reverse("portal_department_chooser:choose"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
