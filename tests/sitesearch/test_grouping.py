"""One entry per thing on the search page: a matter's copies at several levels, a matter and its guide.

Demo-like data: the city's market regulation bureau and the same bureau of 东湖区 and 西山区
each keep a copy of a matter under one 基本编码 (the district copies of the provincial
catalog); a guide is written for a copy. The JSON API's ``?q=`` stays one record per row.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matters.pages import MatterCatalogPage
from permissions.models import DepartmentLevel

from ..guides.factories import BundleGuidePageFactory, GuidePageFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from .conftest import SEARCH_URL, groups, hits, search_page, titles

pytestmark = pytest.mark.django_db

FOOD = "000111222333"


@pytest.fixture
def levels(db):
    """The city government with its market bureau; 东湖区 and 西山区 with theirs; a street of 东湖区."""
    city = DepartmentFactory(name="示范市人民政府", short_name="市政府", slug="city")
    market = DepartmentFactory(name="示范市市场监督管理局", short_name="市市场监管局", slug="market", parent=city)
    donghu = DepartmentFactory(
        name="示范市东湖区人民政府", short_name="东湖区政府", slug="donghu", parent=city, county=True, sort_order=101
    )
    xishan = DepartmentFactory(
        name="示范市西山区人民政府", short_name="西山区政府", slug="xishan", parent=city, county=True, sort_order=102
    )
    return {
        "city": city,
        "market": market,
        "donghu": donghu,
        "xishan": xishan,
        "donghu_market": DepartmentFactory(
            name="示范市东湖区市场监督管理局", short_name="东湖区市场监管局", slug="dhsj", parent=donghu, county=True
        ),
        "xishan_market": DepartmentFactory(
            name="示范市西山区市场监督管理局", short_name="西山区市场监管局", slug="xssj", parent=xishan, county=True
        ),
        "hubin": DepartmentFactory(
            name="示范市东湖区湖滨街道办事处",
            short_name="湖滨街道",
            slug="hubin",
            parent=donghu,
            level=DepartmentLevel.TOWN,
        ),
    }


@pytest.fixture
def copies(levels):
    """食品经营许可 in the city's and both districts' catalogs, one 基本编码."""
    return {
        key: MatterFactory(department=levels[key], name="食品经营许可", basic_code=FOOD)
        for key in ("xishan_market", "market", "donghu_market")
    }


def _copies(hit_html: str) -> list[tuple[str, str]]:
    """The 区划 line of an entry: (label, href) of each copy, in order."""
    line = re.search(r'<p class="search-result-copies">(.*?)</p>', hit_html, re.S)
    if line is None:
        return []
    return [
        (unescape(label), unescape(href))
        for href, label in re.findall(r'<span class="search-copy"><a href="([^"]*)"[^>]*>([^<]*)</a>', line.group(1))
    ]


def _links(hit_html: str) -> list[tuple[str, str]]:
    """The entry's own links (事项详情, 办事指南): (label, href)."""
    line = re.search(r'<p class="search-result-links">(.*?)</p>', hit_html, re.S)
    if line is None:
        return []
    return [
        (unescape(label), unescape(href))
        for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', line.group(1))
    ]


def _item_url(matter) -> str:
    return f"{MatterCatalogPage.objects.get().url}item/{matter.implementation_code}/"


def test_the_city_and_district_copies_of_a_matter_are_one_entry_listing_each_level(client, copies):
    html = search_page(client, "食品经营许可")
    assert groups(html)["matter"] == 1
    assert titles(html, "matter") == ["食品经营许可"]
    entry = hits(html)[0]
    assert _copies(entry.html) == [
        ("市级", _item_url(copies["market"])),
        ("东湖区", _item_url(copies["donghu_market"])),
        ("西山区", _item_url(copies["xishan_market"])),
    ]
    for _, href in _copies(entry.html):
        assert client.get(href).status_code == 200
    assert 'aria-current="page">全部<span class="count">1</span>' in html
    assert "相关的结果 1 条" in html


def test_the_entry_shows_the_best_ranked_copys_title_and_link(client, levels, copies):
    MatterFactory(department=levels["hubin"], name="食品经营许可证核发（小作坊）", basic_code=FOOD)
    copies["market"].name = "食品经营许可证核发"
    copies["market"].save()
    html = search_page(client, "食品经营许可")
    entry = hits(html)[0]
    assert entry.title == "食品经营许可"  # a district copy's name is the query itself
    assert entry.href in {_item_url(copies["donghu_market"]), _item_url(copies["xishan_market"])}
    assert [label for label, _ in _copies(entry.html)] == ["市级", "东湖区", "湖滨街道", "西山区"]


def test_two_copies_in_one_region_are_told_apart_by_their_departments(client, levels, copies):
    health = DepartmentFactory(name="示范市卫生健康委员会", short_name="市卫生健康委", parent=levels["city"])
    MatterFactory(department=health, name="食品经营许可", basic_code=FOOD)
    labels = [label for label, _ in _copies(hits(search_page(client, "食品经营许可"))[0].html)]
    assert sorted(labels[:2]) == ["市级·市卫生健康委", "市级·市市场监管局"]
    assert labels[2:] == ["东湖区", "西山区"]


