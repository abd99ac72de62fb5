"""Paper and cost: guides, matters and documents print without the site's chrome, the one-time
notice is its own A4 sheet, and the header, menu, breadcrumbs and footer cost a fixed number of
queries however many sections, reports and links the site has."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from disclosure.models import AnnualReportPage, DisclosureIndexPage
from matters.pages import MatterCatalogPage

from ..cms.factories import PlainPageFactory
from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import GuidePageFactory
from .conftest import get_html, parse

pytestmark = pytest.mark.django_db


def static_text(path: str) -> str:
    return Path(finders.find(path)).read_text(encoding="utf-8")


def print_stylesheets(html: str) -> list[str]:
    return [link.attrs["href"] for link in parse(html).find_all("link", rel="stylesheet", media="print")]


def test_guides_matters_and_documents_link_the_print_stylesheet(client, world):
    catalog = MatterCatalogPage.objects.get()
    urls = [
        GuidePageFactory(matter=world.matters["own"]).url,
        f"{catalog.url}item/{world.matters['own'].implementation_code}/",
        DisclosureDocumentPageFactory(department=world.dept_a).url,
    ]
    for url in urls:
        assert print_stylesheets(get_html(client, url)) == ["/static/theme/print.css"], url


def test_print_stylesheet_hides_the_chrome_and_keeps_tables_whole():
    css = static_text("theme/print.css")
    hidden = css[: css.index("display: none !important")]
    for selector in (".main-nav", ".header-tools", "#elderly-toggle", ".breadcrumbs", ".skip-link", ".actions"):
        assert selector in hidden, selector
    assert "thead { display: table-header-group; }" in css
    assert "tr, th, td { break-inside: avoid;" in css
    assert 'content: "（" attr(href) "）"' in css  # where a link leads, on paper


def test_the_printable_notice_is_its_own_sheet(client, world):
    guide = GuidePageFactory(matter=world.matters["own"])
    html = get_html(client, guide.url + "print/")
    doc = parse(html)
    sheets = [link.attrs["href"] for link in doc.find_all("link", rel="stylesheet")]
    assert sheets == ["/static/theme/notice.css"]
    notice_css = static_text("theme/notice.css")
    assert "@page { size: A4;" in notice_css and "@media print" in notice_css
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"
    assert doc.find("link", rel="canonical").attrs["href"] == guide.full_url
    # The back link and print button are for the screen only.
    toolbar = doc.find("header", class_="screen-only toolbar")
    assert toolbar is not None and "返回办事指南" in toolbar.text


def chrome_queries(page, path: str) -> int:
    """Queries of base.html alone for ``page`` (the site is already known, as in Wagtail's serve)."""
    request = RequestFactory().get(path)
    Site.find_for_request(request)
    with CaptureQueriesContext(connection) as ctx:
        html = render_to_string("base.html", {"page": page}, request=request)
    assert 'id="main"' in html
    return len(ctx.captured_queries)


def test_chrome_costs_a_fixed_number_of_queries(world, portal):
    guide = GuidePageFactory(matter=world.matters["own"])
    chrome_queries(guide, guide.url)  # warm the site root paths and content types
    few = chrome_queries(guide, guide.url)
    # settings (with the emblem), view restrictions, menu pages, breadcrumb ancestors
    assert few <= 4

    for slug in ("grbs", "frbs", "bmfw", "yjs", "fwdt"):
        PlainPageFactory(slug=slug, title=slug)
    index = DisclosureIndexPage.objects.get()
    for year in (2023, 2024, 2025):
        index.add_child(
            instance=AnnualReportPage(
                title=f"{year}年报告",
                slug=f"r{year}",
                year=year,
                overview="<p>o</p>",
                problems="<p>p</p>",
                tables={"x": 1},
            )
        )
    portal.footer_links = [("link", {"title": f"链接{i}", "url": f"/l{i}/"}) for i in range(12)]
    portal.save()
    chrome_queries(guide, guide.url)
    assert chrome_queries(guide, guide.url) == few


def test_plain_views_without_a_page_get_the_chrome_too(client, world):
    doc = parse(get_html(client, "/no-such-page/", 404))
    assert doc.find("nav", aria_label="主导航") is not None and doc.find("footer") is not None
    assert doc.find("nav", aria_label="当前位置") is None  # nothing to trail without a page
