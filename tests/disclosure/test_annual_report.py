"""The annual report: every cell of a hand-built year, frozen when published, XLSX like the template."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.index_numbers import assign_index_number
from disclosure.models import AnnualReportPage, DisclosureDocumentPage, DisclosureIndexPage, Validity
from disclosure.report import COLUMNS, identity_holds, request_rows, request_table

from .conftest import make_document
from .requests_helpers import make_request

pytestmark = pytest.mark.django_db
D = datetime.date


def request_on(department, applicant_type, submitted, replied=None, reply_type="", subreason=""):
    request = make_request(department, submitted, applicant_type=applicant_type)
    moment = datetime.datetime.combine(submitted, datetime.time(10), tzinfo=timezone.get_current_timezone())
    type(request).objects.filter(pk=request.pk).update(
        submitted_at=moment,
        reply_date=replied,
        reply_type=reply_type,
        reply_subreason=subreason,
        status="closed" if replied else "registered",
    )
    return request


def document_on(department, category, published, **fields):
    written = published - datetime.timedelta(days=3)
    page = make_document(
        department, f"{category}-{published}", category=category, written=written, publish=False, **fields
    )
    assign_index_number(page, on=published)
    page.get_latest_revision().publish()
    return DisclosureDocumentPage.objects.get(pk=page.pk)


@pytest.fixture
def year_2025(world):
    a, b = world.dept_a, world.dept_b
    request_on(a, "person", D(2024, 12, 20), D(2025, 1, 10), "disclosed")  # carried in
    request_on(a, "commercial", D(2025, 3, 3), D(2025, 3, 20), "refused", "third_party")
    request_on(a, "research", D(2025, 5, 5), D(2025, 5, 20), "unable", "not_held")
    request_on(a, "person", D(2025, 12, 22))  # carried out, open
    request_on(a, "legal_service", D(2025, 6, 2), D(2026, 1, 5), "disclosed")  # carried out, answered in 2026
    request_on(a, "person", D(2024, 11, 1), D(2024, 11, 20), "disclosed")  # all in 2024
    request_on(a, "other_org", D(2025, 7, 7), D(2025, 7, 20), "other", "no_amendment")
    request_on(b, "person", D(2025, 2, 2), D(2025, 2, 20), "partial")  # another department
    document_on(a, "normative_document", D(2025, 3, 5))
    old = document_on(a, "normative_document", D(2024, 6, 1))
    document_on(a, "normative_document", D(2026, 1, 10))
    document_on(a, "regulation", D(2025, 4, 1))
    document_on(a, "normative_document", D(2024, 2, 1))
    draft = old.get_latest_revision_as_object()
    draft.validity, draft.validity_date = Validity.REPEALED, D(2025, 8, 1)
    draft.save_revision().publish()


def expected(cells: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Every row of section 三 with zeros, then the given cells and their row totals."""
    table = {row.key: dict.fromkeys(COLUMNS, 0) for row in request_rows() if row.key != "outcomes"}
    for key, values in cells.items():
        table[key].update(values)
        table[key]["total"] = sum(v for c, v in table[key].items() if c != "total")
    return table


def test_every_cell_of_section_three_for_a_department(world, year_2025):
    assert request_table(2025, world.dept_a) == expected(
        {
            "new": {"person": 1, "commercial": 1, "research": 1, "legal_service": 1, "other_org": 1},
            "carried_in": {"person": 1},
            "disclosed": {"person": 1},
            "refused": {"commercial": 1},
            "refused:third_party": {"commercial": 1},
            "unable": {"research": 1},
            "unable:not_held": {"research": 1},
            "other": {"other_org": 1},
            "other:no_amendment": {"other_org": 1},
            "replied_total": {"person": 1, "commercial": 1, "research": 1, "other_org": 1},
            "carried_out": {"person": 1, "legal_service": 1},
        }
    )


