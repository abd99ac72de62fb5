"""What search engines and share cards see: titles, descriptions and canonical addresses taken
from page fields, the sitemap of public content, and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import PageViewRestriction

from disclosure.models import DisclosureIndexPage
from matters import lifecycle
from matters.pages import MatterCatalogPage

from ..cms.factories import PlainPageFactory
from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import GuidePageFactory
from .conftest import get_html, parse

pytestmark = pytest.mark.django_db

SITE_NAME = "示范市政务服务与政务公开平台"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def head(client, url: str) -> dict[str, str]:
    doc = parse(get_html(client, url))
    meta = {m.attrs.get("name") or m.attrs.get("property"): m.attrs.get("content") for m in doc.find_all("meta")}
    canonical = doc.find("link", rel="canonical")
    return {
        "title": doc.find("title").text,
        "description": meta.get("description"),
        "og:title": meta.get("og:title"),
        "og:description": meta.get("og:description"),
        "og:url": meta.get("og:url"),
        "og:site_name": meta.get("og:site_name"),
        "canonical": canonical.attrs["href"] if canonical else None,
    }


def test_title_and_description_come_from_the_page_fields(client, world):
    guide = GuidePageFactory(matter=world.matters["own"])  # summary "测试指南"
    seen = head(client, guide.url)
    assert seen["title"] == f"{guide.title} - {SITE_NAME}"
    assert seen["og:title"] == guide.title and seen["og:site_name"] == SITE_NAME
    assert seen["description"] == seen["og:description"] == "测试指南"

    guide.seo_title = "食品经营许可怎么办"
    guide.search_description = "开食品店要办的许可：条件、材料、时限。"
    guide.save_revision().publish()
    seen = head(client, guide.url)
    assert seen["title"] == f"食品经营许可怎么办 - {SITE_NAME}"
    assert seen["description"] == "开食品店要办的许可：条件、材料、时限。"


def test_document_description_is_its_summary_and_a_long_text_is_shortened(client, world):
    document = DisclosureDocumentPageFactory(department=world.dept_a)
    document.summary = "关于" + "专项检查" * 60
    document.save_revision().publish()
    description = head(client, document.url)["description"]
    assert description.startswith("关于专项检查") and len(description) <= 120 and description.endswith("…")


def test_description_falls_back_to_the_site_description(client, world, portal):
    PlainPageFactory(slug="grbs", title="个人办事")
    index = DisclosureIndexPage.objects.get()
    index.intro = ""
    index.save_revision().publish()
    assert head(client, f"{index.url}catalog/")["description"] == "测试市的政务服务和政务公开网站。"


def test_routed_pages_have_their_own_title_and_canonical_address(client, world):
    catalog = MatterCatalogPage.objects.get()
    matter = world.matters["own"]
    seen = head(client, f"{catalog.url}item/{matter.implementation_code}/?utm_source=wechat&from=timeline")
    assert seen["title"] == f"{matter.name} - {SITE_NAME}"
    expected = f"{catalog.full_url}item/{matter.implementation_code}/"
    assert seen["canonical"] == seen["og:url"] == expected
    assert matter.name in seen["description"] and world.dept_a.name in seen["description"]


def test_canonical_drops_tracking_but_keeps_the_page_number(client, world):
    catalog = MatterCatalogPage.objects.get()
    assert head(client, f"{catalog.url}?utm_campaign=x&theme=3")["canonical"] == catalog.full_url
    assert head(client, f"{catalog.url}?page=2&utm_source=x")["canonical"] == f"{catalog.full_url}?page=2"
    assert head(client, f"{catalog.url}?page=1")["canonical"] == catalog.full_url
    assert catalog.full_url.startswith("http://localhost/")  # the site's own address, absolute


def sitemap_locations(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}


def test_sitemap_lists_live_public_pages_and_public_matters(client, world):
    catalog = MatterCatalogPage.objects.get()
    guide = GuidePageFactory(matter=world.matters["own"])
    draft_guide = GuidePageFactory(matter=world.matters["other"], draft=True)
    document = DisclosureDocumentPageFactory(department=world.dept_a)
    private = PlainPageFactory(slug="nbzl", title="内部资料")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    hidden_child = PlainPageFactory(slug="nbzl-child", title="内部子页")
    hidden_child.move(private, pos="last-child")
    cancelled = world.matters["other"]
    lifecycle.change_state(cancelled, world.users["sysadmin"], "cancel", "取消")

    locations = sitemap_locations(client)
    base = catalog.full_url
    assert base in locations
    assert guide.full_url in locations and document.full_url in locations
    assert f"{base}item/{world.matters['own'].implementation_code}/" in locations
    assert draft_guide.full_url not in locations
    assert not any("nbzl" in loc for loc in locations)
    for matter in (world.matters["own_draft"], world.matters["other_draft"], cancelled):
        assert f"{base}item/{matter.implementation_code}/" not in locations
    assert all(loc.startswith("http://localhost/") for loc in locations)


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_to_the_sitemap(client, world):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert not any(line.strip() == "Disallow: /" for line in lines)
    assert client.post("/robots.txt").status_code == 405
