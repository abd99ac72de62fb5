"""A department editor edits their own matter in the admin and is refused another department's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import log_in, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

MATTERS_ADMIN = "/admin/snippets/matters/matter/"
OWN_MATTER = "食品生产许可"  # 市市场监管局's, the editor's own department
NOTE = "浏览器测试：材料齐全的当场受理"


def edit_links(page: Page):
    return page.locator("table tbody a[href*='/edit/']")


def first_editable_matter_url(page: Page, server: DemoServer) -> tuple[str, str]:
    """(name, edit URL) of the first matter this user may edit, read off the admin listing."""
    page.goto(server.url(MATTERS_ADMIN))
    link = edit_links(page).first
    return link.inner_text().strip(), link.get_attribute("href")


def test_editor_saves_a_draft_of_their_own_matter(page: Page, server: DemoServer):
    log_in(page, server, "scjg_editor")
    page.goto(server.url(MATTERS_ADMIN))
    row = page.locator("table tbody tr", has=page.get_by_role("link", name=OWN_MATTER, exact=True))
    row.get_by_role("link", name=OWN_MATTER, exact=True).click()
    page.wait_for_url(re.compile(r"/edit/\d+/$"))
    edit_url = page.url

    page.get_by_role("tab", name="时限与收费").click()
    note = page.get_by_label("承诺办结时限说明")
    note.fill(NOTE)
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".messages .success, .messages [class*=success]").first).to_be_visible()
    screenshot(page, "admin-matter-saved-desktop")
    page.goto(edit_url)
    page.get_by_role("tab", name="时限与收费").click()
    expect(page.get_by_label("承诺办结时限说明")).to_have_value(NOTE)

    # A draft: the public catalog still shows the published version.
    public = page.context.new_page()
    public.goto(server.url("/matters/?q=" + OWN_MATTER))
    public.locator("main").get_by_role("link", name=OWN_MATTER, exact=True).first.click()
    expect(public.locator("h1")).to_have_text(OWN_MATTER)
    expect(public.locator("main")).not_to_contain_text(NOTE)


def test_editor_is_refused_another_departments_matter(new_page, server: DemoServer):
    health_editor = new_page()
    log_in(health_editor, server, "wjw_editor")
    their_name, their_url = first_editable_matter_url(health_editor, server)
    assert their_url

    market_editor = new_page()
    log_in(market_editor, server, "scjg_editor")
    market_editor.goto(server.url(MATTERS_ADMIN))
    expect(market_editor.locator(f"table tbody a[href='{their_url}']")).to_have_count(0)

    response = market_editor.goto(server.url(their_url))
    refused_outright = response.status in {403, 404}
    redirected = not market_editor.url.endswith(their_url)
    assert refused_outright or redirected, f"{their_url} answered {response.status} at {market_editor.url}"
    if redirected:
        expect(market_editor.locator(".messages")).to_contain_text(re.compile("权限|无权|不能|没有"))
    expect(market_editor.get_by_role("button", name="保存草稿")).to_have_count(0)
    screenshot(market_editor, "admin-refused-desktop")

    # A hand-made POST with the editor's own session and CSRF token changes nothing either.
    token = next(c["value"] for c in market_editor.context.cookies() if c["name"] == "csrftoken")
    forged = market_editor.request.post(
        server.url(their_url),
        form={"csrfmiddlewaretoken": token, "name": "被其他部门改名的事项"},
        headers={"X-CSRFToken": token, "Referer": server.url(their_url)},
        max_redirects=0,
    )
    assert forged.status in {302, 403, 404}, forged.status
    health_editor.goto(server.url(their_url))
    expect(health_editor.locator("#id_name")).to_have_value(their_name)
