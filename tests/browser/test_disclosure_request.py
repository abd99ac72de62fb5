"""A citizen applies for government information and follows the request with the tracking code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

ID_NUMBER = "110101199003071233"  # passes the GB 11643 check digit
PHONE = "13900001111"
AGENCY = "示范市市场监督管理局"


def answer_challenge(page: Page) -> None:
    """Work out the little sum the form asks, as a person would."""
    question = page.get_by_text(re.compile(r"验证问题：\d+ 加 \d+ 等于几")).inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", question).groups())
    page.get_by_label(re.compile("验证问题")).fill(str(a + b))


def fill_application(page: Page) -> None:
    page.get_by_label("申请机关").select_option(label=AGENCY)
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("姓名或名称").fill("李四")
    page.get_by_label("证件类型").select_option(label="居民身份证")
    page.get_by_label("证件号码").fill(ID_NUMBER)
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("通信地址").fill("示范市西山区青年路1号")
    page.get_by_label("所需信息的内容描述").fill("示范市2025年食品经营许可的发放数量")
    page.get_by_label("提供方式").select_option(label="电子数据")
    page.get_by_label("获取方式").select_option(label="电子邮件")
    page.get_by_label("电子邮箱").fill("lisi@example.cn")
    answer_challenge(page)
    page.get_by_label(re.compile("本人承诺")).check()


def test_applicant_files_a_request_and_checks_its_status(page: Page, server: DemoServer):
    page.goto(server.url("/xxgk/apply/"))
    expect(page.locator("h1")).to_contain_text("申请")
    fill_application(page)
    screenshot(page, "disclosure-apply-filled-desktop")
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url(re.compile(r"/apply/submitted/$"))
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6,12}", code), code
    receipt = page.locator("main").inner_text()
    assert AGENCY in receipt
    assert ID_NUMBER not in receipt and PHONE not in receipt  # personal data is not echoed back
    screenshot(page, "disclosure-receipt-desktop")

    page.get_by_role("link", name=re.compile("查询办理进度")).click()
    page.wait_for_url(re.compile(r"/xxgk/status/$"))
    page.get_by_label("查询码").fill(code.lower())  # codes are read back case-insensitively
    page.get_by_label(re.compile("联系电话")).fill("139-0000-1111")
    page.get_by_role("button", name="查询").click()
    status = page.locator("#request-status")
    expect(status).to_contain_text(code)
    expect(status).to_contain_text("待登记")
    screenshot(page, "disclosure-status-desktop")


def test_status_lookup_with_the_wrong_phone_reveals_nothing(page: Page, server: DemoServer):
    page.goto(server.url("/xxgk/apply/"))
    fill_application(page)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/apply/submitted/$"))
    code = page.locator(".tracking-code").inner_text().strip()

    page.goto(server.url("/xxgk/status/"))
    page.get_by_label("查询码").fill(code)
    page.get_by_label(re.compile("联系电话")).fill("13900002222")
    page.get_by_role("button", name="查询").click()
    status = page.locator("#request-status")
    expect(status).to_contain_text("没有找到")
    expect(status).not_to_contain_text("待登记")


def test_a_wrong_answer_keeps_what_was_typed_and_says_why(page: Page, server: DemoServer):
    page.goto(server.url("/xxgk/apply/"))
    fill_application(page)
    page.get_by_label(re.compile("验证问题")).fill("99")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("验证问题回答不正确")).to_be_visible()
    expect(page.get_by_label("姓名或名称")).to_have_value("李四")
    assert "/submitted/" not in page.url
