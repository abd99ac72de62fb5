"""The portal chrome every visitor meets: the footer editors maintain, the main menu, breadcrumbs,
the header search and the elderly-mode toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction, Site

from disclosure.models import AnnualReportPage, DisclosureIndexPage
from matters.pages import MatterCatalogPage
from theme.navigation import NavEntry, NavLink, build_nav, mark_current

from ..cms.factories import PlainPageFactory
from ..guides.factories import GuidePageFactory
from .conftest import get_html, parse

pytestmark = pytest.mark.django_db


def test_footer_shows_what_editors_entered(client, world, portal):
    doc = parse(get_html(client, MatterCatalogPage.objects.get().url))
    footer = doc.find("footer")
    assert footer is not None
    for text in (
        "主办单位：测试市人民政府办公室",
        "承办单位：测试市数据局",
        "测试市人民路1号",
        "0999-7654321",
        "web@test.gov.example",
        "12345",
        "网站标识码：1100000001",
        "测公网安备11000002000001号",
    ):
        assert text in footer.text, text
    icp = next(a for a in doc.find_all("a") if a.text == "测ICP备2026123456号")
    assert icp.attrs["href"] == "https://beian.miit.gov.cn/"
    police = next(a for a in doc.find_all("a") if a.text == "测公网安备11000002000001号")
    assert police.attrs["href"].endswith("code=11000002000001")
    links = {a.text: a.attrs["href"] for a in doc.find_all("a") if a.text in {"中国政府网", "公开指南"}}
    assert links == {"中国政府网": "https://www.gov.cn/", "公开指南": "/xxgk/gkzn/"}
    # The host organisation also heads the site name in the header.
    assert "测试市人民政府办公室" in doc.find("header").text


def test_footer_without_settings_still_gives_the_hotline(client, world):
    footer = parse(get_html(client, MatterCatalogPage.objects.get().url)).find("footer")
    assert "政务服务便民热线" in footer.text and "12345" in footer.text
    assert "主办单位" not in footer.text and "ICP" not in footer.text


def test_emblem_is_a_neutral_placeholder_until_an_image_is_chosen(client, world, portal):
    url = MatterCatalogPage.objects.get().url
    doc = parse(get_html(client, url))
    assert doc.find("svg", class_="brand-emblem") is not None
    assert doc.find("img", class_="brand-emblem") is None

    from wagtail.images.models import Image

    portal.emblem = Image.objects.create(title="标志", file=get_test_image_file())
    portal.save()
    doc = parse(get_html(client, url))
    emblem = doc.find("img", class_="brand-emblem")
    assert emblem is not None and emblem.attrs["alt"] == ""  # decorative: the site name is the link text
    assert doc.find("svg", class_="brand-emblem") is None


def test_settings_keep_a_history_with_the_editors_reason(world, portal):
    portal.site_code = "1100000002"
    portal._change_reason = "更正网站标识码"
    portal.save()
    latest = portal.history.first()
    assert latest.site_code == "1100000002" and latest.history_change_reason == "更正网站标识码"


def menu(client, url: str) -> dict[str, dict]:
    """The main menu as {label: {"href", "current"}} (sub-menu entries included)."""
    doc = parse(get_html(client, url))
    nav = doc.find("nav", aria_label="主导航")
    assert nav is not None
    start = doc.elements.index(nav)
    entries = {}
    for element in doc.elements[start + 1 :]:
        if element.tag == "nav":
            break
        if element.tag in {"a", "summary"}:
            entries[element.text.strip()] = {
                "href": element.attrs.get("href"),
                "current": element.attrs.get("aria-current"),
            }
    return entries


def test_menu_links_section_pages_and_falls_back_when_one_is_missing(client, world):
    catalog = MatterCatalogPage.objects.get()
    PlainPageFactory(slug="grbs", title="个人办事")
    PlainPageFactory(slug="yjs", title="一件事", draft=True)  # a draft is not advertised
    private = PlainPageFactory(slug="fwdt", title="服务大厅")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    entries = menu(client, catalog.url)
    assert entries["首页"]["href"] == "/"
    assert entries["个人办事"]["href"] == "/grbs/"
    assert entries["法人办事"]["href"] == catalog.url  # no /frbs/ yet: the matter catalog instead
    assert entries["一件事"]["href"] == "/guides/"  # the draft section is skipped for the guides
    assert "服务大厅" not in entries  # private: left out, not a login prompt in the menu
    index = DisclosureIndexPage.objects.get()
    assert entries["公开目录"]["href"] == f"{index.url}catalog/"
    assert entries["依申请公开"]["href"] == f"{index.url}apply/"
    assert entries["年度报告"]["href"] == index.url  # no report published yet
    assert entries["搜索"]["href"] == "/search/"


def test_annual_report_entry_opens_the_latest_live_report(client, world):
    index = DisclosureIndexPage.objects.get()
    for year, live in ((2024, True), (2025, True), (2026, False)):
        report = AnnualReportPage(
            title=f"{year}年政府信息公开工作年度报告",
            slug=f"ndbg-{year}",
            year=year,
            overview="<p>总体情况</p>",
            problems="<p>问题</p>",
            tables={"stub": True},
        )
        index.add_child(instance=report)
        if live:
            report.save_revision().publish()
        else:
            report.live = False
            report.save()
    assert menu(client, "/")["年度报告"]["href"] == f"{index.url}ndbg-2025/"


def test_current_column_and_page_are_marked(client, world):
    catalog = MatterCatalogPage.objects.get()
    entries = menu(client, catalog.url)
    assert entries["办事服务"]["current"] == "true"  # the catalog belongs to 办事服务
    assert entries["首页"]["current"] is None and entries["政务公开"]["current"] is None

    index = DisclosureIndexPage.objects.get()
    entries = menu(client, f"{index.url}catalog/")
    assert entries["政务公开"]["current"] == "true"
    assert entries["公开目录"]["current"] == "page"
    assert entries["依申请公开"]["current"] is None

    entries = menu(client, "/")
    assert entries["首页"]["current"] == "page"
    assert entries["办事服务"]["current"] is None


def test_longest_matching_column_wins():
    entries = [
        NavEntry("首页", "/"),
        NavEntry("办事服务", "/grbs/", [NavLink("个人办事", "/grbs/")], prefixes=["/grbs/", "/guides/"]),
        NavEntry("政务公开", "/xxgk/", [NavLink("公开目录", "/xxgk/catalog/")], prefixes=["/xxgk/"]),
    ]
    mark_current(entries, "/xxgk/catalog/")
    assert [e.current for e in entries] == [False, False, True]
    assert entries[2].children[0].current and not entries[2].current_page
    mark_current(entries, "/guides/abc/")
    assert entries[1].current and not entries[1].children[0].current


def test_menu_is_built_once_per_request(world, django_assert_max_num_queries):
    request = RequestFactory().get("/matters/")
    build_nav(request)  # warm the site and content-type caches
    request = RequestFactory().get("/matters/")
    Site.find_for_request(request)  # done by Wagtail's page serving before any template runs
    with django_assert_max_num_queries(2):  # the view restrictions, the pages
        first = build_nav(request)
    with django_assert_max_num_queries(0):
        assert build_nav(request) is first


def test_breadcrumbs_follow_the_page_tree(client, world):

    guide = GuidePageFactory(matter=world.matters["own"])
    doc = parse(get_html(client, guide.url))
    trail = doc.find("nav", aria_label="当前位置")
    assert trail is not None
    items = [li.text.strip() for li in doc.elements[doc.elements.index(trail) :] if li.tag == "li"][:4]
    assert items == ["首页", "办事指南", world.dept_a.name, guide.title]
    here = doc.find("span", aria_current="page")
    assert here.text == guide.title
    links = [a.attrs["href"] for a in doc.find_all("a") if a.text in {"首页", "办事指南"}]
    assert "/" in links and "/guides/" in links


def test_routed_pages_add_their_own_last_step(client, world):
    catalog = MatterCatalogPage.objects.get()
    matter = world.matters["own"]
    doc = parse(get_html(client, f"{catalog.url}item/{matter.implementation_code}/"))
    assert doc.find("span", aria_current="page").text == matter.name
    catalog_link = [a for a in doc.find_all("a", href=catalog.url) if a.text == catalog.title]
    assert catalog_link, "the catalog is a link in the trail"


def test_home_page_has_no_breadcrumbs(client, world):
    assert parse(get_html(client, "/")).find("nav", aria_label="当前位置") is None


def test_header_search_and_elderly_toggle_follow_the_contract(client, world):
    html = get_html(client, MatterCatalogPage.objects.get().url)
    doc = parse(html)
    form = doc.find("form", role="search", action="/search/")
    assert form is not None and form.attrs["method"] == "get"
    field = doc.find("input", id="site-search-q")
    assert field.attrs["type"] == "search" and field.attrs["name"] == "q"
    assert doc.find("label", for_="site-search-q").text == "站内搜索"
    toggle = doc.find("button", id="elderly-toggle")
    assert toggle.text == "长者模式" and toggle.attrs["type"] == "button" and toggle.attrs["aria-pressed"] == "false"
    # Applied before first paint: a blocking script file in <head> (no inline script: the CSP) reads the choice.
    head = html[: html.index("</head>")]
    early = '<script src="/static/theme/early.js"></script>'
    assert early in head and html.index(early) < html.index('rel="stylesheet"')
    source = (Path(settings.BASE_DIR) / "theme/static/theme/early.js").read_text(encoding="utf-8")
    assert 'localStorage.getItem("portal-elderly")' in source and 'c.add("elderly")' in source


def test_search_box_keeps_the_query_only_on_the_search_page(client, world):
    html = get_html(client, MatterCatalogPage.objects.get().url + "?q=营业执照")
    assert parse(html).find("input", id="site-search-q").attrs.get("value") is None
