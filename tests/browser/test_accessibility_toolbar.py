"""无障碍工具条 (GB/T 37668-2019): read aloud, page zoom, large cursor, reading guide and high
contrast, driven from the keyboard; each remembered like elderly mode and applied before the first
paint; together with elderly mode; within a 390 px screen; axe-core clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PageWatch, axe_violations, describe_violations, horizontal_overflow, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

# The browser's speech synthesis, replaced by one that writes down what it was asked to say
# (headless Chromium has no voices); the real SpeechSynthesisUtterance is kept.
FAKE_SPEECH = """
window.__spoken = [];
window.__cancelled = 0;
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false,
  getVoices: () => [],
  speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
  cancel: () => { window.__cancelled += 1; },
}});
"""
# <html>'s classes and zoom when <body> first appears: what the first paint shows.
STATE_AT_BODY = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.__classAtBody = document.documentElement.className;
    window.__zoomAtBody = document.documentElement.style.getPropertyValue("--a11y-zoom");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def has_class(name: str) -> re.Pattern:
    return re.compile(rf"(^|\s){name}(\s|$)")


def press(page: Page, selector: str, key: str = "Enter") -> None:
    """Focus a control and activate it from the keyboard."""
    page.locator(selector).focus()
    page.keyboard.press(key)


def open_toolbar(page: Page) -> None:
    press(page, "#a11y-open")
    expect(page.locator("#a11y-open")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#a11y-panel")).to_be_visible()


def zoom_of_main(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).zoom)")


def test_keyboard_reaches_the_toolbar_and_it_is_remembered_open(page: Page, server: DemoServer):
    page.add_init_script(STATE_AT_BODY)
    page.goto(server.url("/"))
    expect(page.locator("#a11y-panel")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#a11y-open")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#a11y-panel")).to_be_visible()
    for name in ("speak", "cursor", "guide", "contrast"):
        expect(page.locator(f'[data-a11y="{name}"]')).to_have_attribute("aria-pressed", "false")

    page.reload()
    expect(page.locator("#a11y-panel")).to_be_visible()
    assert "a11y-open" in page.evaluate("window.__classAtBody").split()
    press(page, "#a11y-open", " ")
    expect(page.locator("#a11y-panel")).to_be_hidden()
    expect(page.locator("#a11y-open")).to_have_attribute("aria-expanded", "false")


def test_each_toggle_takes_effect_is_remembered_and_applied_before_paint(page: Page, server: DemoServer):
    page.add_init_script(STATE_AT_BODY)
    page.goto(server.url("/"))
    open_toolbar(page)
    html = page.locator("html")

    press(page, "#a11y-contrast")
    expect(page.locator("#a11y-contrast")).to_have_attribute("aria-pressed", "true")
    expect(html).to_have_class(has_class("a11y-contrast"))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).color") == "rgb(255, 255, 255)"
    expect(page.locator("main a").first).to_have_css("color", "rgb(255, 255, 0)")  # after the colour transition

    press(page, "#a11y-cursor", " ")
    expect(page.locator("#a11y-cursor")).to_have_attribute("aria-pressed", "true")
    # (the static files carry a content hash: a11y-cursor.<hash>.svg)
    assert re.search(
        r"/a11y-cursor\.(\w+\.)?svg", page.evaluate("getComputedStyle(document.querySelector('main')).cursor")
    )
    assert re.search(
        r"/a11y-pointer\.(\w+\.)?svg", page.evaluate("getComputedStyle(document.querySelector('main a')).cursor")
    )

    press(page, "#a11y-guide")
    expect(page.locator("#a11y-guide")).to_have_attribute("aria-pressed", "true")
    guide = page.locator(".a11y-guide-line")
    expect(guide).to_be_visible()
    page.mouse.move(200, 420)
    expect(guide).to_have_css("transform", "matrix(1, 0, 0, 1, 0, 420)")
    box = guide.bounding_box()
    assert box is not None and box["y"] < 420 < box["y"] + box["height"]
    page.locator("#site-search-q").focus()  # keyboard users: the line goes under the focused control
    below = page.evaluate("Math.round(document.getElementById('site-search-q').getBoundingClientRect().bottom + 2)")
    expect(guide).to_have_css("transform", f"matrix(1, 0, 0, 1, 0, {below})")

    page.goto(server.url("/matters/"))
    for name in ("a11y-contrast", "a11y-cursor", "a11y-guide"):
        expect(html).to_have_class(has_class(name))
        assert name in page.evaluate("window.__classAtBody").split(), f"{name} applied only after the first paint"
    for name in ("contrast", "cursor", "guide"):
        expect(page.locator(f"#a11y-{name}")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "a11y-toolbar-contrast-desktop")

    for name in ("contrast", "cursor", "guide"):
        press(page, f"#a11y-{name}")
        expect(page.locator(f"#a11y-{name}")).to_have_attribute("aria-pressed", "false")
    page.reload()
    for name in ("a11y-contrast", "a11y-cursor", "a11y-guide"):
        expect(html).not_to_have_class(has_class(name))
    expect(page.locator(".a11y-guide-line")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(0, 0, 0)"


def test_page_zoom_steps_resets_and_is_remembered(page: Page, server: DemoServer):
    page.add_init_script(STATE_AT_BODY)
    page.goto(server.url("/matters/"))
    open_toolbar(page)
    level = page.locator("#a11y-zoom-level")
    expect(level).to_have_text("100%")
    expect(page.locator("#a11y-zoom-out")).to_have_attribute("aria-disabled", "true")
    height_before = page.locator("main h1").first.bounding_box()["height"]

    press(page, "#a11y-zoom-in")
    expect(level).to_have_text("110%")
    press(page, "#a11y-zoom-in", " ")
    expect(level).to_have_text("125%")
    assert zoom_of_main(page) == pytest.approx(1.25)
    assert page.locator("main h1").first.bounding_box()["height"] > height_before * 1.15
    press(page, "#a11y-zoom-out")
    expect(level).to_have_text("110%")
    for _ in range(6):
        press(page, "#a11y-zoom-in")
    expect(level).to_have_text("200%")
    expect(page.locator("#a11y-zoom-in")).to_have_attribute("aria-disabled", "true")

    page.reload()
    expect(page.locator("#a11y-zoom-level")).to_have_text("200%")
    assert page.evaluate("window.__zoomAtBody") == "2"
    assert zoom_of_main(page) == pytest.approx(2)
    press(page, "#a11y-zoom-reset")
    expect(page.locator("#a11y-zoom-level")).to_have_text("100%")
    assert zoom_of_main(page) == pytest.approx(1)
    page.reload()
    assert zoom_of_main(page) == pytest.approx(1)


def test_read_aloud_reads_the_main_content_or_the_selection_and_stops(page: Page, server: DemoServer):
    page.add_init_script(FAKE_SPEECH)
    page.goto(server.url("/xxgk/"))
    open_toolbar(page)
    speak = page.locator("#a11y-speak")
    expect(speak).to_be_visible()

    press(page, "#a11y-speak")
    expect(speak).to_have_attribute("aria-pressed", "true")
    spoken = page.evaluate("window.__spoken")
    heading = page.locator("main h1").first.inner_text().strip()
    assert spoken and all(u["lang"] == "zh-CN" for u in spoken)
    text = "".join(u["text"] for u in spoken)
    assert heading in text, "reads the main content"
    assert "站内搜索" not in text and "主办单位" not in text, "not the header or the footer"
    assert all(len(u["text"]) <= 400 for u in spoken), "in short pieces"

    page.keyboard.press("Escape")
    expect(speak).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancelled") >= 1

    page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("main h1"));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        window.__spoken = [];
    }""")
    press(page, "#a11y-speak", " ")
    expect(speak).to_have_attribute("aria-pressed", "true")
    assert [u["text"] for u in page.evaluate("window.__spoken")] == [heading]
    cancelled = page.evaluate("window.__cancelled")
    press(page, "#a11y-speak")  # pressed again: stop
    expect(speak).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancelled") > cancelled


