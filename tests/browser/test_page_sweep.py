"""Every public page type looked at in a real browser (issue 18, item 5).

Each page type of the city's site and of the sub-sites is opened at 1366 px (a common office
screen) and at 390 px (a current phone), in normal and in elderly mode. Each time a full-page
screenshot is kept (test-artifacts/screenshots/sweep/) and the page must:

- fit the screen's width (nothing wider than the layout viewport);
- show no text on top of other text (two visible lines of text whose boxes overlap);
- cut off no field's prompt or chosen option (a search box too narrow for 请输入关键词);
- have no serious or critical axe-core (WCAG 2.1 A/AA) violation;
- load without a script error, a failed request for an asset or a request to another origin.

All problems of the four looks are gathered before the test fails, so one run names them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from .helpers import (
    LICENCE_MATTER,
    PageWatch,
    axe_violations,
    clipped_fields,
    describe_violations,
    horizontal_overflow,
    open_guide_of_current_matter,
    open_licence_matter,
    overlapping_text,
    screenshot,
)
from .server import DemoServer

pytestmark = pytest.mark.browser

Reach = Callable[[Page, DemoServer], str]


def path(url: str) -> Reach:
    return lambda page, server: server.url(url)


def first_link(index: str, selector: str) -> Reach:
    """The first link matching ``selector`` on the page at ``index`` (a real, current address)."""

    def reach(page: Page, server: DemoServer) -> str:
        page.goto(server.url(index))
        return page.locator(selector).first.evaluate("a => a.href")

    return reach


def guide(page: Page, server: DemoServer) -> str:
    open_licence_matter(page, server)
    return open_guide_of_current_matter(page)


def guide_print(page: Page, server: DemoServer) -> str:
    return guide(page, server) + "print/"


def matter_id(page: Page, server: DemoServer) -> str:
    """The licence matter's id, read from its guide's 在线申请 link (/banjian/apply/<id>/)."""
    guide(page, server)
    href = page.locator("main a[href*='/banjian/apply/']").first.get_attribute("href")
    return re.search(r"/apply/(\d+)/", href).group(1)


def online_application(page: Page, server: DemoServer) -> str:
    return server.url(f"/banjian/apply/{matter_id(page, server)}/")


def service_rating(page: Page, server: DemoServer) -> str:
    return server.url(f"/pingjia/service/{matter_id(page, server)}/")


# (name, how to reach it, expected status): one of each public page type and routed view.
PAGE_TYPES: list[tuple[str, Reach, int]] = [
    ("home", path("/"), 200),
    ("section", path("/grbs/"), 200),
    ("bundles", path("/yjs/"), 200),
    ("bundle", first_link("/yjs/", "main a[href^='/guides/']"), 200),
    ("matter-catalog", path("/matters/"), 200),
    ("matter-changes", path("/matters/changes/"), 200),
    ("matter-detail", lambda page, server: open_licence_matter(page, server), 200),
    ("guide-index", path("/guides/"), 200),
    ("guide-section", first_link("/guides/", "main a[href^='/guides/'][href$='/']"), 200),
    ("guide", guide, 200),
    ("guide-print", guide_print, 200),
    ("search", path("/search/?q=" + LICENCE_MATTER[:4]), 200),
    ("search-empty", path("/search/?q=没有这样的事项名称"), 200),
    ("disclosure-index", path("/xxgk/"), 200),
    ("disclosure-catalog", path("/xxgk/catalog/"), 200),
    ("disclosure-section", first_link("/xxgk/", "main a[href^='/xxgk/sz']"), 200),
    ("disclosure-category", path("/xxgk/fd-regulation/"), 200),
    ("disclosure-document", first_link("/xxgk/catalog/", "main table a[href^='/xxgk/']"), 200),
    ("disclosure-guide", path("/xxgk/gkzn/"), 200),
    ("disclosure-apply", path("/xxgk/apply/"), 200),
    ("disclosure-status", path("/xxgk/status/"), 200),
    ("annual-reports", path("/xxgk/ndbg/"), 200),
    ("annual-report", first_link("/xxgk/ndbg/", "main a[href^='/xxgk/ndbg/ndbg-']"), 200),
    ("halls", path("/fwdt/"), 200),
    ("hall", first_link("/fwdt/", "main a[href^='/fwdt/'][href$='/']:not([href='/fwdt/'])"), 200),
    ("cases", path("/banjian/"), 200),
    ("case-apply", online_application, 200),
    ("case-lookup", path("/banjian/lookup/"), 200),
    ("ratings", path("/pingjia/"), 200),
    ("rating-service", service_rating, 200),
    ("interaction", path("/hudong/"), 200),
    ("interaction-ask", path("/hudong/ask/consultation/"), 200),
    ("interaction-lookup", path("/hudong/lookup/"), 200),
    ("interaction-answer", first_link("/hudong/", "main a[href^='/hudong/qa/']"), 200),
    ("appointments", path("/yuyue/"), 200),
    ("appointments-hall", first_link("/yuyue/", "main a[href^='/yuyue/?hall=']"), 200),
    ("appointments-after-hours", path("/yuyue/after-hours/"), 200),
    ("appointments-mine", path("/yuyue/mine/"), 200),
    ("sitemap", path("/sitemap/"), 200),
    ("not-found", path("/no-such-page/"), 404),
    # The sub-sites: a district's and a town's own home page and site map, and a shared listing
    # opened from a district (its 区划 chosen).
    ("district-home", path("/donghu/"), 200),
    ("district-sitemap", path("/donghu/sitemap/"), 200),
    ("district-catalog", path("/matters/?region=donghu"), 200),
    ("town-home", path("/hubin/"), 200),
]

VIEWPORT_WIDTHS = {"wide": 1366, "phone390": 390}


def look(page: Page, server: DemoServer, url: str, status: int, label: str) -> list[str]:
    """Open ``url`` as it is now set up (mode, viewport) and say everything wrong with it."""
    watch = PageWatch.on(page, server)
    response = page.goto(url)
    page.wait_for_load_state("load")
    problems = [] if response.status == status else [f"answered {response.status}, not {status}"]
    screenshot(page, f"sweep/{label}")
    if overflow := horizontal_overflow(page):
        problems.append(f"wider than the screen: {overflow}")
    problems += [f"text on text: {pair}" for pair in overlapping_text(page)]
    problems += [f"cut off: {field}" for field in clipped_fields(page)]
    if violations := axe_violations(page):
        problems.append("axe-core:\n" + describe_violations(violations))
    problems += watch.problems()
    return problems


@pytest.mark.parametrize("viewport", list(VIEWPORT_WIDTHS))
@pytest.mark.parametrize(("name", "reach", "status"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_page_type_at_both_widths_in_both_modes(
    new_page, server: DemoServer, viewport: str, name: str, reach: Reach, status: int
):
    page = new_page(viewport)
    url = reach(page, server)
    width = VIEWPORT_WIDTHS[viewport]
    problems = [f"normal: {p}" for p in look(page, server, url, status, f"{name}-{width}")]
    page.evaluate("localStorage.setItem('portal-elderly', '1')")  # as the 长者模式 button leaves it
    problems += [f"elderly: {p}" for p in look(page, server, url, status, f"{name}-{width}-elderly")]
    assert page.evaluate("document.documentElement.classList.contains('elderly')"), "elderly mode not applied"
    assert not problems, f"{name} at {width}px ({url}):\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", ["phone390"])
def test_the_checks_can_fail(page: Page, server: DemoServer, viewport: str):
    """The sweep's own checks see what they are for: text laid on other text, a page wider than
    the screen, an image without text, a field too narrow for its prompt."""
    page.goto(server.url("/"))
    assert not overlapping_text(page) and not horizontal_overflow(page) and not clipped_fields(page)
    page.evaluate(
        """() => {
            // Styles set through the CSSOM: the Content-Security-Policy refuses style attributes.
            const add = (parent, where, tag, id, text, css) => {
                const el = Object.assign(document.createElement(tag), {id, textContent: text});
                Object.assign(el.style, css);
                parent.insertAdjacentElement(where, el);
                return el;
            };
            const main = document.querySelector("main");
            const under = add(main, "afterbegin", "p", "under", "办事指南在这里", {});
            add(main, "beforeend", "div", "too-wide", "宽", {width: "600px"});
            add(main, "beforeend", "img", "no-alt", "", {}).src = "data:,";
            add(main, "beforeend", "input", "narrow", "", {width: "5em"}).placeholder = "请输入事项名称或编码";
            const at = under.getBoundingClientRect();
            add(document.body, "beforeend", "p", "over", "这一行压在上面", {position: "absolute", margin: "0",
                left: `${at.left + scrollX + 8}px`, top: `${at.top + scrollY + 3}px`});
        }"""
    )
    overlaps = overlapping_text(page)
    assert any("#under" in pair and "#over" in pair for pair in overlaps), overlaps
    assert "div#too-wide" in horizontal_overflow(page)
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
    assert [field for field in clipped_fields(page) if "input#narrow" in field], clipped_fields(page)
