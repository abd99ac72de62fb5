"""The annual report: every cell of a year built through the staff's steps, the 2021 template's
layout and wording (国办公开办函〔2021〕30号), frozen when published, edited by the disclosure office."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from disclosure import request_flow as flow
from disclosure.index_numbers import assign_index_number
from disclosure.models import (
    AnnualReportIndexPage,
    AnnualReportPage,
    DisclosureDocumentPage,
    DisclosureRequest,
    Validity,
)
from disclosure.report import COLUMNS, fee_summary, identity_holds, request_rows, request_table
from permissions.grants import ensure_role_pages

from .factories import DisclosureDocumentPageFactory, DisclosureRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOTE = "据纸质办理记录补录"
ONE_FREE = {"free": 1, "rate": 100, "first_band_end": 30, "band": 10, "step": 100}


def document_on(department, category, published, **fields):
    written = published - datetime.timedelta(days=3)
    page = DisclosureDocumentPageFactory(
        department=department,
        title=f"{category}-{published}",
        category=category,
        written_date=written,
        draft=True,
        **fields,
    )
    assign_index_number(page, on=published)
    page.get_latest_revision().publish()
    return DisclosureDocumentPage.objects.get(pk=page.pk)


def answered(request, user, day, reply_type="disclosed", subreason=""):
    return flow.reply(request, user, reply_type, subreason, "答复书", day, NOTE)


@pytest.fixture
@override_settings(DISCLOSURE_FEE_PER_REQUEST=ONE_FREE)
def year_2025(world):
    """Department A's requests around 2025, every one through the steps staff take."""
    a, b, owner = world.dept_a, world.dept_b, world.users["owner"]
    made = {}

    def new(key, received, applicant_type, **fields):
        made[key] = DisclosureRequestFactory(
            department=a if "dept" not in fields else fields.pop("dept"),
            received=received,
            applicant_type=applicant_type,
            **fields,
        )
        return made[key]

    # Signed for by post on Monday 30 December 2024, typed in on 3 January 2025: it is 2024's.
    p1 = new("P1", D(2024, 12, 30), "person", channel="post")
    DisclosureRequest.objects.filter(pk=p1.pk).update(
        submitted_at=datetime.datetime(2025, 1, 3, 9, tzinfo=datetime.UTC)
    )
    answered(p1, owner, D(2025, 1, 10))
    answered(new("P3", D(2024, 11, 1), "person"), owner, D(2024, 11, 20))  # all in 2024
    new("P5", D(2024, 12, 15), "person")  # open from 2024 through 2025
    c1 = new("C1", D(2025, 3, 3), "commercial")
    answered(c1, owner, D(2025, 3, 20), "refused", "third_party")
    answered(new("R1", D(2025, 5, 5), "research"), owner, D(2025, 5, 20), "unable", "not_held")
    r2 = new("R2", D(2025, 1, 6), "research")  # amended: counted by its first receipt
    flow.ask_amendment(r2, owner, "请写明时间范围", D(2025, 1, 20), today=D(2025, 1, 7))
    flow.receive_amendment(r2, owner, D(2025, 1, 10))
    answered(r2, owner, D(2025, 2, 10))
    new("P2", D(2025, 12, 22), "person")  # open at the end of 2025
    answered(new("L1", D(2025, 6, 2), "legal_service"), owner, D(2026, 1, 5))  # answered in 2026
    o1 = new("O1", D(2025, 7, 7), "other_org")
    flow.ask_amendment(o1, owner, "请补正", D(2025, 7, 18), today=D(2025, 7, 8))
    answered(o1, owner, D(2025, 7, 21), "other", "no_amendment")
    pi = new("PI", D(2025, 8, 4), "public_interest")
    flow.withdraw(pi, owner, D(2025, 8, 10), "申请人书面撤回")
    answered(new("PI2", D(2025, 4, 1), "public_interest"), owner, D(2025, 4, 10), "not_processed", "repeated")
    p4 = new("P4", D(2025, 9, 1), "person")
    duplicate = new("P4dup", D(2025, 9, 2), "person", channel="online")
    flow.merge(duplicate, owner, p4, "同一申请人内容相同", D(2025, 9, 3))
    answered(p4, owner, D(2025, 9, 20))
    # One applicant's three requests in October (one free in this test's setting): fees.
    answered(new("C2a", D(2025, 10, 6), "commercial"), owner, D(2025, 10, 20))
    c2b = new("C2b", D(2025, 10, 8), "commercial")
    flow.register(c2b, owner)
    flow.charge_fee(c2b, owner, "per_request", day=D(2025, 10, 9))
    flow.settle_fee(c2b, owner, "paid", D(2025, 10, 15), 100, "FS-1")
    answered(c2b, owner, D(2025, 10, 30), "partial")
    c2c = new("C2c", D(2025, 10, 10), "commercial")
    flow.register(c2c, owner)
    flow.charge_fee(c2c, owner, "per_request", day=D(2025, 10, 13))
    answered(c2c, owner, D(2025, 11, 12), "other", "fee_unpaid")
    # Another department.
    answered(new("B1", D(2025, 2, 3), "person", dept=b), world.users["owner_b"], D(2025, 2, 20), "partial")

    document_on(a, "normative_document", D(2025, 3, 5))
    old = document_on(a, "normative_document", D(2024, 6, 1))
    document_on(a, "normative_document", D(2026, 1, 10))
    document_on(a, "regulation", D(2025, 4, 1))
    document_on(a, "normative_document", D(2024, 2, 1))
    draft = old.get_latest_revision_as_object()
    draft.validity, draft.validity_date = Validity.REPEALED, D(2025, 8, 1)
    draft.save_revision().publish()
    return made


