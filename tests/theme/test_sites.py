"""The city's site group (网站群): a district's site is found by its own host name and, where no host
name reaches it, by its path prefix under the city's site; it shows its own home page, menu, footer
and settings, and its 区划; each host's /sitemap.xml lists that site's pages only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from matters.pages import MatterCatalogPage
from portal.models import HomePage, SectionPage
from theme.models import PortalSettings
from theme.sites import portal_settings, portal_site, site_home_url, site_region

from ..permissions.factories import DepartmentFactory
from .conftest import parse
from .subsites import HOSTS, SiteGroup, make_site_group

pytestmark = pytest.mark.django_db

DONGHU_HOST = "donghu.localhost"


@pytest.fixture
def group(db, portal, settings) -> SiteGroup:
    """The city's site with two district sites under its home page (东湖区, 西山区)."""
    settings.ALLOWED_HOSTS = HOSTS
    return make_site_group()


def request_for(path: str, host: str = "testserver"):
    request = RequestFactory().get(path, HTTP_HOST=host)
    Site.find_for_request(request)  # Wagtail's serve has done this before any template runs
    return request


# ---- which site ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/donghu/", "/donghu", "/donghu/grbs/", "/donghu/grbs/a/b/?x=1"])
def test_a_path_under_the_prefix_is_the_district_site(group, path):
    request = request_for(path)
    assert Site.find_for_request(request) == group.city  # what Wagtail alone says
    assert portal_site(request) == group.donghu.site
    assert site_region(request) == group.donghu.region
    assert portal_settings(request).host_organisation == "东湖区人民政府办公室"
    assert site_home_url(request) == "/donghu/"


@pytest.mark.parametrize(
    "path", ["/", "/donghu-news/", "/donghuxyz/", "/matters/donghu/", "/xishandonghu/", "/search/"]
)
def test_a_path_that_only_looks_like_a_prefix_stays_on_the_city_site(group, path):
    request = request_for(path)
    assert portal_site(request) == group.city
    assert site_region(request) is None
    assert portal_settings(request).host_organisation == "测试市人民政府办公室"
    assert site_home_url(request) == "/"


@pytest.mark.parametrize("path", ["/", "/grbs/", "/search/", "/donghu/"])
def test_the_district_host_is_the_district_site_at_every_path(group, path):
    request = request_for(path, host=DONGHU_HOST)
    assert portal_site(request) == group.donghu.site
    assert site_region(request) == group.donghu.region
    assert site_home_url(request) == "/"


def test_another_district_is_found_by_its_own_prefix_and_host(group):
    assert portal_site(request_for("/xishan/")) == group.xishan.site
    assert site_region(request_for("/", host="xishan.localhost")) == group.xishan.region


def test_the_site_is_found_once_per_request(group):
    portal_site(request_for("/donghu/"))  # warm Wagtail's cached site root paths, as a running server has them
    city = request_for("/matters/")
    with CaptureQueriesContext(connection) as ctx:
        assert portal_site(city) == group.city
    assert len(ctx.captured_queries) == 0  # the host's site, as Wagtail found it

    prefixed = request_for("/donghu/grbs/")
    with CaptureQueriesContext(connection) as ctx:
        portal_site(prefixed)
        region = site_region(prefixed)
    assert len(ctx.captured_queries) == 2  # the sub-site (with its home page), its settings (with the 区划)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert portal_site(prefixed) == group.donghu.site
            assert site_region(prefixed) == region
            assert site_home_url(prefixed) == "/donghu/"
    assert len(ctx.captured_queries) == 0

    hosted = request_for("/", host=DONGHU_HOST)
    with CaptureQueriesContext(connection) as ctx:
        portal_site(hosted)
    assert len(ctx.captured_queries) == 0


# ---- what the visitor sees -------------------------------------------------------------------


def chrome(client, url: str, host: str = "testserver"):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, (url, host, response.status_code)
    return parse(response.content.decode())


def menu_links(doc) -> dict[str, str]:
    nav = doc.find("nav", aria_label="主导航")
    start = doc.elements.index(nav)
    links = {}
    for element in doc.elements[start + 1 :]:
        if element.tag == "nav":
            break
        if element.tag == "a":
            links[element.text.strip()] = element.attrs.get("href")
    return links


@pytest.mark.parametrize(("url", "host"), [("/donghu/", "testserver"), ("/", DONGHU_HOST)])
def test_the_district_home_renders_with_its_own_header_footer_and_menu(client, group, url, host):
    doc = chrome(client, url, host)
    assert doc.find("h1").text.strip() == "东湖区政务服务"
    assert "东湖区人民政府" in doc.find("title").text
    footer = doc.find("footer")
    assert "主办单位：东湖区人民政府办公室" in footer.text and "网站标识码：1100000102" in footer.text
    assert "测试市人民政府办公室" not in footer.text
    header = doc.find("header")
    assert "东湖区人民政府办公室" in header.text
    assert doc.find("a", class_="brand").attrs["href"] == url
    links = menu_links(doc)
    assert links["首页"] == url
    # The shared catalog (the city's one) opens filtered to the district.
    catalog = MatterCatalogPage.objects.get().get_url(request_for("/"))  # "/matters/"
    assert links["个人办事"] in {f"{catalog}?region=dhq", f"http://localhost{catalog}?region=dhq"}
    assert links["搜索"] == "/search/?region=dhq"


