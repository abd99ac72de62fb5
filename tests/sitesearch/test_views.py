"""The search page as a visitor uses it: groups and counts, highlights, filters, limits, privacy."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from guides.models import GuidePage
from matters.pages import MatterCatalogPage

from ..cms.factories import PlainPageFactory
from ..guides.factories import GuidePageFactory
from ..matters.factories import MatterFactory
from .conftest import SEARCH_URL, groups, hits, search_page, titles

pytestmark = pytest.mark.django_db


def test_results_are_grouped_by_kind_with_counts_and_links(client, city):
    html = search_page(client, "营业执照")
    assert groups(html) == {"matter": 1, "document": 1, "page": 1}  # the guide is on its matter's entry
    assert [(h.kind, h.title) for h in hits(html)] == [
        ("matter", "营业执照核发"),
        ("document", "关于营业执照办理时限的通知"),
        ("page", "营业执照专题"),
    ]
    matter = hits(html)[0]
    assert matter.href == f"{MatterCatalogPage.objects.get().url}item/{city['licence'].implementation_code}/"
    assert "<mark>营业执照</mark>核发" in matter.html
    assert f'href="{GuidePage.objects.get(matter=city["licence"]).url}"' in matter.html
    assert client.get(matter.href).status_code == 200
    assert 'aria-current="page">全部<span class="count">3</span>' in html


def test_a_kind_tab_shows_that_kind_only_and_pages_through_it(client, world):
    for i in range(13):
        MatterFactory(department=world.dept_a, name=f"营业执照变更登记{i:02d}")
    first = search_page(client, "营业执照", kind="matter")
    assert list(groups(first)) == ["matter"] and groups(first)["matter"] == 13
    second = search_page(client, "营业执照", kind="matter", page=2)
    assert len(titles(first)) == 10 and len(titles(second)) == 3
    assert not set(titles(first)) & set(titles(second))
    assert "下一页" in first and "上一页" in second
    # A forged kind or page number is ignored, not an error.
    assert titles(search_page(client, "营业执照", kind="nothing", page="x"))


def test_everything_but_the_marks_is_escaped(client, world):
    MatterFactory(department=world.dept_a, name='营业执照<img src=x onerror="alert(1)">补办')
    html = search_page(client, "营业执照")
    assert "<img" not in html
    assert "<mark>营业执照</mark>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;补办" in html
    assert "<script>alert(1)" not in search_page(client, "<script>alert(1)</script>")


def test_pinyin_initials_traditional_and_typos_find_the_matter(client, city):
    for query in ("yyzz", "yingyezhizhao", "營業執照", "营业执找", "ＹＹＺＺ"):
        html = search_page(client, query)
        assert titles(html, "matter")[:1] == ["营业执照核发"], query
        assert "<mark>营业执照</mark>核发" in hits(html)[0].html, query


def test_did_you_mean_when_nothing_matches(client, city):
    html = search_page(client, "yingyezhizao")
    assert not hits(html)
    link = f'<a href="{SEARCH_URL}?q={quote("营业执照")}">营业执照</a>'
    assert f'<p class="did-you-mean">您是不是要找：{link}</p>' in html
    assert "您可以试试" in html  # the tips of the empty state


def test_no_suggestion_for_something_unrelated(client, city):
    html = search_page(client, "xyzzyq")
    assert "没有找到" in html and "did-you-mean" not in html


def test_department_filter_keeps_that_departments_records_and_leaves_pages_out(client, world, city):
    html = search_page(client, "核发", department=world.dept_b.pk)
    assert titles(html) == ["食品经营许可证核发"]
    html = search_page(client, "营业执照", department=world.dept_a.pk)
    assert set(groups(html)) == {"matter", "document"}
    # An unknown department is ignored like any forged filter.
    assert groups(search_page(client, "营业执照", department="999999"))["page"] == 1


def test_queries_longer_than_50_characters_are_refused_in_chinese(client, city):
    html = search_page(client, "营业执照" * 13)
    assert "关键词太长了（最多50个字）" in html
    assert not hits(html)
    assert hits(search_page(client, "营业执照" + "。" * 46))  # exactly 50 is fine


def test_only_get_is_allowed(client, city):
    assert client.post(SEARCH_URL, {"q": "营业执照"}).status_code == 405
    assert client.head(SEARCH_URL, {"q": "营业执照"}).status_code == 200


def test_empty_query_shows_the_search_box_and_popular_searches(client, city):
    for query in ("", "   ", "！？。"):
        html = search_page(client, query)
        assert 'id="search-q"' in html and "大家都在搜" in html and not hits(html)


def test_drafts_suspended_and_cancelled_matters_are_never_found(client, world, city):
    MatterFactory(department=world.dept_a, name="营业执照草稿事项", draft=True)
    MatterFactory(department=world.dept_a, name="营业执照暂停事项", suspended=True)
    MatterFactory(department=world.dept_a, name="营业执照取消事项", cancelled=True)
    assert titles(search_page(client, "营业执照"), "matter") == ["营业执照核发"]


def test_unpublished_and_private_pages_are_never_found(client, world, city):
    GuidePage.objects.get(matter=city["licence"]).unpublish()
    private = PlainPageFactory(title="营业执照内部专栏")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft = PlainPageFactory(title="营业执照草稿栏目")
    draft.unpublish()
    html = search_page(client, "营业执照")
    assert "guide" not in groups(html)
    assert titles(html, "page") == ["营业执照专题"]


def test_query_count_does_not_grow_with_the_results(client, world, city):
    def queries(q: str) -> int:
        client.get(SEARCH_URL, {"q": q})  # warm the caches (vocabulary, site root)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH_URL, {"q": q}).status_code == 200
        return len(captured)

    GuidePageFactory(matter=city["food"])
    PlainPageFactory(title="许可专题")
    few = queries("许可")  # one matter, one guide, one page
    for i in range(8):
        GuidePageFactory(matter=MatterFactory(department=world.dept_a, name=f"许可测试事项{i}"))
        PlainPageFactory(title=f"许可专题{i:02d}")
    many = queries("许可")
    matter_tab = search_page(client, "许可", kind="matter")
    for guide in GuidePage.objects.filter(title__startswith="许可测试事项"):
        assert f'href="{guide.url}"' in matter_tab  # on their matters' entries
    assert many == few
    assert many <= 20
