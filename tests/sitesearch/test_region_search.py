"""The search within the visitor's 区划: the region and everything below it, filtered in the query.

A visitor who chose 东湖区 (the header's switch: ``?region=``, then the ``portal_region``
cookie) wants what can be done in 东湖区: the matters, guides and documents of 东湖区's
government, its bureaus and its streets — not the city's own, nor 西山区's. Portal pages have
no department and are found in every 区划. The filter is a condition of the backend's query (a
filter field on OpenSearch), so counts and paging are those of the region.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend, ElasticsearchBaseSearchQueryCompiler

from matters.models import Matter
from permissions.models import DepartmentLevel
from permissions.regions import region_department_ids
from sitesearch import engine

from ..cms.factories import PlainPageFactory
from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import GuidePageFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from .conftest import SEARCH_URL, groups, hits, search_page, titles

pytestmark = pytest.mark.django_db

FOOD = "000111222333"


@pytest.fixture
def regions(db):
    """The city with its market bureau, 东湖区 (a bureau, a street) and 西山区 (a bureau): a copy of
    食品经营许可 in each bureau and one in the street, a guide and a notice at every level, a portal page."""
    government = DepartmentFactory(name="示范市人民政府", short_name="市政府", slug="city")
    donghu = DepartmentFactory(
        name="示范市东湖区人民政府", short_name="东湖区政府", slug="donghu", parent=government, county=True
    )
    xishan = DepartmentFactory(
        name="示范市西山区人民政府", short_name="西山区政府", slug="xishan", parent=government, county=True
    )
    departments = {
        "market": DepartmentFactory(name="示范市市场监督管理局", short_name="市市场监管局", parent=government),
        "donghu_market": DepartmentFactory(
            name="示范市东湖区市场监督管理局", short_name="东湖区市场监管局", parent=donghu, county=True
        ),
        "hubin": DepartmentFactory(
            name="示范市东湖区湖滨街道办事处",
            short_name="湖滨街道",
            slug="hubin",
            parent=donghu,
            level=DepartmentLevel.TOWN,
        ),
        "xishan_market": DepartmentFactory(
            name="示范市西山区市场监督管理局", short_name="西山区市场监管局", parent=xishan, county=True
        ),
    }
    matters = {
        key: MatterFactory(department=department, name="食品经营许可", basic_code=FOOD)
        for key, department in departments.items()
    }
    for key, department in departments.items():
        name = f"{department.short_name}小餐饮登记"
        GuidePageFactory(matter=MatterFactory(department=department, name=name), title=f"{name}指南", summary="")
        DisclosureDocumentPageFactory(
            department=department, title=f"{department.short_name}关于小餐饮登记的通知", slug=f"notice-{key}"
        )
    PlainPageFactory(title="小餐饮专题")
    return {"donghu": donghu, "xishan": xishan, "matters": matters, **departments}


def _copy_labels(html: str) -> list[str]:
    line = re.search(r'<p class="search-result-copies">(.*?)</p>', html, re.S)
    return re.findall(r'<span class="search-copy"><a [^>]*>([^<]*)</a>', line.group(1)) if line else []


def test_a_district_shows_its_own_and_its_streets_copies_not_the_citys_or_another_districts(client, regions):
    whole = search_page(client, "食品经营许可")
    assert _copy_labels(hits(whole)[0].html) == ["市级", "东湖区", "湖滨街道", "西山区"]

    html = search_page(client, "食品经营许可", region="donghu")
    assert titles(html, "matter").count("食品经营许可") == 1
    assert hits(html)[0].title == "食品经营许可"
    assert _copy_labels(hits(html)[0].html) == ["东湖区", "湖滨街道"]
    assert "（东湖区及以下）" in html
    # The choice is remembered (the switch's cookie): the next search, its tabs and pages stay in 东湖区.
    assert _copy_labels(hits(search_page(client, "食品经营许可", kind="matter"))[0].html) == ["东湖区", "湖滨街道"]

    street = search_page(client, "食品经营许可", region="hubin")
    assert _copy_labels(hits(street)[0].html) == []  # one copy left: nothing to group
    assert hits(street)[0].href.endswith(f"/item/{regions['matters']['hubin'].implementation_code}/")
    # 查看全市结果: the same query for the whole city, and the choice forgotten.
    link = unescape(re.search(r'<a href="([^"]*)">查看全市结果</a>', street).group(1))
    back = client.get(link).content.decode()
    assert _copy_labels(hits(back)[0].html) == ["市级", "东湖区", "湖滨街道", "西山区"]
    assert "region-notice" not in search_page(client, "食品经营许可")


def test_guides_and_documents_are_those_of_the_region_and_pages_are_everywhere(client, regions):
    html = search_page(client, "小餐饮", region="donghu")
    assert sorted(titles(html, "matter")) == ["东湖区市场监管局小餐饮登记", "湖滨街道小餐饮登记"]
    assert sorted(titles(html, "document")) == ["东湖区市场监管局关于小餐饮登记的通知", "湖滨街道关于小餐饮登记的通知"]
    assert titles(html, "page") == ["小餐饮专题"]
    assert groups(html) == {"matter": 2, "document": 2, "page": 1}  # each guide is on its matter's entry
    assert 'aria-current="page">全部<span class="count">5</span>' in html

    xishan = search_page(client, "小餐饮", region="xishan")
    assert titles(xishan, "matter") == ["西山区市场监管局小餐饮登记"]
    everywhere = search_page(client, "小餐饮", region="")  # back to the whole city
    assert groups(everywhere) == {"matter": 4, "document": 4, "page": 1}


def test_only_the_regions_departments_can_be_chosen_and_a_forged_one_is_ignored(client, regions):
    html = search_page(client, "小餐饮", region="donghu")
    assert "示范市东湖区市场监督管理局</option>" in html
    assert "示范市市场监督管理局</option>" not in html and "示范市西山区市场监督管理局</option>" not in html
    one = search_page(client, "小餐饮", department=regions["hubin"].pk)
    assert titles(one, "matter") == ["湖滨街道小餐饮登记"]
    forged = search_page(client, "小餐饮", department=regions["xishan_market"].pk)  # still in 东湖区 (cookie)
    assert sorted(titles(forged, "matter")) == ["东湖区市场监管局小餐饮登记", "湖滨街道小餐饮登记"]


def test_a_regions_search_costs_the_same_queries_for_few_and_many_results(client, regions):
    def queries(q: str) -> int:
        client.get(SEARCH_URL, {"q": q, "region": "donghu"})  # warm the caches, remember the region
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH_URL, {"q": q}).status_code == 200
        return len(captured)

    few = queries("小餐饮")
    for i in range(6):
        for key in ("donghu_market", "hubin", "market"):
            GuidePageFactory(matter=MatterFactory(department=regions[key], name=f"小餐饮备案{key}{i}"))
    many = queries("小餐饮")
    assert len(titles(search_page(client, "小餐饮", kind="matter"))) == 10
    assert many == few


class _CompilingBackend(ElasticsearchBaseSearchBackend):
    """What OpenSearch would be sent, without a server: each kind's query compiled, nothing found."""

    def __init__(self):
        self.queries: list[tuple[type, dict]] = []

    def search(self, query, queryset, fields=None, **kwargs):
        compiler = ElasticsearchBaseSearchQueryCompiler(queryset, query, fields=fields)
        compiler.check()
        self.queries.append((queryset.model, compiler.get_query()))
        return _Nothing()