def expected(cells: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Every row of section 三 with zeros, then the given cells and their row totals."""
    table = {row.key: dict.fromkeys(COLUMNS, 0) for row in request_rows()}
    for reply_type in ("disclosed", "partial", "refused", "unable", "not_processed", "other"):
        table.setdefault(reply_type, dict.fromkeys(COLUMNS, 0))
    for key, values in cells.items():
        table[key].update(values)
        table[key]["total"] = sum(v for c, v in table[key].items() if c != "total")
    return table


def test_every_cell_of_section_three_counted_by_hand(world, year_2025):
    """一 by receipt date; withdrawal in （六）3; the merged duplicate not at all; 一+二 = 三（七）+四."""
    table = request_table(2025, world.dept_a)
    assert table == expected(
        {
            "new": {
                "person": 2,
                "commercial": 4,
                "research": 2,
                "public_interest": 2,
                "legal_service": 1,
                "other_org": 1,
            },
            "carried_in": {"person": 2},
            "disclosed": {"person": 2, "commercial": 1, "research": 1},
            "partial": {"commercial": 1},
            "refused": {"commercial": 1},
            "refused:third_party": {"commercial": 1},
            "unable": {"research": 1},
            "unable:not_held": {"research": 1},
            "not_processed": {"public_interest": 1},
            "not_processed:repeated": {"public_interest": 1},
            "other": {"commercial": 1, "public_interest": 1, "other_org": 1},
            "other:no_amendment": {"other_org": 1},
            "other:fee_unpaid": {"commercial": 1},
            "other:other": {"public_interest": 1},
            "replied_total": {"person": 2, "commercial": 4, "research": 2, "public_interest": 2, "other_org": 1},
            "carried_out": {"person": 2, "legal_service": 1},
        }
    )
    assert identity_holds(table)


def test_the_year_of_a_request_is_the_year_it_was_received_not_entered(world, year_2025):
    table_2024 = request_table(2024, world.dept_a)
    assert table_2024["new"]["person"] == 3  # P1 (signed 2024-12-30, typed in 2025), P3, P5
    assert table_2024["replied_total"]["person"] == 1 and table_2024["carried_out"]["person"] == 2
    assert identity_holds(table_2024) and identity_holds(request_table(2026, world.dept_a))


def test_whole_government_adds_every_department(world, year_2025):
    table = request_table(2025)
    assert table["partial"]["person"] == 1 and table["replied_total"]["total"] == 12 and identity_holds(table)


def test_fees_of_the_year(world, year_2025):
    assert fee_summary(2025, world.dept_a) == {"notices": 2, "paid": 1, "amount": "100.00"}


def test_section_two_documents(world, year_2025):
    from disclosure.report import document_table

    assert document_table(2025, world.dept_a) == {
        "regulation": {"made": 1, "repealed": 0, "in_force": 1},
        "normative_document": {"made": 1, "repealed": 1, "in_force": 2},
    }


# ---- the page, the workbook, the template ---------------------------------------------------------


@pytest.fixture
def report(world, year_2025):
    ensure_role_pages()
    page = AnnualReportPage(
        title="示范市甲局2025年政府信息公开工作年度报告",
        slug="report-2025",
        year=2025,
        scope=world.dept_a,
        overview="<p>总体情况</p>",
        problems="<p>问题与改进</p>",
        punishment_decisions=7,
        enforcement_decisions=3,
        rec_upheld=2,
        rec_pending=1,
        lit_direct_corrected=1,
    )
    AnnualReportIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return AnnualReportPage.objects.get(pk=page.pk)


def cells(html: str, table_id: str, row: str) -> list[str]:
    start = html.index(f'id="{table_id}"')
    segment = html[html.index(f'data-row="{row}"', start) :]
    segment = segment[: segment.index("</tr>")]
    return re.findall(r"<td>(\d+)</td>", segment)


# The 2021 template's labels of table 三, row by row (国办公开办函〔2021〕30号), as the office reads them.
TEMPLATE_ROWS_3 = [
    ["一、本年新收政府信息公开申请数量"],
    ["二、上年结转政府信息公开申请数量"],
    ["三、本年度办理结果", "（一）予以公开"],
    ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    ["（三）不予公开", "1.属于国家秘密"],
    ["2.其他法律行政法规禁止公开"],
    ["3.危及“三安全一稳定”"],
    ["4.保护第三方合法权益"],
    ["5.属于三类内部事务信息"],
    ["6.属于四类过程性信息"],
    ["7.属于行政执法案卷"],
    ["8.属于行政查询事项"],
    ["（四）无法提供", "1.本机关不掌握相关政府信息"],
    ["2.没有现成信息需要另行制作"],
    ["3.补正后申请内容仍不明确"],
    ["（五）不予处理", "1.信访举报投诉类申请"],
    ["2.重复申请"],
    ["3.要求提供公开出版物"],
    ["4.无正当理由大量反复申请"],
    ["5.要求行政机关确认或重新出具已获取信息"],
    ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    ["3.其他"],
    ["（七）总计"],
    ["四、结转下年度继续办理"],
]
TEMPLATE_HEAD_3 = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
TEMPLATE_COLUMNS_3 = [
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
TEMPLATE_SHEET_2 = [
    "第二十条第（一）项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "规章",
    "行政规范性文件",
    "第二十条第（五）项",
    "信息内容",
    "本年处理决定数量",
    "行政许可",
    "第二十条第（六）项",
    "信息内容",
    "本年处理决定数量",
    "行政处罚",
    "行政强制",
    "第二十条第（八）项",
    "信息内容",
    "本年收费金额（单位：万元）",
    "行政事业性收费",
]


def test_report_page_follows_the_template_and_a_published_report_is_frozen(client, world, report):
    html = client.get(report.url).content.decode()
    assert cells(html, "table-requests", "new") == ["2", "4", "2", "2", "1", "1", "12"]
    assert cells(html, "table-requests", "carried_out") == ["2", "0", "0", "0", "1", "0", "3"]
    # Labels as the template reads them, the lead cell spanning the 22 outcome rows, no subtotal rows.
    labels = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', html[html.index('id="table-requests"') :])
    assert [label for row in TEMPLATE_ROWS_3 for label in row] == labels
    assert '<th scope="row" rowspan="22">三、本年度办理结果</th>' in html
    assert '<th scope="row" rowspan="8">（三）不予公开</th>' in html
    for subtotal in ("refused", "unable", "not_processed", "other"):
        assert f'data-row="{subtotal}"' not in html
    # Section 二: the 信息内容 heads and one row each for 行政处罚 and 行政强制.
    documents = html[html.index('id="table-documents"') : html.index("</table>", html.index('id="table-documents"'))]
    assert documents.count(">信息内容<") == 4
    assert '<th scope="row">行政处罚</th><td colspan="3">7</td>' in documents
    assert '<th scope="row">行政强制</th><td colspan="3">3</td>' in documents
    assert "<td>2</td><td>0</td><td>0</td><td>1</td><td>3</td><td>0</td><td>1</td>" in html  # section 四
    # All six sections, section 六 with the fee figures even though nothing else was entered.
    for n in range(1, 7):
        assert f'id="report-{n}"' in html
    assert "本年度发出信息处理费收费通知2件，收取信息处理费100.00元（1件）" in html

    # The data changes later:
    DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 9), applicant_type="commercial")
    html = client.get(report.url).content.decode()
    assert cells(html, "table-requests", "new")[-1] == "12"  # the published report keeps its numbers
    client.force_login(world.users["sysadmin"])
    client.post(reverse("report_regenerate", args=[report.pk]))
    report.refresh_from_db()
    draft = report.get_latest_revision_as_object()
    assert draft.tables["requests"]["new"]["total"] == 13 and report.tables["requests"]["new"]["total"] == 12
    report.get_latest_revision().publish()
    assert cells(client.get(report.url).content.decode(), "table-requests", "new")[-1] == "13"


def test_the_disclosure_office_edits_and_publishes_the_government_report(client, world, report):
    office = world.users["disclosure"]
    rights = report.permissions_for_user(office)
    assert rights.can_edit() and rights.can_publish()
    column = AnnualReportIndexPage.objects.get()
    assert column.permissions_for_user(office).can_add_subpage()
    client.force_login(office)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).status_code == 200
    assert client.post(reverse("report_regenerate", args=[report.pk])).status_code == 302
    # ... but not a department's documents, and a department cannot touch the government's report.
    document = DisclosureDocumentPageFactory(department=world.dept_a, title="甲局文件")
    assert not document.permissions_for_user(office).can_edit()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[document.pk])).status_code in (302, 403)
    assert not report.permissions_for_user(world.users["owner_b"]).can_edit()


def test_reports_made_before_the_column_existed_are_moved_into_it(world):
    from disclosure.models import DisclosureIndexPage

    index = DisclosureIndexPage.objects.get()
    legacy = AnnualReportPage(title="旧报告", slug="old-2024", year=2024, overview="<p>x</p>", problems="<p>y</p>")
    index.add_child(instance=legacy)
    ensure_role_pages()
    legacy.refresh_from_db()
    assert legacy.get_parent().specific_class is AnnualReportIndexPage


def test_regenerating_needs_edit_rights(client, world, report):
    client.force_login(world.users["owner_b"])
    assert client.post(reverse("report_regenerate", args=[report.pk])).status_code == 404
    client.force_login(world.users["sysadmin"])
    assert client.get(reverse("report_regenerate", args=[report.pk])).status_code == 200


def test_xlsx_labels_are_the_templates(client, world, report):
    response = client.get(report.url + "xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    documents = wb["二、主动公开"]
    texts = [c.value for row in documents.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts == TEMPLATE_SHEET_2
    assert [documents.cell(4, c).value for c in range(1, 5)] == ["行政规范性文件", 1, 1, 2]
    requests = wb["三、依申请公开"]
    assert [requests["A1"].value, requests["D1"].value] == TEMPLATE_HEAD_3
    head = [c.value for row in requests.iter_rows(min_row=2, max_row=3) for c in row if c.value]
    assert head == TEMPLATE_COLUMNS_3
    body = [[c.value for c in row[:3] if c.value] for row in requests.iter_rows(min_row=4)]
    assert body == TEMPLATE_ROWS_3
    merged = {str(r) for r in requests.merged_cells.ranges}
    assert "A6:A27" in merged and "B8:B15" in merged and "A4:C4" in merged and "B27:C27" in merged
    by_label = {requests.cell(r, c).value: r for r in range(4, requests.max_row + 1) for c in (1, 2, 3)}
    new_row = by_label["一、本年新收政府信息公开申请数量"]
    assert [requests.cell(new_row, c).value for c in range(4, 11)] == [2, 4, 2, 2, 1, 1, 12]
    withdrawn = by_label["3.其他"]
    assert requests.cell(withdrawn, 7).value == 1 and requests.cell(withdrawn, 10).value == 1
    reviews = wb["四、复议诉讼"]
    assert [reviews.cell(4, c).value for c in range(1, 11)] == [2, 0, 0, 1, 3, 0, 1, 0, 0, 1]