def test_without_speech_synthesis_there_is_no_read_aloud_button(page: Page, server: DemoServer):
    page.add_init_script("delete window.SpeechSynthesisUtterance;")
    page.goto(server.url("/"))
    open_toolbar(page)
    expect(page.locator("#a11y-speak")).to_be_hidden()


def test_tools_work_together_with_elderly_mode(page: Page, server: DemoServer):
    page.goto(server.url("/"))
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.locator("#elderly-toggle").focus()
    page.keyboard.press("Enter")
    open_toolbar(page)
    press(page, "#a11y-zoom-in")
    press(page, "#a11y-contrast")
    html = page.locator("html")
    expect(html).to_have_class(has_class("elderly"))
    expect(html).to_have_class(has_class("a11y-contrast"))
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > normal * 1.1
    assert zoom_of_main(page) == pytest.approx(1.1)
    violations = axe_violations(page)
    assert not violations, f"axe-core, elderly mode with high contrast:\n{describe_violations(violations)}"


@pytest.mark.parametrize("viewport", ["phone"])
def test_on_a_390px_screen_the_toolbar_stays_on_screen(page: Page, server: DemoServer, viewport: str):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url("/"))
    open_toolbar(page)
    for tool in page.locator("#a11y-panel button, #a11y-open").all():
        box = tool.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, tool.inner_text()
        assert box["height"] >= 44, f"{tool.inner_text()}: a target of {box['height']}px"
    assert not horizontal_overflow(page), horizontal_overflow(page)
    for _ in range(6):
        press(page, "#a11y-zoom-in")
    expect(page.locator("#a11y-zoom-level")).to_have_text("150%")  # the most a phone screen takes
    expect(page.locator("#a11y-zoom-in")).to_have_attribute("aria-disabled", "true")
    screenshot(page, "a11y-toolbar-phone")


def test_the_open_toolbar_is_axe_clean_in_both_contrasts(page: Page, server: DemoServer):
    watch = PageWatch.on(page, server)
    page.goto(server.url("/"))
    open_toolbar(page)
    violations = axe_violations(page)
    assert not violations, f"axe-core with the toolbar open:\n{describe_violations(violations)}"
    press(page, "#a11y-contrast")
    press(page, "#a11y-cursor")
    violations = axe_violations(page)
    assert not violations, f"axe-core in high contrast:\n{describe_violations(violations)}"
    assert not watch.problems(), "\n".join(watch.problems())
