"""好差评 in a browser: a visitor looks up a finished case, follows “评价本次服务” and gives a 差评 with
its reasons, on a desktop and on a phone in elderly mode; the form passes axe and fits the screen."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from .helpers import axe_violations, describe_violations, horizontal_overflow, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser


def database(server: DemoServer) -> sqlite3.Connection:
    return sqlite3.connect(server.workdir / "var" / "db.sqlite3")


def unrated_finished_case(server: DemoServer) -> tuple[int, str, str]:
    """A finished demo case not yet rated on the web (the tests of this worker share its server)."""
    with database(server) as db:
        return db.execute(
            "SELECT id, number, lookup_code FROM cases_case WHERE state IN ('approved', 'denied', 'delivered') "
            "AND id NOT IN (SELECT case_id FROM ratings_rating WHERE channel = 'web' AND case_id IS NOT NULL) "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()


@pytest.mark.parametrize(("viewport", "elderly"), [("desktop", False), ("phone", True)])
def test_a_visitor_rates_a_finished_case_from_its_progress_page(page: Page, server: DemoServer, elderly: bool):
    case_id, number, code = unrated_finished_case(server)
    page.goto(server.url("/banjian/lookup/"))
    if elderly:
        page.locator("#elderly-toggle").click()
        expect(page.locator("#elderly-toggle")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="评价本次服务（好差评）").click()
    expect(page.get_by_role("heading", name="评价本次服务")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not horizontal_overflow(page), horizontal_overflow(page)
    page.get_by_role("button", name="提交评价").click()  # nothing chosen: the form says what is missing
    expect(page.locator(".rating-levels .field-error")).to_contain_text("请选择评价等级")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("办理时间长、超时办结").check()
    page.get_by_label("评价内容").fill("等候时间较长")
    screenshot(page, f"rating-form-{'elderly-phone' if elderly else 'desktop'}")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating-status")).to_contain_text("评价已提交：不满意")
    expect(page.get_by_text("完成整改")).to_be_visible()
    with database(server) as db:
        level, handling = db.execute(
            "SELECT level, handling FROM ratings_rating WHERE case_id = ? AND channel = 'web'", (case_id,)
        ).fetchone()
    assert (level, handling) == (2, "verifying")
