"""The public catalog and document pages: filters, validity marking, late publication."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from disclosure.models import DisclosureCategoryPage, DisclosureDocumentPage, DisclosureIndexPage, Facet, Validity

from .factories import DisclosureDocumentPageFactory, classification, section_of

pytestmark = pytest.mark.django_db

# A rich text field as the Draftail editor posts it.
DRAFTAIL_TEXT = (
    '{"blocks":[{"key":"a1b2c","type":"unstyled","text":"正文","depth":0,'
    '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
)


@pytest.fixture
def catalog(world):
    """Three documents of A (normative, licensing, one repealed) and one of B."""
    docs = {
        "rules": DisclosureDocumentPageFactory(
            department=world.dept_a, title="甲局关于规范执法的通知", category="normative_document"
        ),
        "licences": DisclosureDocumentPageFactory(
            department=world.dept_a, title="甲局行政许可决定公示", category="licensing"
        ),
        "old": DisclosureDocumentPageFactory(
            department=world.dept_a, title="甲局旧版管理办法", category="normative_document"
        ),
        "b": DisclosureDocumentPageFactory(department=world.dept_b, title="乙局年度预算", category="budget"),
    }
    old = docs["old"].get_latest_revision_as_object()
    old.validity, old.validity_date, old.replaced_by = Validity.REPEALED, datetime.date(2026, 3, 1), docs["rules"]
    old.save_revision().publish()
    DisclosureDocumentPageFactory(department=world.dept_a, title="甲局尚未发布的草稿", draft=True)
    return docs


def catalog_url() -> str:
    return DisclosureIndexPage.objects.get().url + "catalog/"


def titles(client, url, **params) -> set[str]:
    html = client.get(url, params).content.decode()
    return {
        t
        for t in (
            "甲局关于规范执法的通知",
            "甲局行政许可决定公示",
            "甲局旧版管理办法",
            "乙局年度预算",
            "甲局尚未发布的草稿",
        )
        if t in html
    }


def test_catalog_lists_published_documents_with_filters(client, world, catalog):
    url = catalog_url()
    assert titles(client, url) == {"甲局关于规范执法的通知", "甲局行政许可决定公示", "甲局旧版管理办法", "乙局年度预算"}
    assert titles(client, url, body=world.dept_b.pk) == {"乙局年度预算"}
    licensing = classification(Facet.CATEGORY, key="licensing")
    assert titles(client, url, category=licensing.pk) == {"甲局行政许可决定公示"}
    assert titles(client, url, validity="repealed") == {"甲局旧版管理办法"}
    assert titles(client, url, q="预算") == {"乙局年度预算"}
    assert titles(client, url, q=catalog["rules"].index_number) == {"甲局关于规范执法的通知"}
    year = catalog["rules"].publication_date.year
    assert len(titles(client, url, year=year)) == 4 and titles(client, url, year=year - 3) == set()


def test_bad_filter_values_are_ignored_not_errors(client, world, catalog):
    response = client.get(catalog_url(), {"body": "abc", "year": "1900", "page": "999", "category": "-1"})
    assert response.status_code == 200


def test_section_and_category_pages_list_their_documents(client, world, catalog):
    assert titles(client, section_of(world.dept_b).url) == {"乙局年度预算"}
    page = DisclosureCategoryPage(title="行政许可", slug="xk", category=classification(Facet.CATEGORY, key="licensing"))
    DisclosureIndexPage.objects.get().add_child(instance=page)
    assert titles(client, page.url) == {"甲局行政许可决定公示"}


def test_document_page_shows_the_index_and_marks_a_repealed_document(client, world, catalog):
    html = client.get(catalog["old"].url).content.decode()
    assert catalog["old"].index_number in html and world.dept_a.name in html
    assert "本文件已废止（2026年3月1日）" in html
    assert f'href="{catalog["rules"].url}"' in html  # the replacing document
    assert "甲局旧版管理办法" in client.get(catalog["rules"].url).content.decode()  # "本文件替代"


def test_late_publication_is_flagged(world):
    on_time = DisclosureDocumentPageFactory(department=world.dept_a, written_date=datetime.date(2026, 9, 1))
    late = DisclosureDocumentPageFactory(department=world.dept_a, written_date=datetime.date(2025, 1, 2))
    assert on_time.published_late is (on_time.publication_date > datetime.date(2026, 10, 30))
    assert late.published_late is True


def test_late_publication_unknown_when_the_calendar_does_not_cover_the_year(world):
    doc = DisclosureDocumentPageFactory(department=world.dept_a, written_date=datetime.date(2003, 6, 1))
    assert doc.published_late is None


def test_admin_listing_flags_late_documents(client, world):
    DisclosureDocumentPageFactory(department=world.dept_a, title="迟发的通知", written_date=datetime.date(2025, 1, 2))
    DisclosureDocumentPageFactory(department=world.dept_a, title="及时的通知")
    client.force_login(world.users["reviewer"])
    html = client.get(reverse("disclosure_documents:index"), {"published_late": "true"}).content.decode()
    assert "迟发的通知" in html and "及时的通知" not in html and "超期发布" in html


def test_validity_rules_in_the_admin_form(client, world):
    from ..helpers import form_post_data

    doc = DisclosureDocumentPageFactory(department=world.dept_a)
    client.force_login(world.users["reviewer"])
    page = doc.get_latest_revision_as_object()
    form_class = DisclosureDocumentPage.get_edit_handler().get_form_class()
    data = form_post_data(form_class(instance=page, parent_page=page.get_parent(), for_user=None))
    data.update({"validity": "repealed", "validity_date": "", "body": DRAFTAIL_TEXT})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[doc.pk]), data)
    assert "文件已修改、废止或失效时，请填写变更日期" in response.content.decode()
    assert DisclosureDocumentPage.objects.get(pk=doc.pk).validity == "in_force"


def test_the_catalog_keyword_box_is_the_portal_search_in_relevance_order(client, world, catalog):
    url = catalog_url()
    for query in ("执法", "zhifa", "gfzf", "規範執法"):  # word part, pinyin, initials, Traditional
        assert titles(client, url, q=query) == {"甲局关于规范执法的通知"}, query
    assert titles(client, url, q="行政許可") == {"甲局行政许可决定公示"}
    assert titles(client, url, q="执法", body=world.dept_b.pk) == set()
    # With a keyword, the best match first (the title that is the query), not the newest.
    best = DisclosureDocumentPageFactory(department=world.dept_b, title="行政许可", category="licensing")
    DisclosureDocumentPage.objects.filter(pk=best.pk).update(publication_date=datetime.date(2020, 1, 1))
    html = client.get(url, {"q": "xzxk"}).content.decode()
    assert "共 2 条" in html
    assert html.index(f'href="{best.url}"') < html.index(f'href="{catalog["licences"].url}"')
    html = client.get(url).content.decode()  # without one, newest first
    assert html.index(f'href="{catalog["licences"].url}"') < html.index(f'href="{best.url}"')
    assert titles(client, url, q=catalog["rules"].index_number) == {"甲局关于规范执法的通知"}


def test_catalog_keyword_queries_do_not_grow_with_the_results(client, world, catalog):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = catalog_url()

    def count(q: str) -> tuple[int, int]:
        client.get(url, {"q": q})  # the search vocabulary and the site root, once
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, {"q": q}).content.decode()
        return len(queries), int(re.search(r"共 (\d+) 条", html).group(1))

    for i in range(6):
        DisclosureDocumentPageFactory(department=world.dept_a, title=f"甲局行政许可决定公示（第{i}期）")
    few, many = count("规范执法"), count("xzxk")
    assert few[1] == 1 and many[1] == 7
    assert few[0] == many[0]
