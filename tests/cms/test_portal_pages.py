"""The composed portal: the demo home page with its live data blocks, the section pages, and the
query budget a visitor's home page stays within however much data there is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Revision

from matters.models import MatterType
from portal.blocks.base import SectionBlock
from portal.demo import load_portal_pages
from portal.models import HallIndexPage, HomePage, SectionPage

from ..disclosure.factories import DisclosureDocumentPageFactory
from ..halls.factories import NoticeFactory, WindowFactory
from ..matters.factories import MatterFactory, term
from .portal_helpers import build_portal, text

pytestmark = pytest.mark.django_db

DATA_BLOCKS = {
    "matter_list",
    "themes",
    "departments",
    "bundles",
    "stats",
    "disclosure_list",
    "hall_notices",
    "halls",
}
HOME_QUERY_BUDGET = 24  # "under 25 queries" (issue 7), anonymous visitor, six or more data blocks


@pytest.fixture
def portal(world):
    portal = build_portal(world)
    load_portal_pages(portal.admin)
    return portal


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_demo_home_page_is_composed_of_live_data_blocks(client, portal):
    home = HomePage.objects.get()
    kinds = [child.block_type for child in home.body]
    assert kinds[:2] == ["banner", "quick_links"]
    assert sum(kind in DATA_BLOCKS for kind in kinds) >= 6
    assert {"matter_list", "disclosure_list", "hall_notices", "halls", "stats", "themes"} <= set(kinds)
    assert home.live and not home.has_unpublished_changes and home.live_revision.user == portal.admin

    page = text(client.get("/"))
    # Live data, public records only.
    assert "甲局行政规范性文件公开" in page and "甲局未发布的文件" not in page
    assert "中心停车场临时关闭" in page
    for hidden in ("已经过期的公告", "已经撤下的公告", "下月才开始的公告", "旧大厅的公告"):
        assert hidden not in page
    assert "测试“一件事”" in page
    assert "准营准办" in page  # the factory's natural-person theme, with matters
    assert "A02 甲局专业窗口 暂停服务 系统升级，暂停服务半天" in page
    assert "A01 综合受理窗口 开放" in page


def test_home_page_queries_are_bounded_and_do_not_grow_with_the_data(client, portal, django_assert_max_num_queries):
    client.get("/")  # warm the site and content type caches, as any running server has them
    with django_assert_max_num_queries(HOME_QUERY_BUDGET):
        client.get("/")
    before = home_queries(client)

    world = portal.world
    immediate, depth_4 = term("handling_type", "immediate"), term("online_depth", "depth_4")
    for i in range(6):
        MatterFactory(
            department=world.dept_a if i % 2 else world.dept_b,
            name=f"新增即办事项{i}",
            handling_type=immediate,
            promised_limit=0,
            online_depth=depth_4,
            visits=0,
            visit_reason="",
            matter_type=MatterType.objects.get(code="20"),
            legal_themes=[term("legal_theme", name="设立变更")],
        )
    for i in range(4):
        DisclosureDocumentPageFactory(department=world.dept_b, title=f"新增公开信息{i}", slug=f"more-doc-{i}")
        NoticeFactory(
            department=world.dept_a,
            title=f"新增公告{i}",
            halls=[portal.halls["city"], portal.halls["county"]],
            important=True,
            days_left=1,
        )
        WindowFactory(
            hall=portal.halls["city"], number=f"B{i:02d}", name=f"新增窗口{i}", matters=[world.matters["own"]]
        )

    page = text(client.get("/"))
    assert "新增即办事项" in page and "新增公开信息" in page and "新增公告" in page and "B03 新增窗口3" in page
    assert home_queries(client) == before


def test_demo_section_pages_sit_under_the_home_page_with_descriptions(client, portal):
    for slug, title in [("grbs", "个人办事"), ("frbs", "法人办事"), ("bmfw", "部门服务"), ("yjs", "一件事")]:
        page = SectionPage.objects.get(slug=slug)
        assert page.title == title and page.get_parent().specific_class is HomePage
        assert page.search_description and page.live
        response = client.get(page.url)
        assert response.status_code == 200
        assert f'content="{page.search_description}"' in response.content.decode()
    halls = HallIndexPage.objects.get(slug="fwdt")
    assert halls.url == "/fwdt/" and client.get("/fwdt/").status_code == 200

    personal = text(client.get("/grbs/"))
    assert "按主题办事" in personal and "准营准办" in personal
    assert "测试“一件事”" in text(client.get("/yjs/"))
    departments = text(client.get("/bmfw/"))
    assert "甲局" in departments and "各部门效能统计" in departments


def test_loading_the_demo_pages_again_changes_nothing(portal):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    load_portal_pages(portal.admin)
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_an_editor_changed_home_page_is_not_overwritten(portal):
    home = HomePage.objects.get()
    home.body = [("heading", {"text": "编辑改过的首页", "subtitle": ""})]
    home.save_revision(user=portal.admin).publish()
    load_portal_pages(portal.admin)
    home.refresh_from_db()
    assert [child.block_type for child in home.body] == ["heading"]


def test_home_page_without_blocks_still_lists_its_sections(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert "事项目录" in text(response)  # the catalog page made by the migrations


def test_section_pages_nest_and_list_their_subsections(client, portal):
    parent = SectionPage.objects.get(slug="grbs")
    child = SectionPage(title="社保专区", slug="shebao", search_description="社会保险、社会救助事项")
    parent.add_child(instance=child)
    child.save_revision().publish()
    page = text(client.get("/grbs/"))
    assert "下级栏目" in page and "社保专区" in page
    assert client.get("/grbs/shebao/").status_code == 200
    assert SectionPage.can_create_at(parent) and not HallIndexPage.can_create_at(parent)


def test_every_section_block_offers_a_heading_a_more_link_and_a_width():
    from portal.blocks import PortalStreamBlock

    for name, child in PortalStreamBlock().child_blocks.items():
        if isinstance(child, SectionBlock):
            assert {"heading", "more", "width"} <= set(child.child_blocks), name
            assert child.meta.form_layout.settings == ["more", "width"], name
        assert child.meta.description and child.meta.label, name