def test_matters_without_a_basic_code_or_with_other_codes_stay_separate(client, levels, copies):
    MatterFactory(department=levels["market"], name="食品经营许可延续", basic_code="000111222444")
    MatterFactory(department=levels["market"], name="食品经营许可注销", basic_code="")
    MatterFactory(department=levels["donghu_market"], name="食品经营许可注销", basic_code="")
    html = search_page(client, "食品经营许可")
    assert groups(html)["matter"] == 4
    assert sorted(titles(html, "matter")) == [
        "食品经营许可",
        "食品经营许可延续",
        "食品经营许可注销",
        "食品经营许可注销",
    ]
    single = [h for h in hits(html) if h.title != "食品经营许可"]
    assert all(not _copies(h.html) for h in single)


def test_paging_and_counts_count_entries_not_copies(client, levels):
    for i in range(12):
        for key in ("market", "donghu_market", "xishan_market"):
            MatterFactory(department=levels[key], name=f"食品经营许可变更{i:02d}", basic_code=f"0001112225{i:02d}")
    first = search_page(client, "食品经营许可", kind="matter")
    second = search_page(client, "食品经营许可", kind="matter", page=2)
    assert groups(first) == {"matter": 12}
    assert len(titles(first)) == 10 and len(titles(second)) == 2
    assert len(set(titles(first)) | set(titles(second))) == 12
    assert all(len(_copies(h.html)) == 3 for h in hits(first) + hits(second))
    overview = search_page(client, "食品经营许可")
    assert "查看全部12条事项结果" in overview
    assert 'aria-current="page">全部<span class="count">12</span>' in overview


def test_a_matter_and_its_guide_are_one_entry_with_both_links(client, levels):
    matter = MatterFactory(department=levels["market"], name="营业执照核发", basic_code="000999888777")
    guide = GuidePageFactory(matter=matter)
    html = search_page(client, "营业执照")
    assert "guide" not in groups(html)
    assert [(h.kind, h.title) for h in hits(html)] == [("matter", "营业执照核发")]
    assert _links(hits(html)[0].html) == [("事项详情", _item_url(matter)), ("办事指南", guide.url)]
    assert client.get(guide.url).status_code == 200
    # The matter's tab shows the same entry; the guide's tab has nothing left to list.
    assert _links(hits(search_page(client, "营业执照", kind="matter"))[0].html)[1] == ("办事指南", guide.url)
    assert not hits(search_page(client, "营业执照", kind="guide"))


def test_the_guide_of_a_matter_the_search_did_not_find_itself_is_still_linked(client, levels):
    """A guide titled otherwise than the query is linked on its matter's entry all the same."""
    matter = MatterFactory(department=levels["market"], name="营业执照核发", basic_code="000999888777")
    guide = GuidePageFactory(matter=matter, title="开店前要办的证照", summary="")
    html = search_page(client, "市场监督管理局", kind="matter")  # finds the matter by its department's name
    assert titles(html) == ["营业执照核发"]
    assert ("办事指南", guide.url) in _links(hits(html)[0].html)


def test_a_district_copys_guide_is_linked_on_that_copy_and_a_bundle_stays_a_guide(client, levels, copies):
    guide = GuidePageFactory(matter=copies["donghu_market"], title="东湖区食品经营许可办事指南")
    bundle = BundleGuidePageFactory(
        title="开办餐饮店“一件事”", members=[(copies["market"], 1), (copies["donghu_market"], 2)]
    )
    html = search_page(client, "食品经营许可")
    assert groups(html) == {"matter": 1, "guide": 1}
    assert titles(html, "guide") == [bundle.title]
    entry = hits(html)[0]
    line = re.search(r'<p class="search-result-copies">(.*?)</p>', entry.html, re.S).group(1)
    donghu = re.search(r'<span class="search-copy">(<a[^>]*>东湖区</a>.*?)</span>', line, re.S).group(1)
    assert f'href="{guide.url}"' in donghu and ">办事指南</a>" in donghu


def test_query_count_does_not_grow_with_entries_copies_or_guides(client, levels, copies):
    def queries(q: str, **params) -> int:
        client.get(SEARCH_URL, {"q": q, **params})  # warm the caches (vocabulary, site root)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH_URL, {"q": q, **params}).status_code == 200
        return len(captured)

    GuidePageFactory(matter=copies["market"])
    few = (queries("食品经营许可"), queries("食品经营许可", kind="matter"))
    for i in range(8):
        for key in ("market", "donghu_market", "xishan_market"):
            matter = MatterFactory(department=levels[key], name=f"食品经营许可变更{i}", basic_code=f"0001112226{i:02d}")
            GuidePageFactory(matter=matter)
    many = (queries("食品经营许可"), queries("食品经营许可", kind="matter"))
    assert len(_copies(hits(search_page(client, "食品经营许可", kind="matter"))[1].html)) == 3
    assert many == few


def test_the_api_keeps_one_record_per_row(client, levels, copies):
    """The API's ?q= is the portal's search without the page's grouping: every copy and guide is a row."""
    guide = GuidePageFactory(matter=copies["market"])
    body = client.get("/api/v1/matters/", {"q": "食品经营许可"}).json()
    assert body["count"] == 3
    codes = {row["implementation_code"] for row in body["results"]}
    assert codes == {m.implementation_code for m in copies.values()}
    guides = client.get("/api/v1/guides/", {"q": "食品经营许可"}).json()
    assert [row["id"] for row in guides["results"]] == [guide.pk]
