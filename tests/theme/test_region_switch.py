"""The 区划 switch on the city's site: each listing shows the chosen district's records and below,
the cookie remembers the choice, a forged slug is ignored, and caches keep regions apart."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from disclosure.models import DisclosureIndexPage
from guides.models import GuideIndexPage
from matters.pages import MatterCatalogPage
from portal.models import HallIndexPage
from theme.regions import COOKIE

from ..cms.factories import SectionPageFactory
from ..cms.portal_helpers import block, text
from ..disclosure.factories import DisclosureDocumentPageFactory
from ..disclosure.factories import section_of as disclosure_section_of
from ..guides.factories import BundleGuidePageFactory, GuidePageFactory
from ..halls.factories import HallFactory, NoticeFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from .conftest import parse

pytestmark = pytest.mark.django_db


class City:
    """示范市 with 东湖区 (a bureau and 湖滨街道 under it) and 西山区, a record of each kind in each."""

    def __init__(self) -> None:
        gov = DepartmentFactory(name="测试市人民政府", short_name="市政府", slug="shi")
        self.city_bureau = DepartmentFactory(name="测试市民政局", short_name="市民政局", slug="smzj", parent=gov)
        self.donghu = DepartmentFactory(
            name="测试市东湖区人民政府", short_name="东湖区政府", slug="dhq", parent=gov, county=True
        )
        self.donghu_bureau = DepartmentFactory(
            name="测试市东湖区民政局", short_name="东湖区民政局", slug="dhmzj", parent=self.donghu, county=True
        )
        self.hubin = DepartmentFactory(
            name="测试市东湖区湖滨街道办事处", short_name="湖滨街道", slug="hbjd", parent=self.donghu, town=True
        )
        self.xishan = DepartmentFactory(
            name="测试市西山区人民政府", short_name="西山区政府", slug="xsq", parent=gov, county=True
        )
        self.matters = {
            "donghu": MatterFactory(department=self.donghu_bureau, name="东湖区低保申请"),
            "hubin": MatterFactory(department=self.hubin, name="湖滨街道居住证登记"),
            "xishan": MatterFactory(department=self.xishan, name="西山区临时救助"),
            "city": MatterFactory(department=self.city_bureau, name="全市婚姻登记"),
        }
        for matter in self.matters.values():
            GuidePageFactory(matter=matter)
        BundleGuidePageFactory(department=self.donghu_bureau, title="东湖区开办养老机构一件事", members=[])
        BundleGuidePageFactory(department=self.xishan, title="西山区新生儿出生一件事", members=[])
        DisclosureDocumentPageFactory(department=self.donghu_bureau, title="东湖区社会救助实施办法")
        DisclosureDocumentPageFactory(department=self.xishan, title="西山区城市更新规划")
        DisclosureDocumentPageFactory(department=self.city_bureau, title="全市养老服务条例")
        donghu_hall = HallFactory(department=self.donghu, name="东湖区政务服务中心", county=True)
        hubin_hall = HallFactory(department=self.hubin, name="湖滨街道便民服务中心", town=True)
        self.xishan_hall = HallFactory(department=self.xishan, name="西山区政务服务中心", county=True)
        NoticeFactory(department=self.donghu, title="东湖区中心周六延时服务", halls=[donghu_hall, hubin_hall])
        NoticeFactory(department=self.xishan, title="西山区中心系统升级", halls=[self.xishan_hall])
        home = Site.objects.get(is_default_site=True).root_page
        self.halls_page = HallIndexPage(title="服务大厅", slug="fwdt")
        home.add_child(instance=self.halls_page)
        self.halls_page.save_revision().publish()
        self.catalog = MatterCatalogPage.objects.get().url
        self.guides = GuideIndexPage.objects.get().url
        self.disclosure = DisclosureIndexPage.objects.get().url


@pytest.fixture
def city() -> City:
    return City()


DONGHU = ("东湖区低保申请", "湖滨街道居住证登记")
XISHAN = ("西山区临时救助",)


def shown(response, *names: str) -> list[str]:
    body = text(response)
    return [name for name in names if name in body]


def region_notice(response) -> str | None:
    notice = parse(response.content.decode()).find("p", class_="region-notice")
    return " ".join(notice.text.split()) if notice is not None else None


def test_the_catalog_lists_the_chosen_district_and_below(client, city):
    everything = client.get(city.catalog)
    assert shown(everything, *DONGHU, *XISHAN, "全市婚姻登记") == [*DONGHU, *XISHAN, "全市婚姻登记"]
    assert region_notice(everything) is None

    donghu = client.get(city.catalog, {"region": "dhq"})
    assert shown(donghu, *DONGHU, *XISHAN, "全市婚姻登记") == list(DONGHU)
    assert region_notice(donghu) == "当前区划：东湖区 · 查看全市"
    assert f'href="{city.catalog}?region="' in donghu.content.decode()
    # The department filter offers the district's departments only.
    offered = re.search(r'<select name="department".*?</select>', donghu.content.decode(), re.S).group(0)
    assert f'value="{city.donghu_bureau.pk}"' in offered and f'value="{city.hubin.pk}"' in offered
    assert f'value="{city.xishan.pk}"' not in offered and f'value="{city.city_bureau.pk}"' not in offered

    hubin = client.get(city.catalog, {"region": "hbjd"})
    assert shown(hubin, *DONGHU, *XISHAN) == ["湖滨街道居住证登记"]

    xishan = client.get(city.catalog, {"region": "xsq"})
    assert shown(xishan, *DONGHU, *XISHAN, "全市婚姻登记") == list(XISHAN)


def test_a_search_in_the_catalog_stays_in_the_region(client, city):
    client.get(city.catalog, {"region": "xsq"})
    response = client.get(city.catalog, {"q": "救助"})
    assert shown(response, "西山区临时救助") == ["西山区临时救助"]
    response = client.get(city.catalog, {"q": "低保"})
    assert shown(response, "东湖区低保申请") == []


def test_the_guides_index_lists_the_regions_sections_and_bundles(client, city):
    donghu = client.get(city.guides, {"region": "dhq"})
    assert shown(
        donghu, "测试市东湖区民政局", "测试市东湖区湖滨街道办事处", "测试市西山区人民政府", "测试市民政局"
    ) == [
        "测试市东湖区民政局",
        "测试市东湖区湖滨街道办事处",
    ]
    assert shown(donghu, "东湖区开办养老机构一件事", "西山区新生儿出生一件事") == ["东湖区开办养老机构一件事"]
    assert region_notice(donghu) == "当前区划：东湖区 · 查看全市"
    everything = client.get(city.guides, {"region": ""})
    assert shown(everything, "东湖区开办养老机构一件事", "西山区新生儿出生一件事", "测试市民政局") == [
        "东湖区开办养老机构一件事",
        "西山区新生儿出生一件事",
        "测试市民政局",
    ]


def test_the_disclosure_column_and_catalog_list_the_regions_documents(client, city):
    titles = ("东湖区社会救助实施办法", "西山区城市更新规划", "全市养老服务条例")
    for url in (city.disclosure, f"{city.disclosure}catalog/"):
        assert shown(client.get(url, {"region": "dhq"}), *titles) == ["东湖区社会救助实施办法"], url
        assert shown(client.get(url, {"region": "xsq"}), *titles) == ["西山区城市更新规划"], url
        assert shown(client.get(url, {"region": ""}), *titles) == list(titles), url
    # A department's own column lists all of its documents whatever the region.
    section = disclosure_section_of(city.city_bureau).url
    assert shown(client.get(section, {"region": "dhq"}), *titles) == ["全市养老服务条例"]


def test_the_halls_page_lists_the_regions_halls(client, city):
    halls = ("东湖区政务服务中心", "湖滨街道便民服务中心", "西山区政务服务中心")
    url = city.halls_page.url
    assert shown(client.get(url, {"region": "dhq"}), *halls) == ["东湖区政务服务中心", "湖滨街道便民服务中心"]
    assert shown(client.get(url, {"region": "hbjd"}), *halls) == ["湖滨街道便民服务中心"]
    assert shown(client.get(url, {"region": ""}), *halls) == list(halls)
    # A hall's own page opens from any region.
    assert client.get(f"{url}{city.xishan_hall.code}/", {"region": "dhq"}).status_code == 200


def test_the_data_blocks_list_the_regions_records(client, city):
    page = SectionPageFactory(
        slug="region-blocks",
        body=[
            block("matter_list", heading="热门事项", count=10),
            block("disclosure_list", heading="最新公开", count=10),
            block("halls", heading="大厅", count=10),
            block("hall_notices", heading="大厅公告", count=10),
            block("bundles", heading="一件事", count=10),
            block("departments", heading="部门服务"),
        ],
    )
    names = (
        *DONGHU,
        *XISHAN,
        "全市婚姻登记",
        "东湖区社会救助实施办法",
        "西山区城市更新规划",
        "东湖区政务服务中心",
        "西山区政务服务中心",
        "东湖区中心周六延时服务",
        "西山区中心系统升级",
        "东湖区开办养老机构一件事",
        "西山区新生儿出生一件事",
        "西山区政府",  # 部门服务 (by short name)
    )
    donghu = shown(client.get(page.url, {"region": "dhq"}), *names)
    assert donghu == [
        *DONGHU,
        "东湖区社会救助实施办法",
        "东湖区政务服务中心",
        "东湖区中心周六延时服务",
        "东湖区开办养老机构一件事",
    ]
    assert shown(client.get(page.url, {"region": ""}), *names) == list(names)


def test_the_cookie_remembers_the_choice_until_the_city_is_chosen_again(client, city):
    first = client.get(city.catalog, {"region": "dhq"})
    cookie = first.cookies[COOKIE]
    assert cookie.value == "dhq" and cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] > 0
    later = client.get(city.halls_page.url)  # another page, no parameter
    assert shown(later, "东湖区政务服务中心", "西山区政务服务中心") == ["东湖区政务服务中心"]
    # The same choice again sets no cookie (the page stays shareable).
    assert COOKIE not in client.get(city.catalog, {"region": "dhq"}).cookies
    back = client.get(city.catalog, {"region": "全市"})
    assert back.cookies[COOKIE].value == "" and back.cookies[COOKIE]["max-age"] == 0
    assert shown(client.get(city.catalog), *DONGHU, *XISHAN) == [*DONGHU, *XISHAN]


@pytest.mark.parametrize("forged", ["nope", "smzj", "dhmzj", "<script>alert(1)</script>", "dhq%00", "x" * 300])
def test_an_unknown_or_forged_region_is_ignored(client, city, forged):
    response = client.get(city.catalog, {"region": forged})
    assert response.status_code == 200 and COOKIE not in response.cookies
    assert shown(response, *DONGHU, *XISHAN) == [*DONGHU, *XISHAN]
    assert "<script>alert(1)" not in response.content.decode()
    client.get(city.catalog, {"region": "xsq"})
    response = client.get(city.catalog, {"region": forged})  # ignored: the remembered choice stands
    assert response.status_code == 200 and shown(response, *DONGHU, *XISHAN) == list(XISHAN)
    client.cookies[COOKIE] = forged  # a forged cookie: the whole city
    response = client.get(city.catalog)
    assert response.status_code == 200 and shown(response, *DONGHU, *XISHAN) == [*DONGHU, *XISHAN]


def test_the_header_switch_lists_the_city_its_districts_and_their_towns(client, city):
    client.get(city.catalog, {"region": "hbjd"})
    doc = parse(client.get("/").content.decode())
    form = doc.find("form", class_="region-switch")
    assert form is not None and form.attrs["method"] == "get"
    label = doc.find("label", for_="region-select")
    assert label is not None and label.text == "切换区划"
    options = [(o.attrs["value"], o.text.strip(), "selected" in o.attrs) for o in doc.find_all("option")]
    options = [o for o in options if o[0] in ("", "dhq", "hbjd", "xsq")]
    assert options == [
        ("", "全市", False),
        ("dhq", "东湖区（全区）", False),
        ("hbjd", "湖滨街道", True),
        ("xsq", "西山区（全区）", False),
    ]
    groups = [g.attrs["label"] for g in doc.find_all("optgroup")]
    assert groups == ["东湖区", "西山区"]
    assert doc.find("button", type="submit") is not None


def switch_form(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The header switch's action and the hidden fields it sends along with the chosen region."""
    form = re.search(r'<form class="region-switch"[^>]*action="([^"]*)".*?</form>', html, re.S)
    return form.group(1), re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(0))