def test_whole_government_adds_every_department_and_the_identity_holds(world, year_2025):
    table = request_table(2025)
    assert table["new"]["person"] == 2 and table["partial"]["person"] == 1 and table["replied_total"]["total"] == 5
    assert identity_holds(table) and identity_holds(request_table(2025, world.dept_a))
    assert identity_holds(request_table(2024)) and identity_holds(request_table(2026))


def test_section_two_documents(world, year_2025):
    from disclosure.report import document_table

    assert document_table(2025, world.dept_a) == {
        "regulation": {"made": 1, "repealed": 0, "in_force": 1},
        "normative_document": {"made": 1, "repealed": 1, "in_force": 2},
    }


@pytest.fixture
def report(world, year_2025):
    page = AnnualReportPage(
        title="示范市甲局2025年政府信息公开工作年度报告",
        slug="report-2025",
        year=2025,
        scope=world.dept_a,
        overview="<p>总体情况</p>",
        problems="<p>问题与改进</p>",
        rec_upheld=2,
        rec_pending=1,
        lit_direct_corrected=1,
    )
    DisclosureIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return AnnualReportPage.objects.get(pk=page.pk)


def cells(html: str, table_id: str, row: str) -> list[str]:
    import re

    start = html.index(f'id="{table_id}"')
    segment = html[html.index(f'data-row="{row}"', start) :]
    segment = segment[: segment.index("</tr>")]
    return re.findall(r"<td>(\d+)</td>", segment)


def test_report_page_shows_the_tables_and_a_published_report_is_frozen(client, world, report):
    html = client.get(report.url).content.decode()
    assert cells(html, "table-requests", "new") == ["1", "1", "1", "0", "1", "1", "5"]
    assert cells(html, "table-requests", "carried_out") == ["1", "0", "0", "0", "1", "0", "2"]
    assert "<td>2</td><td>0</td><td>0</td><td>1</td><td>3</td><td>0</td><td>1</td>" in html  # section 四

    request_on(world.dept_a, "commercial", D(2025, 9, 9), D(2025, 9, 30), "disclosed")  # data changes later
    html = client.get(report.url).content.decode()
    assert cells(html, "table-requests", "new")[-1] == "5"  # the published report keeps its numbers

    client.force_login(world.users["sysadmin"])
    client.post(reverse("report_regenerate", args=[report.pk]))
    report.refresh_from_db()
    draft = report.get_latest_revision_as_object()
    assert draft.tables["requests"]["new"]["total"] == 6 and report.tables["requests"]["new"]["total"] == 5
    report.get_latest_revision().publish()
    html = client.get(report.url).content.decode()
    assert cells(html, "table-requests", "new")[-1] == "6"


def test_regenerating_needs_edit_rights(client, world, report):
    client.force_login(world.users["owner_b"])
    assert client.post(reverse("report_regenerate", args=[report.pk])).status_code == 404
    client.force_login(world.users["sysadmin"])
    assert client.get(reverse("report_regenerate", args=[report.pk])).status_code == 200


def test_xlsx_is_laid_out_like_the_official_tables(client, world, report):
    response = client.get(report.url + "xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    documents = wb["二、主动公开"]
    assert [documents.cell(4, c).value for c in range(1, 5)] == ["行政规范性文件", 1, 1, 2]
    requests = wb["三、依申请公开"]
    assert requests["D1"].value == "申请人情况" and requests["D2"].value == "自然人" and requests["J2"].value == "总计"
    by_label = {requests.cell(r, c).value: r for r in range(4, requests.max_row + 1) for c in (1, 2, 3)}
    new_row = by_label["一、本年新收政府信息公开申请数量"]
    assert [requests.cell(new_row, c).value for c in range(4, 11)] == [1, 1, 1, 0, 1, 1, 5]
    third_party = by_label["4.保护第三方合法权益"]
    assert requests.cell(third_party, 5).value == 1 and requests.cell(third_party, 10).value == 1
    reviews = wb["四、复议诉讼"]
    assert [reviews.cell(4, c).value for c in range(1, 11)] == [2, 0, 0, 1, 3, 0, 1, 0, 0, 1]
