"""The import preview shows each changed cell's current and incoming value (issue 18), not only
the names of the changed columns: the old one struck through, the new one highlighted, long texts
shortened with the whole value a click away."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from .test_import_export import confirm, exported_row, upload, workbook

pytestmark = pytest.mark.django_db


def _cells(html: str, code: str) -> dict[str, tuple[str, str]]:
    """{column: (struck text, inserted text)} of the preview row of ``code``."""
    soup = BeautifulSoup(html, "html.parser")
    row = next(tr for tr in soup.select("table.listing tbody tr") if tr.find_all("td")[1].get_text(strip=True) == code)
    result = {}
    for cell in row.select(".import-diff__cell"):
        dels = cell.select("del.import-diff__del")
        inss = cell.select("ins.import-diff__ins")
        result[cell.dt.get_text(strip=True)] = (
            dels[-1].get_text(strip=True) if dels else cell.select_one(".import-diff__empty") and "（空）",
            inss[-1].get_text(strip=True) if inss else "",
        )
    return result


def test_changed_cells_show_old_and_new_values(client, world):
    own = world.matters["own"]
    row = exported_row(own)
    old_name, old_conditions = row["事项名称"], row["受理条件"]
    row["事项名称"] = "甲局在用事项（改名）"
    row["承诺办结时限"] = 3
    row["受理条件"] = "申请人须年满十八周岁。" + "并提交经公证的授权委托书及受托人身份证明材料。" * 4
    client.force_login(world.users["owner"])
    response = upload(client, workbook([row]))
    assert response.status_code == 200
    plan_row = response.context["plan"].rows[0]
    assert plan_row.action == "changed"
    assert set(plan_row.changed) == {"事项名称", "承诺办结时限", "受理条件"}

    cells = _cells(response.content.decode(), own.implementation_code)
    assert cells["事项名称"] == (old_name, "甲局在用事项（改名）")
    assert cells["承诺办结时限"][1] == "3"
    assert cells["承诺办结时限"][0] != "3"
    # The long text: shortened in the summary, the whole value in the disclosure below it.
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    long_new = soup.select("details.import-diff__long ins.import-diff__full")
    assert [n.get_text(strip=True) for n in long_new] == [row["受理条件"]]
    summary = soup.select_one("details.import-diff__long summary ins").get_text(strip=True)
    assert len(summary) <= 60 < len(row["受理条件"]) and summary.startswith("申请人须年满十八周岁。")
    assert cells["受理条件"][0].startswith(old_conditions[:20])
    # Columns that did not change are not listed.
    assert "办件类型" not in cells


def test_a_status_change_is_shown_by_its_labels(client, world):
    own = world.matters["own"]
    row = exported_row(own)
    row["事项状态"] = "暂停"
    client.force_login(world.users["sysadmin"])
    response = upload(client, workbook([row]))
    assert _cells(response.content.decode(), own.implementation_code) == {"事项状态": ("在用", "暂停")}


def test_unchanged_rows_show_no_diff_and_confirming_writes_the_new_values(client, world):
    own, draft = world.matters["own"], world.matters["own_draft"]
    row = exported_row(own)
    row["事项名称"] = "甲局在用事项（新名称）"
    client.force_login(world.users["reviewer"])
    response = upload(client, workbook([row, exported_row(draft)]))
    html = response.content.decode()
    assert _cells(html, draft.implementation_code) == {}
    assert len(re.findall(r'<del class="import-diff__del">', html)) == 1
    assert confirm(client, response).status_code == 302
    own.refresh_from_db()
    assert own.name == "甲局在用事项（新名称）"  # the reviewer publishes directly
