"""Elderly mode (适老化): one button, larger text, remembered by this browser on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import horizontal_overflow, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

ELDERLY_CLASS = re.compile(r"(^|\s)elderly(\s|$)")
# Records <html>'s classes when <body> first appears: what the first paint would show.
CLASS_AT_BODY = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.__classAtBody = document.documentElement.className;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def body_font_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def stored(page: Page) -> str | None:
    return page.evaluate("localStorage.getItem('portal-elderly')")


def test_elderly_mode_toggles_is_remembered_and_turns_off(page: Page, server: DemoServer):
    page.add_init_script(CLASS_AT_BODY)
    page.goto(server.url("/"))
    toggle = page.locator("#elderly-toggle")
    html = page.locator("html")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(html).not_to_have_class(ELDERLY_CLASS)
    normal_size = body_font_px(page)

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(html).to_have_class(ELDERLY_CLASS)
    assert body_font_px(page) > normal_size * 1.1, "elderly mode should enlarge the text noticeably"
    assert stored(page) == "1"
    screenshot(page, "home-elderly-desktop")

    page.reload()
    expect(html).to_have_class(ELDERLY_CLASS)
    expect(page.locator("#elderly-toggle")).to_have_attribute("aria-pressed", "true")
    assert "elderly" in page.evaluate("window.__classAtBody").split(), "applied only after the first paint"

    page.goto(server.url("/matters/"))
    expect(html).to_have_class(ELDERLY_CLASS)
    assert body_font_px(page) > normal_size * 1.1
    assert "elderly" in page.evaluate("window.__classAtBody").split()

    page.locator("#elderly-toggle").click()
    expect(page.locator("#elderly-toggle")).to_have_attribute("aria-pressed", "false")
    expect(html).not_to_have_class(ELDERLY_CLASS)
    assert stored(page) == "0"
    page.reload()
    expect(html).not_to_have_class(ELDERLY_CLASS)
    assert body_font_px(page) == pytest.approx(normal_size)


def test_elderly_mode_is_per_browser(new_page, server: DemoServer):
    first = new_page()
    first.goto(server.url("/"))
    first.locator("#elderly-toggle").click()
    expect(first.locator("html")).to_have_class(ELDERLY_CLASS)

    other_browser = new_page()  # another context: another visitor's browser
    other_browser.goto(server.url("/"))
    expect(other_browser.locator("html")).not_to_have_class(ELDERLY_CLASS)
    expect(other_browser.locator("#elderly-toggle")).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("viewport", ["phone"])
def test_elderly_mode_on_a_phone_keeps_the_page_within_the_screen(page: Page, server: DemoServer, viewport: str):
    page.goto(server.url("/"))
    page.locator("#elderly-toggle").click()
    expect(page.locator("html")).to_have_class(ELDERLY_CLASS)
    assert not horizontal_overflow(page), f"elderly mode on a phone: {horizontal_overflow(page)}"
    screenshot(page, "home-elderly-phone")
