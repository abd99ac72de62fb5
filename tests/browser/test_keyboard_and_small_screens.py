"""Keyboard use (skip link, visible focus) and narrow screens (320 px, no sideways scrolling)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import horizontal_overflow, open_guide_of_current_matter, open_licence_matter, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

FOCUSED = "(() => { const e = document.activeElement; return e ? {tag: e.tagName.toLowerCase(), id: e.id, \
href: e.getAttribute('href'), text: (e.innerText || '').trim()} : null; })()"
HAS_FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow && s.boxShadow !== "none");
}"""


@pytest.mark.parametrize("path", ["/", "/matters/", "/xxgk/"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page: Page, server: DemoServer, path: str):
    page.goto(server.url(path))
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "a" and focused["href"] == "#main", f"first Tab stop is {focused}"
    skip = page.locator("a[href='#main']").first
    expect(skip).to_be_visible()  # visible once focused, even if hidden before
    assert page.evaluate(HAS_FOCUS_RING), "the focused skip link has no visible focus indicator"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "focus did not move to <main>"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "next Tab left <main>"


def test_keyboard_focus_is_visible_in_the_header(page: Page, server: DemoServer):
    page.goto(server.url("/"))
    for _ in range(4):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert page.evaluate(HAS_FOCUS_RING), f"no visible focus indicator on {focused}"


def test_header_search_works_with_the_keyboard_only(page: Page, server: DemoServer):
    page.goto(server.url("/"))
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    else:
        pytest.fail("the header search box cannot be reached with Tab")
    page.keyboard.type("食品经营")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?**")
    expect(page.locator("article.search-result").first).to_be_visible()


@pytest.mark.parametrize("viewport", ["narrow"])
def test_no_horizontal_scrolling_at_320px(page: Page, server: DemoServer, viewport: str):
    pages = {"home": server.url("/"), "catalog": server.url("/matters/")}
    open_licence_matter(page, server)
    pages["matter"] = page.url
    pages["guide"] = open_guide_of_current_matter(page)
    too_wide = {}
    for name, url in pages.items():
        page.goto(url)
        screenshot(page, f"{name}-320")
        if problem := horizontal_overflow(page):
            too_wide[name] = problem
    assert not too_wide, f"horizontal scrolling at 320px: {too_wide}"


@pytest.mark.parametrize("viewport", ["phone"])
def test_main_pages_on_a_phone(page: Page, server: DemoServer, viewport: str):
    """Phone screenshots of the main pages (artefacts), and none of them scrolls sideways."""
    too_wide = {}
    for name, path in {
        "home": "/",
        "catalog": "/matters/",
        "section-grbs": "/grbs/",
        "disclosure": "/xxgk/",
        "apply": "/xxgk/apply/",
        "search": "/search/?q=营业执照",
    }.items():
        response = page.goto(server.url(path))
        assert response.status == 200, f"{path} answered {response.status}"
        screenshot(page, f"{name}-phone")
        if problem := horizontal_overflow(page):
            too_wide[path] = problem
    assert not too_wide, f"horizontal scrolling on a phone: {too_wide}"


@pytest.mark.parametrize("viewport", ["narrow"])
def test_no_horizontal_scrolling_at_320px_in_elderly_mode(page: Page, server: DemoServer, viewport: str):
    """Elderly mode's larger text and targets must still fit a 320 px screen (block grids wrap)."""
    page.goto(server.url("/"))
    page.evaluate("localStorage.setItem('portal-elderly', '1')")
    too_wide = {}
    for name, path in {"home": "/", "section": "/grbs/", "halls": "/fwdt/", "search": "/search/?q=yyzz"}.items():
        page.goto(server.url(path))
        assert page.evaluate("document.documentElement.classList.contains('elderly')"), f"{path}: elderly mode is off"
        screenshot(page, f"{name}-elderly-320")
        if problem := horizontal_overflow(page):
            too_wide[name] = problem
    assert not too_wide, f"horizontal scrolling at 320px in elderly mode: {too_wide}"
