"""axe-core (WCAG 2.1 A and AA rules) on every page type: no serious or critical violation.

Each page is also watched while it loads: no script error, no failed request for an asset,
and nothing fetched from another origin (no CDN). A desktop screenshot of each is kept as a
test artefact.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    PageWatch,
    axe_violations,
    describe_violations,
    open_guide_of_current_matter,
    open_licence_matter,
    screenshot,
)
from .server import DemoServer

pytestmark = pytest.mark.browser


def path(url: str) -> Callable[[Page, DemoServer], str]:
    return lambda page, server: server.url(url)


def matter_detail(page: Page, server: DemoServer) -> str:
    return open_licence_matter(page, server)


def guide(page: Page, server: DemoServer) -> str:
    open_licence_matter(page, server)
    return open_guide_of_current_matter(page)


def guide_print(page: Page, server: DemoServer) -> str:
    return guide(page, server) + "print/"


def disclosure_document(page: Page, server: DemoServer) -> str:
    page.goto(server.url("/xxgk/catalog/"))
    return page.locator("main table a[href^='/xxgk/']").first.evaluate("a => a.href")


# (name, how to reach it, expected status)
PAGE_TYPES = [
    ("home", path("/"), 200),
    ("section-grbs", path("/grbs/"), 200),
    ("matter-catalog", path("/matters/"), 200),
    ("matter-detail", matter_detail, 200),
    ("guide", guide, 200),
    ("guide-print", guide_print, 200),
    ("search-results", path("/search/?q=营业执照"), 200),
    ("disclosure-index", path("/xxgk/"), 200),
    ("disclosure-catalog", path("/xxgk/catalog/"), 200),
    ("disclosure-document", disclosure_document, 200),
    ("disclosure-apply", path("/xxgk/apply/"), 200),
    ("disclosure-status", path("/xxgk/status/"), 200),
    ("halls", path("/fwdt/"), 200),
    ("not-found", path("/no-such-page/"), 404),
]


def check(page: Page, server: DemoServer, url: str, status: int, name: str) -> None:
    watch = PageWatch.on(page, server)
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    screenshot(page, f"{name}-desktop")
    violations = axe_violations(page)
    assert not violations, f"axe-core on {name} ({url}):\n{describe_violations(violations)}"
    assert not watch.problems(), f"{name} ({url}):\n" + "\n".join(watch.problems())


@pytest.mark.parametrize(("name", "reach", "status"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_page_type_has_no_serious_accessibility_violation(
    page: Page, server: DemoServer, name: str, reach: Callable, status: int
):
    url = reach(page, server)
    check(page, server, url, status, name)


@pytest.mark.parametrize(("name", "reach"), [("home", path("/")), ("guide", guide)], ids=["home", "guide"])
def test_elderly_mode_has_no_serious_accessibility_violation(page: Page, server: DemoServer, name: str, reach):
    url = reach(page, server)
    page.goto(url)
    page.locator("#elderly-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)elderly(\s|$)"))
    check(page, server, url, 200, f"{name}-elderly")  # reloaded: the remembered mode applies


def test_axe_check_can_fail(page: Page, server: DemoServer):
    """The check itself works: an image without text and an unlabelled field are reported."""
    page.goto(server.url("/"))
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<img src="data:," id="no-alt"><input type="text" id="no-label">');
        }"""
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"image-alt", "label"} <= set(found), describe_violations(list(found.values()))
    assert "#no-alt" in found["image-alt"]["targets"]
