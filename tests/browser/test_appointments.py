"""A visitor books a slot at the city centre and cancels it with the code and phone, on a desktop
and in elderly mode on a phone (big targets, no sideways scrolling)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import horizontal_overflow, screenshot, toggle_elderly
from .server import DemoServer

pytestmark = pytest.mark.browser
PHONE = "13911112222"


def answer_challenge(page: Page) -> None:
    question = page.get_by_text(re.compile(r"验证问题：\d+ 加 \d+ 等于几")).inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", question).groups())
    page.get_by_label(re.compile("验证问题")).fill(str(a + b))


def book_and_cancel(page: Page, server: DemoServer, name: str, shot: str) -> None:
    page.get_by_role("link", name=re.compile("市政务服务中心")).first.click()
    expect(page.locator("#appt-chosen")).to_contain_text("市政务服务中心")
    page.locator(".appt-group .appt-choice").first.click()
    # Days with places are links; a full day is not.
    page.locator("#appt-days a.appt-choice").last.click()
    expect(page.locator("#appt-form")).to_be_visible()
    assert not horizontal_overflow(page), horizontal_overflow(page)
    page.locator(".appt-slots label").last.click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("手机号码").fill(PHONE)
    answer_challenge(page)
    screenshot(page, f"appointment-form-{shot}")
    page.locator("#appt-submit").click()
    page.wait_for_url(re.compile(r"/yuyue/done/$"))
    code = page.locator("#appt-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code), code
    expect(page.locator("#appt-receipt")).to_contain_text("预约码")
    assert PHONE not in page.content()

    page.get_by_role("link", name=re.compile("我的预约")).first.click()
    page.get_by_label("预约码或查询码").fill(code.lower())
    page.get_by_label("预约时填写的手机号码").fill(PHONE)
    page.locator("#appt-lookup").click()
    expect(page.locator("#appt-state")).to_have_text("已预约")
    page.locator("#appt-cancel").click()
    expect(page.locator("#appt-done")).to_contain_text("预约已取消")
    expect(page.locator("#appt-state")).to_have_text("已取消")
    screenshot(page, f"appointment-cancelled-{shot}")


def test_visitor_books_a_slot_and_cancels_it(page: Page, server: DemoServer):
    page.goto(server.url("/yuyue/"))
    expect(page.locator("h1")).to_have_text("预约服务")
    book_and_cancel(page, server, "李四", "desktop")


@pytest.mark.parametrize("viewport", ["phone"])
def test_visitor_books_and_cancels_in_elderly_mode_on_a_phone(page: Page, server: DemoServer):
    page.goto(server.url("/yuyue/"))
    toggle_elderly(page)
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)elderly(\s|$)"))
    target = page.locator("#appt-halls .appt-choice").first.bounding_box()
    assert target and target["height"] >= 48, target
    book_and_cancel(page, server, "王五", "elderly-phone")
