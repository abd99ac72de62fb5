"""The annual report as a reader sees it: the official tables fit the page at 1366 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .helpers import screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser
REPORT = "/xxgk/ndbg/ndbg-2025/"


def test_the_tables_fit_the_column_at_1366px_and_all_six_sections_show(browser: Browser, server: DemoServer):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server.url(REPORT))
        for n, heading in enumerate(
            [
                "一、总体情况",
                "二、主动公开",
                "三、收到和处理",
                "四、政府信息公开行政复议",
                "五、存在的主要问题",
                "六、其他需要报告",
            ],
            start=1,
        ):
            expect(page.locator(f"#report-{n} h2")).to_contain_text(heading)
        for table in ("table-documents", "table-requests", "table-reviews"):
            wrap = page.locator(f"#{table}").locator("xpath=..")
            overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
            assert overflow <= 0, f"{table} needs {overflow}px of sideways scrolling"
        total = page.locator("#table-requests thead th", has_text="总计")
        box = total.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366
        expect(page.locator("#table-requests tbody th", has_text="三、本年度办理结果")).to_have_attribute(
            "rowspan", "22"
        )
        screenshot(page, "annual-report-1366")
    finally:
        context.close()