class _Nothing(list):
    def count(self) -> int:
        return 0


def _filters(backend: _CompilingBackend, model) -> str:
    return " ".join(json.dumps(query.get("bool", {}).get("filter")) for m, query in backend.queries if m is model)


def test_the_opensearch_query_of_each_kind_carries_the_region_as_a_filter(monkeypatch, regions):
    from disclosure.models import DisclosureDocumentPage
    from guides.models import GuidePage, GuideSectionPage

    backend = _CompilingBackend()
    monkeypatch.setattr(engine, "get_search_backend", lambda: backend)
    ids = region_department_ids(regions["donghu"])
    assert ids == {regions["donghu"].pk, regions["donghu_market"].pk, regions["hubin"].pk}
    engine.search("食品经营许可", region_ids=ids)

    matter = _filters(backend, Matter)
    assert f'{{"terms": {{"department_id_filter": {sorted(ids)}}}}}' in matter
    assert '"live_filter": true' in matter and '"status_filter": "in_force"' in matter
    documents = _filters(backend, DisclosureDocumentPage)
    assert f'{{"terms": {{"disclosure_disclosuredocumentpage__issuing_body_id_filter": {sorted(ids)}}}}}' in documents
    guides = _filters(backend, GuidePage)
    for department in (regions["donghu"], regions["donghu_market"], regions["hubin"]):
        path = GuideSectionPage.objects.get(department=department).path
        assert f'{{"prefix": {{"path_filter": "{path}"}}}}' in guides
    market = GuideSectionPage.objects.get(department=regions["market"]).path
    assert f'"path_filter": "{market}"' not in guides

    backend.queries.clear()
    engine.search("食品经营许可")  # the whole city: no department condition at all
    assert "department_id_filter" not in _filters(backend, Matter)
