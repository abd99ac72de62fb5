"""A visitor asks a question from a service guide (also in elderly mode, on a phone), keeps the
receipt, follows it with the lookup code; the public Q&A shows answers with the name masked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import LICENCE_MATTER, horizontal_overflow, open_guide_of_current_matter, open_licence_matter, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

PHONE = "13900002222"
DEMO_PHONE = "13900005678"  # interaction.demo.DEMO_PHONE: the README's answered consultation
ELDERLY_CLASS = re.compile(r"(^|\s)elderly(\s|$)")


def answer_challenge(page: Page) -> None:
    """Work out the little sum the form asks, as a person would."""
    question = page.locator("#challenge-question").inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", question).groups())
    page.locator("#id_challenge_answer").fill(str(a + b))


@pytest.mark.parametrize(("viewport", "elderly"), [("desktop", False), ("phone", True)])
def test_a_visitor_asks_a_question_from_a_guide_page_and_follows_it(
    page: Page, server: DemoServer, viewport: str, elderly: bool
):
    open_licence_matter(page, server)
    open_guide_of_current_matter(page)
    if elderly:
        page.locator("#elderly-toggle").click()
        expect(page.locator("html")).to_have_class(ELDERLY_CLASS)
    page.locator("main #ask-consultation").click()
    page.wait_for_url(re.compile(r"/hudong/ask/consultation/\?guide=\d+$"))
    expect(page.locator("#ask-matter")).to_contain_text(LICENCE_MATTER)
    if elderly:
        expect(page.locator("html")).to_have_class(ELDERLY_CLASS)  # remembered on the next page
        assert not horizontal_overflow(page), f"the form on a phone in elderly mode: {horizontal_overflow(page)}"

    page.locator("#id_subject").fill("营业执照遗失后多久能补领")
    page.locator("#id_body").fill("我的营业执照不慎遗失，请问补领需要登报声明吗？多久可以拿到？")
    page.locator("#id_name").fill("钱多多")
    page.locator("#id_phone").fill(PHONE)
    page.locator("#id_consent").check()
    answer_challenge(page)
    screenshot(page, f"interaction-ask-{viewport}")
    page.locator("#ask-submit").click()

    page.wait_for_url(re.compile(r"/hudong/submitted/$"))
    number = page.locator("#interaction-number").inner_text().strip()
    code = page.locator("#lookup-code").inner_text().strip()
    assert re.fullmatch(r"ZX\d{4}-\d{6}", number), number
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code), code
    receipt = page.locator("main").inner_text()
    assert "市场监督管理局" in receipt and PHONE not in receipt
    if elderly:
        assert not horizontal_overflow(page)
    screenshot(page, f"interaction-receipt-{viewport}")

    page.get_by_role("link", name="查询办理进度").click()
    page.wait_for_url(re.compile(r"/hudong/lookup/$"))
    page.locator("#id_number").fill(number)
    page.locator("#id_code").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#interaction-state")).to_have_text("待受理")
    expect(page.locator("#interaction-status")).to_contain_text("营业执照遗失后多久能补领")
    assert PHONE not in page.locator("main").inner_text()


def test_the_public_qa_and_the_demo_answer(page: Page, server: DemoServer):
    page.goto(server.url("/hudong/"))
    items = page.locator("#qa-list .qa-item")
    expect(items.first).to_be_visible()
    text = page.locator("main").inner_text()
    assert "*" in text and not re.search(r"1[3-9]\d{9}", text)  # names masked, no phone numbers
    items.first.locator("a").click()
    expect(page.locator("#qa-reply")).not_to_be_empty()

    # The README's item: its number from its public page, then looked up with the phone number.
    page.goto(server.url("/hudong/?q=开办餐饮店"))
    href = page.locator("#qa-list .qa-item a").first.get_attribute("href")
    number = href.rstrip("/").rsplit("/", 1)[-1]
    page.goto(server.url("/hudong/lookup/"))
    page.locator("#id_number").fill(number)
    page.locator("#id_phone").fill(DEMO_PHONE)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#interaction-state")).to_have_text("已答复")
    expect(page.locator("#interaction-reply")).to_contain_text("一件事")
