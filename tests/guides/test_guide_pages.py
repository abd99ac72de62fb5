"""A guide shows the matter as it is now: never a copy, never a draft, never a cancelled matter as open."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from guides.models import GuidePage
from matters import lifecycle
from matters.models import Material

from ..helpers import form_post_data, publish_change
from .factories import GuidePageFactory, section_of

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_guide_renders_the_matters_current_values_after_the_matter_changes(client, world, guide):
    html = text(client.get(guide.url))
    assert "10个工作日" in html and "居民身份证" in html and "新增的现场勘验报告" not in html

    publish_change(
        world.matters["own"],
        promised_limit=5,
        materials=[
            Material(name="申请表", source="applicant"),
            Material(name="新增的现场勘验报告", source="intermediary", source_note="有资质的勘验机构"),
        ],
    )
    html = text(client.get(guide.url))
    assert "5个工作日" in html and "10个工作日" not in html
    assert "新增的现场勘验报告" in html and "有资质的勘验机构" in html
    assert "居民身份证" not in html  # removed from the matter, so gone from the guide
    # The guide page itself was not edited: nothing was copied into it.
    assert GuidePage.objects.get(pk=guide.pk).latest_revision_id == guide.latest_revision_id


def test_unpublished_matter_changes_stay_out_of_the_guide(client, world, guide):
    draft = world.matters["own"].get_latest_revision_as_object()
    draft.promised_limit = 3
    draft.save_revision()  # saved for review, not published
    html = text(client.get(guide.url))
    assert "10个工作日" in html and "3个工作日" not in html


@pytest.mark.parametrize(
    ("action", "message"), [("suspend", "本事项已暂停办理"), ("cancel", "本事项已取消，不再受理申请")]
)
def test_guide_of_a_suspended_or_cancelled_matter_says_so(client, world, guide, action, message):
    lifecycle.change_state(world.matters["own"], world.users["reviewer"], action, "依据上级通知调整")
    html = text(client.get(guide.url))
    assert message in html
    assert "申请材料" not in html and "居民身份证" not in html  # no checklist for a matter not taken
    printed = text(client.get(guide.url + "print/"))
    assert message in printed and "暂不能打印" in printed and "<svg" not in printed
    assert client.get(guide.url + "print/pdf/").status_code == 409
    # The department's guide list marks it too.
    assert world.matters["own"].get_status_display() in text(client.get(section_of(world.dept_a).url))


def test_guide_list_pages_show_live_guides(client, world, guide):
    GuidePageFactory(matter=world.matters["other"])
    index = text(client.get("/guides/"))
    assert world.dept_a.name in index and world.dept_b.name in index
    section = text(client.get(section_of(world.dept_a).url))
    assert guide.title in section and "乙局在用事项" not in section


def _create_guide_post(client, parent, matter, extra=None):
    url = reverse("wagtailadmin_pages:add", args=["guides", "guidepage", parent.pk])
    form_class = GuidePage.get_edit_handler().get_form_class()
    data = form_post_data(form_class(instance=GuidePage(), parent_page=parent, for_user=None))
    data.update({"title": "新指南", "slug": "new-guide", "matter": str(matter.pk), "body-count": "0"})
    data.update(extra or {})
    return client.post(url, data)


@pytest.mark.parametrize(
    ("matter_key", "error"),
    [
        ("other", "只能关联本栏目所属部门"),  # another department's matter, in force
        ("own_draft", "不是已发布的在用事项"),  # own department's, never published
    ],
)
def test_a_guide_links_only_its_departments_matters_in_force(client, world, matter_key, error):
    client.force_login(world.users["owner"])
    response = _create_guide_post(client, section_of(world.dept_a), world.matters[matter_key])
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not GuidePage.objects.filter(slug="new-guide").exists()


def test_one_guide_per_matter(client, world, guide):
    client.force_login(world.users["owner"])
    response = _create_guide_post(client, section_of(world.dept_a), world.matters["own"])
    assert "已有办事指南" in response.content.decode()
    assert GuidePage.objects.filter(matter=world.matters["own"]).count() == 1


def test_owner_creates_a_guide_for_own_matter_as_a_draft(client, world):
    client.force_login(world.users["owner"])
    response = _create_guide_post(client, section_of(world.dept_a), world.matters["own"])
    assert response.status_code == 302
    page = GuidePage.objects.get(slug="new-guide")
    assert not page.live and page.matter_id == world.matters["own"].pk


def test_forged_matter_id_is_refused_with_a_message(client, world):
    client.force_login(world.users["owner"])
    response = _create_guide_post(client, section_of(world.dept_a), world.matters["own"], {"matter": "999999"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Page.objects.filter(slug="new-guide").exists()


def test_a_matter_with_a_guide_cannot_be_deleted_from_under_it(client, world, guide):
    from matters.models import Matter

    from ..helpers import matter_url

    client.force_login(world.users["sysadmin"])
    confirm = client.get(matter_url("delete", world.matters["own"].pk)).content.decode()
    assert "仍被引用，不能删除" in confirm  # Wagtail's refusal, in the admin's Chinese
    client.post(matter_url("delete", world.matters["own"].pk))
    assert Matter.objects.filter(pk=world.matters["own"].pk).exists()
    assert client.get(guide.url).status_code == 200


def test_catalog_entry_links_to_its_guide(client, world, guide):
    from matters.models import Matter
    from matters.pages import MatterCatalogPage

    catalog = MatterCatalogPage.objects.first()
    matter = Matter.objects.get(pk=world.matters["own"].pk)
    html = client.get(f"{catalog.url}item/{matter.implementation_code}/").content.decode()
    assert f'href="{guide.url}"' in html and f'href="{guide.url}print/"' in html
