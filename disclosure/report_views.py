"""Serving the annual report: the HTML page (printable), the XLSX laid out like the official
tables, and the admin action that regenerates a draft's numbers."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from wagtail.models import Page

from .report import COLUMN_LABELS, COLUMNS, identity_holds, request_rows

DOCUMENT_ROWS = [("regulation", "规章"), ("normative_document", "行政规范性文件")]


def report_context(page) -> dict:
    tables = page.tables or {}
    requests = tables.get("requests", {})
    return {
        "document_rows": [(label, tables.get("documents", {}).get(key, {})) for key, label in DOCUMENT_ROWS],
        "request_rows": [(row, [requests.get(row.key, {}).get(c) for c in COLUMNS]) for row in request_rows()],
        "column_labels": [COLUMN_LABELS[c] for c in COLUMNS],
        "review_table": page.review_table(),
        "identity_ok": identity_holds(requests) if requests else None,
        "generated_at": tables.get("generated_at", ""),
    }


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cell(ws, row: int, col: int, value, *, bold: bool = False, indent: int = 0):
    cell = ws.cell(row=row, column=col, value=value)
    cell.border = BOX
    cell.alignment = (
        Alignment(horizontal="left", indent=indent, wrap_text=True) if indent or isinstance(value, str) else CENTER
    )
    if bold:
        cell.font = Font(bold=True)
    return cell


def build_workbook(page) -> Workbook:
    """Sheets 二、三、四 in the layout of the 2021 template (merged headers, same row order)."""
    context = report_context(page)
    wb = Workbook()
    ws = wb.active
    ws.title = "二、主动公开"
    ws.append([f"{page.title}"])
    headers = ["第二十条第（一）项", "本年制发件数", "本年废止件数", "现行有效件数"]
    for col, text in enumerate(headers, start=1):
        _cell(ws, 2, col, text, bold=True)
    for i, (label, values) in enumerate(context["document_rows"], start=3):
        _cell(ws, i, 1, label)
        for col, key in enumerate(("made", "repealed", "in_force"), start=2):
            _cell(ws, i, col, values.get(key, 0))
    _cell(ws, 6, 1, "第二十条第（五）项", bold=True)
    _cell(ws, 6, 2, "本年处理决定数量", bold=True)
    _cell(ws, 7, 1, "行政许可")
    _cell(ws, 7, 2, page.licensing_decisions)
    _cell(ws, 9, 1, "第二十条第（六）项", bold=True)
    _cell(ws, 9, 2, "本年处理决定数量", bold=True)
    _cell(ws, 10, 1, "行政处罚、行政强制")
    _cell(ws, 10, 2, page.punishment_decisions)
    _cell(ws, 12, 1, "第二十条第（八）项", bold=True)
    _cell(ws, 12, 2, "本年收费金额（单位：万元）", bold=True)
    _cell(ws, 13, 1, "行政事业性收费")
    _cell(ws, 13, 2, float(page.fees_amount))
    ws.column_dimensions["A"].width = 26
    for col in "BCD":
        ws.column_dimensions[col].width = 16

    ws = wb.create_sheet("三、依申请公开")
    ws.merge_cells(start_row=1, start_column=1, end_row=3, end_column=3)
    _cell(ws, 1, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", bold=True)
    ws.merge_cells(start_row=1, start_column=4, end_row=1, end_column=10)
    _cell(ws, 1, 4, "申请人情况", bold=True)
    ws.merge_cells(start_row=2, start_column=4, end_row=3, end_column=4)
    _cell(ws, 2, 4, "自然人", bold=True)
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=9)
    _cell(ws, 2, 5, "法人或其他组织", bold=True)
    for col, label in enumerate(context["column_labels"][1:6], start=5):
        _cell(ws, 3, col, label.replace("其他组织", "其他"), bold=True)
    ws.merge_cells(start_row=2, start_column=10, end_row=3, end_column=10)
    _cell(ws, 2, 10, "总计", bold=True)
    row_no = 4
    for row, values in context["request_rows"]:
        ws.merge_cells(start_row=row_no, start_column=1 + row.level, end_row=row_no, end_column=3)
        _cell(ws, row_no, 1 + row.level, row.label, bold=row.level == 0, indent=row.level)
        for col, value in enumerate(values, start=4):
            if row.key != "outcomes":
                _cell(ws, row_no, col, value if value is not None else 0)
        row_no += 1
    ws.column_dimensions["C"].width = 44
    for col in "DEFGHIJ":
        ws.column_dimensions[col].width = 10

    ws = wb.create_sheet("四、复议诉讼")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    _cell(ws, 1, 1, "行政复议", bold=True)
    ws.merge_cells(start_row=1, start_column=6, end_row=1, end_column=15)
    _cell(ws, 1, 6, "行政诉讼", bold=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    ws.merge_cells(start_row=2, start_column=6, end_row=2, end_column=10)
    _cell(ws, 2, 6, "未经复议直接起诉", bold=True)
    ws.merge_cells(start_row=2, start_column=11, end_row=2, end_column=15)
    _cell(ws, 2, 11, "复议后起诉", bold=True)
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    col = 1
    for _, values in context["review_table"]:
        for label, value in zip(labels, values, strict=True):
            _cell(ws, 3, col, label, bold=True)
            _cell(ws, 4, col, value)
            col += 1
    return wb


def xlsx_response(page) -> HttpResponse:
    buffer = io.BytesIO()
    build_workbook(page).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="annual-report-{page.year}.xlsx"'
    return response


class RegenerateView(View):
    """Count the records again into a new draft revision of the report (never the live one)."""

    def load(self, request, page_id: int):
        from .models import AnnualReportPage

        page = get_object_or_404(Page, pk=page_id).specific
        if not isinstance(page, AnnualReportPage) or not page.permissions_for_user(request.user).can_edit():
            raise Http404
        return page

    def get(self, request, page_id: int):
        page = self.load(request, page_id)
        return TemplateResponse(request, "disclosure/admin/report_regenerate.html", {"page": page})

    def post(self, request, page_id: int):
        page = self.load(request, page_id)
        draft = page.get_latest_revision_as_object()
        draft.regenerate()
        draft.save_revision(user=request.user, log_action=True)
        messages.success(request, f"已按当前数据重新生成《{page.title}》的统计表（草稿），发布后生效。")
        return redirect("wagtailadmin_pages:edit", page.pk)
