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

from core.spreadsheets import neutralise

from .report import COLUMNS, ORG_COLUMN_LABELS, fee_sentence, identity_holds, request_layout

DOCUMENT_ROWS = [("regulation", "规章"), ("normative_document", "行政规范性文件")]
REVIEW_HEADINGS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def report_context(page) -> dict:
    tables = page.tables or {}
    requests = tables.get("requests", {})
    return {
        "document_rows": [(label, tables.get("documents", {}).get(key, {})) for key, label in DOCUMENT_ROWS],
        "request_layout": [(row, [requests.get(row.key, {}).get(c, 0) for c in COLUMNS]) for row in request_layout()],
        "org_column_labels": ORG_COLUMN_LABELS,
        "review_table": page.review_table(),
        "review_headings": REVIEW_HEADINGS,
        "identity_ok": identity_holds(requests) if requests else None,
        "generated_at": tables.get("generated_at", "")[:19].replace("T", " "),
        "fee_sentence": fee_sentence(tables.get("fees")),
    }


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _cell(ws, row: int, col: int, value, *, bold: bool = False, left: bool = False, rows: int = 1, cols: int = 1):
    """Write a bordered cell, merged over ``rows`` x ``cols``."""
    if rows > 1 or cols > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)
        for r in range(row, row + rows):
            for c in range(col, col + cols):
                ws.cell(row=r, column=c).border = BOX
    cell = ws.cell(row=row, column=col, value=neutralise(value))
    cell.border = BOX
    cell.alignment = LEFT if left else CENTER
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_documents(wb: Workbook, page, context: dict) -> None:
    """二、主动公开政府信息情况: four small tables, each headed 信息内容 as in the template."""
    ws = wb.active
    ws.title = "二、主动公开"
    _cell(ws, 1, 1, "第二十条第（一）项", bold=True, cols=4)
    for col, text in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], start=1):
        _cell(ws, 2, col, text, bold=True)
    for i, (label, values) in enumerate(context["document_rows"], start=3):
        _cell(ws, i, 1, label)
        for col, key in enumerate(("made", "repealed", "in_force"), start=2):
            _cell(ws, i, col, values.get(key, 0))
    row = 5
    for heading, unit, items in (
        ("第二十条第（五）项", "本年处理决定数量", [("行政许可", page.licensing_decisions)]),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            [("行政处罚", page.punishment_decisions), ("行政强制", page.enforcement_decisions)],
        ),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("行政事业性收费", float(page.fees_amount))]),
    ):
        _cell(ws, row, 1, heading, bold=True, cols=4)
        _cell(ws, row + 1, 1, "信息内容", bold=True)
        _cell(ws, row + 1, 2, unit, bold=True, cols=3)
        for offset, (label, value) in enumerate(items, start=2):
            _cell(ws, row + offset, 1, label)
            _cell(ws, row + offset, 2, value, cols=3)
        row += 2 + len(items)
    ws.column_dimensions["A"].width = 22
    for col in "BCD":
        ws.column_dimensions[col].width = 16


def _sheet_requests(wb: Workbook, context: dict) -> None:
    """三、收到和处理政府信息公开申请情况: merged label cells exactly as the template."""
    ws = wb.create_sheet("三、依申请公开")
    _cell(ws, 1, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", bold=True, rows=3, cols=3)
    _cell(ws, 1, 4, "申请人情况", bold=True, cols=7)
    _cell(ws, 2, 4, "自然人", bold=True, rows=2)
    _cell(ws, 2, 5, "法人或其他组织", bold=True, cols=5)
    for col, label in enumerate(context["org_column_labels"], start=5):
        _cell(ws, 3, col, label, bold=True)
    _cell(ws, 2, 10, "总计", bold=True, rows=2)
    row_no = 4
    for row, values in context["request_layout"]:
        col = 4 - sum(cell.colspan for cell in row.cells)
        for cell in row.cells:
            _cell(ws, row_no, col, cell.text, left=True, rows=cell.rowspan, cols=cell.colspan)
            col += cell.colspan
        for offset, value in enumerate(values):
            _cell(ws, row_no, 4 + offset, value)
        row_no += 1
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 40
    for col in "DEFGHIJ":
        ws.column_dimensions[col].width = 10


def _sheet_reviews(wb: Workbook, context: dict) -> None:
    """四、政府信息公开行政复议、行政诉讼情况."""
    ws = wb.create_sheet("四、复议诉讼")
    _cell(ws, 1, 1, "行政复议", bold=True, rows=2, cols=5)
    _cell(ws, 1, 6, "行政诉讼", bold=True, cols=10)
    _cell(ws, 2, 6, "未经复议直接起诉", bold=True, cols=5)
    _cell(ws, 2, 11, "复议后起诉", bold=True, cols=5)
    col = 1
    for _, values in context["review_table"]:
        for label, value in zip(context["review_headings"], values, strict=True):
            _cell(ws, 3, col, label, bold=True)
            _cell(ws, 4, col, value)
            col += 1


def build_workbook(page) -> Workbook:
    """Sheets 二、三、四 in the layout and wording of the 2021 template (国办公开办函〔2021〕30号)."""
    context = report_context(page)
    wb = Workbook()
    _sheet_documents(wb, page, context)
    _sheet_requests(wb, context)
    _sheet_reviews(wb, context)
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
