"""The fixed public forms in a real browser (issue 18, item 4): Chinese prompts instead of
"---------", the publication year as a select, a pager with page numbers, dates on one line, and a
refused application that keeps the visitor's answers and the file already chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import screenshot
from .server import DemoServer
from .test_disclosure_request import PHONE, answer_challenge, fill_application

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_catalog_filters_offer_chinese_prompts_a_year_select_and_numbered_pages(page: Page, server: DemoServer):
    page.goto(server.url("/xxgk/catalog/"))
    year = page.get_by_label("发布年份")
    assert year.evaluate("e => e.tagName") == "SELECT"
    options = year.locator("option").all_inner_texts()
    assert options[0] == "全部年份" and all(re.fullmatch(r"\d{4}年", o) for o in options[1:])
    years = [int(o[:4]) for o in options[1:]]
    assert years == sorted(years, reverse=True) and years
    for select in page.locator("main select").all():
        assert "---------" not in select.inner_text()
    year.select_option(label=options[-1])
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"year=\d{4}"))
    expect(page.get_by_label("发布年份")).to_have_value(str(years[-1]))

    page.goto(server.url("/matters/?level=city"))
    pager = page.get_by_role("navigation", name="翻页")
    expect(pager.locator('[aria-current="page"]')).to_contain_text("1")
    pager.get_by_role("link", name="第2页").click()
    page.wait_for_url(re.compile(r"level=city.*page=2|page=2.*level=city"))
    expect(page.get_by_role("navigation", name="翻页").locator('[aria-current="page"]')).to_contain_text("2")
    screenshot(page, "public-forms-pager-desktop")


@pytest.mark.parametrize("viewport", ["narrow"])
def test_dates_stay_on_one_line_on_a_small_screen(page: Page, server: DemoServer):
    page.goto(server.url("/xxgk/catalog/"))
    dates = page.locator("main time.date")
    assert dates.count() > 0
    for index in range(min(dates.count(), 6)):
        date = dates.nth(index)
        assert date.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date.inner_text())
        rects = date.evaluate("e => e.getClientRects().length")
        assert rects == 1  # one box: the date did not break over two lines
    screenshot(page, "public-forms-dates-narrow")


def test_a_refused_application_keeps_answers_and_the_chosen_file(page: Page, server: DemoServer, tmp_path):
    upload = tmp_path / "申请说明.pdf"
    upload.write_bytes(PDF)
    page.goto(server.url("/xxgk/apply/"))
    assert "---------" not in page.locator("main form").inner_text()
    fill_application(page)
    page.get_by_label("联系电话").fill("12345")  # a mistake the form refuses
    page.get_by_label("附件").set_input_files(str(upload))
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text("已上传：申请说明.pdf（可重新选择替换）")).to_be_visible()
    expect(page.get_by_label("姓名或名称")).to_have_value("李四")
    expect(page.get_by_label("所需信息的内容描述")).to_have_value("示范市2025年食品经营许可的发放数量")
    expect(page.get_by_label("提供方式")).to_have_value("electronic")
    expect(page.get_by_label(re.compile("本人承诺"))).to_be_checked()
    screenshot(page, "public-forms-kept-file-desktop")

    page.get_by_label("联系电话").fill(PHONE)
    answer_challenge(page)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/apply/submitted/$"))
    expect(page.locator(".tracking-code")).to_be_visible()


def test_the_one_window_of_a_bundle_and_a_matters_halls(page: Page, server: DemoServer):
    page.goto(server.url("/matters/?q=食品经营许可"))
    page.locator("main").get_by_role("link", name="食品经营许可", exact=True).first.click()
    places = page.locator("section", has=page.get_by_role("heading", name="办理地点和时间"))
    expect(places).to_contain_text("A05 市场监管窗口（食品经营）")
    expect(places).to_contain_text("示范市人民大道88号市民中心B座")

    page.goto(server.url("/search/?q=开办餐饮店"))
    page.locator("main").get_by_role("link", name=re.compile("开办餐饮店")).first.click()
    one = page.locator("#one-window")
    expect(one).to_contain_text("东湖区政务服务中心")
    expect(one).to_contain_text("05 “高效办成一件事”综合窗口")
    expect(one).to_contain_text("示范市东湖区湖光路16号")
    screenshot(page, "public-forms-bundle-window-desktop")