def test_the_city_home_keeps_the_city_chrome(client, group):
    doc = chrome(client, "/")
    footer = doc.find("footer")
    assert "主办单位：测试市人民政府办公室" in footer.text and "东湖区" not in footer.text
    links = menu_links(doc)
    assert links["首页"] == "/" and links["搜索"] == "/search/"
    assert "?region=" not in links["个人办事"]


def test_a_section_of_the_district_comes_before_the_city_one_and_the_trail_starts_at_its_home(client, group):
    own = SectionPage(title="东湖区个人办事", slug="grbs", intro="<p>东湖区</p>")
    group.donghu.home.add_child(instance=own)
    own.save_revision().publish()
    city = SectionPage(title="个人办事", slug="grbs", intro="<p>全市</p>")
    group.city_home.add_child(instance=city)
    city.save_revision().publish()

    doc = chrome(client, "/donghu/grbs/")
    assert menu_links(doc)["个人办事"] == "/donghu/grbs/"
    trail = doc.find("nav", aria_label="当前位置")
    items = [e for e in doc.elements[doc.elements.index(trail) :] if e.tag in {"a", "span"}][:2]
    assert [(e.text.strip(), e.attrs.get("href")) for e in items] == [("首页", "/donghu/"), ("东湖区个人办事", None)]

    doc = chrome(client, "/grbs/", host=DONGHU_HOST)
    assert menu_links(doc)["个人办事"] == "/grbs/"
    assert menu_links(chrome(client, "/"))["个人办事"] == "/grbs/"


def test_a_page_of_another_district_is_not_served_on_a_district_host(client, group):
    assert client.get("/xishan/", HTTP_HOST=DONGHU_HOST).status_code == 404


# ---- the sitemap of each host ----------------------------------------------------------------

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client, host: str) -> set[str]:
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}


def test_each_host_lists_its_own_pages_in_its_sitemap(client, group):
    page = SectionPage(title="东湖区法人办事", slug="frbs")
    group.donghu.home.add_child(instance=page)
    page.save_revision().publish()

    donghu = sitemap(client, DONGHU_HOST)
    assert donghu == {"http://donghu.localhost/", "http://donghu.localhost/frbs/"}

    city = sitemap(client, "testserver")
    assert MatterCatalogPage.objects.get().get_full_url() in city  # http://localhost/matters/
    assert not any("donghu" in url or "xishan" in url for url in city)

    xishan = sitemap(client, "xishan.localhost")
    assert xishan == {"http://xishan.localhost/"}


# ---- the 区划 and the home page rules --------------------------------------------------------


def test_a_region_is_a_government_not_one_of_its_departments(group):
    bureau = DepartmentFactory(
        county=True, parent=group.donghu.region, name="测试市东湖区市场监督管理局", short_name="东湖区市场监管局"
    )
    group.donghu.settings.region = bureau
    with pytest.raises(ValidationError) as caught:
        group.donghu.settings.full_clean()
    assert "不是区划" in " ".join(caught.value.message_dict["region"])

    group.donghu.settings.region = group.city_gov
    with pytest.raises(ValidationError) as caught:
        group.donghu.settings.full_clean()
    assert "region" in caught.value.message_dict


def test_a_region_serves_one_site_only(group):
    group.xishan.settings.region = group.donghu.region
    with pytest.raises(ValidationError) as caught:
        group.xishan.settings.full_clean()
    assert "已是站点“东湖区人民政府”的所属区划" in " ".join(caught.value.message_dict["region"])


def test_a_town_is_a_region_too(group):
    town = DepartmentFactory(
        town=True, parent=group.donghu.region, name="测试市东湖区湖滨街道办事处", short_name="湖滨街道"
    )
    settings = PortalSettings.for_site(group.xishan.site)
    settings.region = town
    settings.full_clean()  # no error


def test_home_pages_go_under_the_city_home_page_one_level_deep(group):
    root = Page.get_first_root_node()
    assert HomePage.can_create_at(group.city_home)
    assert not HomePage.can_create_at(group.donghu.home)  # no site under a district's site
    assert not HomePage.can_create_at(root)  # one city home page
    assert not group.xishan.home.can_move_to(group.donghu.home)
    assert group.xishan.home.can_move_to(group.city_home)


@pytest.mark.parametrize(("url", "host"), [("/donghu/", "testserver"), ("/", DONGHU_HOST)])
def test_a_district_page_names_its_own_host_as_its_canonical_address(client, group, url, host):
    doc = chrome(client, url, host)
    assert doc.find("link", rel="canonical").attrs["href"] == "http://donghu.localhost/"
    assert chrome(client, "/").find("link", rel="canonical").attrs["href"] == "http://localhost/"
