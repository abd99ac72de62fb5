"""网站地图 (《政府网站发展指引》): the sections and fixed services of the site the visitor is on,
two levels deep, live, public and in the menu only; per sub-site; linked from every footer; a
fixed number of queries whatever the number of pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from disclosure.models import DisclosureIndexPage
from matters.pages import MatterCatalogPage

from ..cms.factories import SectionPageFactory
from .conftest import get_html, parse

pytestmark = pytest.mark.django_db


def menu_page(parent=None, **kwargs):
    kwargs.setdefault("show_in_menus", True)
    if parent is not None:
        kwargs["parent"] = parent
    return SectionPageFactory(**kwargs)


@pytest.fixture
def tree(world):
    """A 政务动态 column with an in-menu page, a hidden page, a draft, a private page and a grandchild."""
    news = menu_page(title="政务动态", slug="zwdt")
    pages = {
        "news": news,
        "shown": menu_page(news, title="工作动态", slug="gzdt"),
        "hidden": menu_page(news, title="不在菜单的页面", slug="hidden", show_in_menus=False),
        "draft": menu_page(news, title="草稿页面", slug="draft", draft=True),
        "private": menu_page(news, title="内部页面", slug="private"),
        "off_menu_column": menu_page(title="不在菜单的栏目", slug="bzcd", show_in_menus=False),
    }
    pages["deep"] = menu_page(pages["shown"], title="第三层页面", slug="deep")
    PageViewRestriction.objects.create(page=pages["private"], restriction_type=PageViewRestriction.LOGIN)
    return pages


def site_map(client, url: str = "/sitemap/", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return parse(response.content.decode())


def link_texts(doc, heading: str) -> list[str]:
    section = next(s for s in doc.find_all("section") if s.text.strip().startswith(heading))
    return [a.text for a in doc.find_all("a") if a.text and a.text in section.text and "main" in a.ancestors]


def test_the_map_lists_live_public_in_menu_pages_two_levels_deep(client, tree):
    doc = site_map(client)
    assert doc.find("h1").text == "网站地图"
    main = doc.find("main").text
    assert "政务动态" in main and "工作动态" in main
    for absent in ("不在菜单的页面", "草稿页面", "内部页面", "第三层页面", "不在菜单的栏目"):
        assert absent not in main, absent
    assert doc.find("a", href=tree["news"].url) is not None and doc.find("a", href=tree["shown"].url) is not None
    crumbs = doc.find("nav", aria_label="当前位置")
    assert crumbs is not None and doc.find("span", aria_current="page").text == "网站地图"


def test_the_fixed_services_are_listed_with_the_routes_visitors_look_for(client, tree):
    catalog = MatterCatalogPage.objects.get()
    disclosure = DisclosureIndexPage.objects.get()  # /xxgk/, not in the menu
    assert not disclosure.show_in_menus
    cases = menu_page(title="办件服务", slug="banjian")  # in the menu: listed once, with its route
    doc = site_map(client)
    services = link_texts(doc, "常用服务")
    assert catalog.title in services and disclosure.title in services and "站内搜索" in services
    assert doc.find("a", href=disclosure.url + "catalog/") is not None
    assert doc.find("a", href=disclosure.url + "apply/") is not None
    assert "办件服务" not in services and "办件服务" in link_texts(doc, "网站栏目")
    assert doc.find("a", href=cases.url + "lookup/").text == "办件查询"
    assert len([a for a in doc.find_all("a", href=cases.url) if "main" in a.ancestors]) == 1


def test_every_footer_links_to_the_map(client, tree):
    for url in (tree["news"].url, tree["shown"].url, MatterCatalogPage.objects.get().url, "/sitemap/"):
        doc = parse(get_html(client, url))
        link = next(a for a in doc.find_all("a") if a.text == "网站地图" and "footer" in a.ancestors)
        assert link.attrs["href"] == "/sitemap/", url


def test_a_sub_site_shows_its_own_map(client, tree, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "donghu.localhost"]
    district_home = menu_page(title="东湖区人民政府", slug="donghu", show_in_menus=False)
    menu_page(district_home, title="东湖要闻", slug="dhyw")
    Site.objects.create(hostname="donghu.localhost", port=80, root_page=district_home, site_name="东湖区人民政府")

    doc = site_map(client, "/donghu/sitemap/")
    main = doc.find("main").text
    assert "东湖要闻" in main and "政务动态" not in main
    footer_link = next(a for a in doc.find_all("a") if a.text == "网站地图" and "footer" in a.ancestors)
    assert footer_link.attrs["href"] == "/donghu/sitemap/"
    page = parse(get_html(client, "/donghu/dhyw/"))
    assert next(a for a in page.find_all("a") if a.text == "网站地图").attrs["href"] == "/donghu/sitemap/"

    by_host = site_map(client, "/sitemap/", HTTP_HOST="donghu.localhost")
    assert "东湖要闻" in by_host.find("main").text and "政务动态" not in by_host.find("main").text
    # The city's map still shows the city's sections.
    assert "政务动态" in site_map(client).find("main").text


def test_other_paths_ending_in_sitemap_are_ordinary_pages(client, tree):
    menu_page(tree["news"], title="一个叫 sitemap 的页面", slug="sitemap")
    assert "一个叫 sitemap 的页面" in get_html(client, tree["news"].url + "sitemap/")
    assert client.get("/no-such-column/sitemap/").status_code == 404


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the site root paths and content types
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_pages(client, tree):
    few = count_queries(client, "/sitemap/")
    for n in range(8):
        column = menu_page(title=f"栏目{n}", slug=f"lanmu{n}")
        for m in range(3):
            menu_page(column, title=f"栏目{n}页面{m}", slug=f"lanmu{n}-{m}")
    html = get_html(client, "/sitemap/")
    assert "栏目7页面2" in html
    assert count_queries(client, "/sitemap/") == few