def test_switching_keeps_the_search_words_and_filters_but_not_the_page_number(client, city):
    """The switch changes where the visitor looks, not what they look for: a search for 救助,
    switched to 西山区, is still a search for 救助 — from its first page."""
    html = client.get("/search/", {"q": "救助", "kind": "matter", "page": "2", "region": ""}).content.decode()
    assert switch_form(html) == ("/search/", [("q", "救助"), ("kind", "matter")])

    action, kept = switch_form(client.get(city.catalog, {"q": "救助", "page": "2"}).content.decode())
    assert (action, kept) == (city.catalog, [("q", "救助")])
    # What the browser sends when 西山区 is chosen: the hidden fields and the select.
    switched = client.get(action, dict(kept, region="xsq"))
    assert shown(switched, "西山区临时救助", "东湖区低保申请") == ["西山区临时救助"]
    assert region_notice(switched) == "当前区划：西山区 · 查看全市"
    # 查看全市 keeps the words too.
    notice = re.search(r'<p class="region-notice".*?</p>', switched.content.decode(), re.S).group(0)
    assert f'href="{city.catalog}?q=%E6%95%91%E5%8A%A9&amp;region="' in notice


def test_caches_keep_one_regions_page_apart_from_anothers(client, city, settings):
    settings.PORTAL_CACHE_SECONDS = 60
    whole = client.get(city.catalog)
    assert "public" in whole["Cache-Control"] and "Cookie" in whole["Vary"]
    etag = whole["ETag"]
    assert client.get(city.catalog, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A visitor who chose 东湖区 asks with the city's ETag: a new page, never the city's.
    client.cookies[COOKIE] = "dhq"
    donghu = client.get(city.catalog, HTTP_IF_NONE_MATCH=etag)
    assert donghu.status_code == 200 and donghu["ETag"] != etag
    assert "Cookie" in donghu["Vary"] and shown(donghu, *DONGHU, *XISHAN) == list(DONGHU)
    assert client.get(city.catalog, HTTP_IF_NONE_MATCH=donghu["ETag"]).status_code == 304
    # The answer that sets the cookie is nobody else's.
    del client.cookies[COOKIE]
    chosen = client.get(city.catalog, {"region": "xsq"})
    assert COOKIE in chosen.cookies and "public" not in chosen.get("Cache-Control", "")


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_departments_of_the_region(client, city):
    urls = [city.catalog, city.guides, city.disclosure, f"{city.disclosure}catalog/", city.halls_page.url]
    for url in urls:
        _queries(client, url, region="dhq")
    before = {url: _queries(client, url, region="dhq") for url in urls}
    for n in range(8):
        bureau = DepartmentFactory(name=f"测试市东湖区第{n}局", parent=city.donghu, county=True)
        MatterFactory(department=bureau, name=f"东湖区第{n}项")
        DisclosureDocumentPageFactory(department=bureau, title=f"东湖区第{n}号文件")
        HallFactory(department=bureau, name=f"东湖区第{n}分中心", county=True)
    for url in urls:
        _queries(client, url, region="dhq")  # the department table is read again once after the change
    after = {url: _queries(client, url, region="dhq") for url in urls}
    assert after == before
    assert "东湖区第7项" in text(client.get(city.catalog, {"region": "dhq"}))


def test_files_that_are_no_portal_page_look_up_no_site_or_region(client, city, django_assert_num_queries):
    """The site's icon (like robots.txt, sitemap.xml and document downloads) lists nothing by
    region: no site and settings queries for it, whatever the cookie says (they were two)."""
    client.cookies[COOKIE] = "dhq"
    with django_assert_num_queries(0):
        assert client.get("/favicon.ico").status_code == 200
