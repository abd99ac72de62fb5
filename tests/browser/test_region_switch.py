"""The 区划 switch on a phone: chosen with the keyboard alone, remembered on the next page, back to
the whole city; nothing wider than a 390 px screen, in normal and elderly mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import horizontal_overflow, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser


def catalog_departments(page: Page) -> list[str]:
    """The departments the catalog offers to browse (按部门): those with matters in the region."""
    return page.locator("section[aria-labelledby='dept-heading'] .chips a").evaluate_all(
        "links => links.map(a => a.firstChild.textContent.trim())"
    )


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_region_is_chosen_with_the_keyboard_on_a_390px_screen(page: Page, server: DemoServer, viewport: str):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url("/matters/"))
    everywhere = catalog_departments(page)
    assert any("东湖区" in name for name in everywhere) and any("西山区" in name for name in everywhere)
    select = page.get_by_label("切换区划")
    expect(select).to_have_value("")
    assert not horizontal_overflow(page), horizontal_overflow(page)

    # Keyboard only: focus the select, the next entry is 东湖区 (the whole district), Tab to 切换, Enter.
    select.focus()
    page.keyboard.press("ArrowDown")
    expect(select.locator("option:checked")).to_have_text("东湖区（全区）")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="切换")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]region=\w+"))

    expect(page.locator(".region-notice")).to_contain_text("当前区划：东湖区")
    expect(page.get_by_label("切换区划").locator("option:checked")).to_have_text("东湖区（全区）")
    chosen = catalog_departments(page)
    assert chosen and all("东湖区" in name for name in chosen), chosen
    assert not horizontal_overflow(page), horizontal_overflow(page)
    screenshot(page, "region-switch-donghu-390")

    # Remembered: another listing, no parameter in its address.
    page.goto(server.url("/fwdt/"))
    expect(page.locator(".region-notice")).to_contain_text("当前区划：东湖区")
    halls = page.locator("h3.pb-hall-name").all_inner_texts()
    assert halls and not any("西山区" in hall for hall in halls), halls

    # Elderly mode: larger everything, still within the screen.
    page.locator("#elderly-toggle").click()
    assert not horizontal_overflow(page), horizontal_overflow(page)
    box = page.get_by_label("切换区划").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "region-switch-donghu-390-elderly")

    # 查看全市 goes back to the whole city and forgets the choice.
    page.get_by_role("link", name="查看全市").click()
    expect(page.locator(".region-notice")).to_have_count(0)
    page.goto(server.url("/matters/"))
    expect(page.get_by_label("切换区划")).to_have_value("")
    assert catalog_departments(page) == everywhere
