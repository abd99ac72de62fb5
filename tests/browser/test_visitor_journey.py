"""A visitor finds a matter through the header search, reads its guide and prints the notice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import LICENCE_MATTER, screenshot, search_from_header
from .server import DemoServer

pytestmark = pytest.mark.browser


def matter_hits(page: Page):
    return page.locator('section.search-group[data-kind="matter"] article.search-result[data-kind="matter"]')


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("营业执照", id="partial-chinese-word"),
        pytest.param("yyzz", id="pinyin-initials"),
    ],
)
def test_header_search_finds_the_matter(page: Page, server: DemoServer, query: str):
    page.goto(server.url("/"))
    search_from_header(page, query)
    hit = matter_hits(page).filter(has=page.locator("a.search-result-title", has_text=LICENCE_MATTER))
    expect(hit.first).to_be_visible()
    expect(page.locator("#site-search-q")).to_have_value(query)  # the box keeps what was asked
    if query == "营业执照":
        marks = hit.first.locator("mark").all_inner_texts()
        assert marks and all(m in query for m in marks), f"highlighted {marks!r} for {query!r}"


def test_visitor_goes_from_search_to_matter_guide_and_print_view(page: Page, server: DemoServer):
    page.goto(server.url("/"))
    search_from_header(page, "营业执照")
    screenshot(page, "search-results-desktop")
    title = matter_hits(page).locator("a.search-result-title", has_text=LICENCE_MATTER).first
    title.click()
    page.wait_for_url(re.compile(r"/matters/item/[^/]+/$"))
    expect(page.locator("h1")).to_have_text(LICENCE_MATTER)

    page.locator("main").get_by_role("link", name=re.compile("办事指南")).first.click()
    page.wait_for_url(re.compile(r"/guides/.+/$"))
    guide_url = page.url
    expect(page.locator("h1")).to_contain_text(LICENCE_MATTER)
    cells = page.locator('main td[data-label="材料名称"]').all_inner_texts()
    names = sorted({cell.strip().splitlines()[0].strip() for cell in cells if cell.strip()})
    assert names, "the guide lists no materials"

    page.get_by_role("link", name=re.compile("打印")).first.click()
    page.wait_for_url(guide_url + "print/")
    checklist = page.locator("table", has_text="材料名称")
    expect(checklist).to_be_visible()
    for name in names:
        expect(checklist).to_contain_text(name)
    screenshot(page, "guide-print-desktop")

    print_button = page.get_by_role("button", name="打印", exact=True)
    expect(print_button).to_be_visible()
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()  # screen-only controls stay off the paper
    expect(checklist).to_be_visible()


def test_guide_prints_without_the_site_navigation(page: Page, server: DemoServer):
    page.goto(server.url("/matters/?q=" + LICENCE_MATTER))
    page.locator("main").get_by_role("link", name=LICENCE_MATTER, exact=True).first.click()
    page.locator("main").get_by_role("link", name=re.compile("办事指南")).first.click()
    page.wait_for_url(re.compile(r"/guides/.+/$"))
    navigation = page.locator("header nav")
    search = page.locator('form[role="search"]')
    expect(navigation.first).to_be_visible()
    expect(search).to_be_visible()
    page.emulate_media(media="print")
    for index in range(navigation.count()):
        expect(navigation.nth(index)).to_be_hidden()
    expect(search).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main table").first).to_be_visible()
