"""The one-time notice as an A4 PDF (ReportLab).

Chinese text uses ReportLab's built-in Adobe CID font STSong-Light: no font file is shipped or
embedded, and every PDF reader supplies a Song typeface for it. The layout follows the HTML
print view; both read the same ``Notice``.
"""

from __future__ import annotations

import datetime
import io

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tables import LongTable

from .notice import Notice

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=24, alignment=1, spaceAfter=2 * mm)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontSize=12, leading=16, alignment=1, spaceAfter=3 * mm)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=12, leading=16, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float = 4 * mm):
        super().__init__()
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.size, self.size)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    escaped = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(escaped, style)


def _qr_image(url: str) -> Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return Image(buffer, width=28 * mm, height=28 * mm)


def render_notice_pdf(notice: Notice, *, qr_url: str, printed_on: datetime.date) -> bytes:
    """The notice as PDF bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"一次性告知单：{notice.title}",
        author="示范市政务服务",
    )
    width = A4[0] - 30 * mm
    story: list = [_p("一次性告知单", TITLE), _p(notice.title, SUBTITLE)]

    rows = [[_p("事项名称"), _p("事项编码"), _p("实施部门"), _p("承诺时限"), _p("到现场次数")]]
    for m in notice.matters:
        name = (f"第{m.stage}步 " if notice.is_bundle else "") + m.name
        if m.status_notice:
            name += f"（{m.status_notice}）"
        rows.append([_p(name), _p(m.code, SMALL), _p(m.department), _p(m.promised), _p(m.visits)])
    table = Table(rows, colWidths=[0.3 * width, 0.22 * width, 0.2 * width, 0.12 * width, 0.16 * width], repeatRows=1)
    table.setStyle(GRID)
    story.append(table)
    if notice.is_bundle:
        story.append(_p(f"合计承诺时限：{notice.promised_total}；合计法定时限：{notice.statutory_total}。"))
        for place in notice.one_window:
            story.append(_p(f"一窗受理：{place.name} {'、'.join(place.windows)}窗口　地址：{place.address}"))
        if notice.windows_note:
            story.append(_p(f"受理窗口：{notice.windows_note}"))

    story.append(_p("受理条件", HEADING))
    for m in notice.matters:
        if m.conditions:
            story.append(_p((f"{m.name}：" if notice.is_bundle else "") + m.conditions))

    story.append(_p("申请材料清单（请逐项核对后打勾）", HEADING))
    rows = [[_p("核对"), _p("序号"), _p("材料名称"), _p("要求"), _p("来源"), _p("说明")]]
    for number, item in enumerate(notice.checklist, start=1):
        notes = []
        if not item.required:
            notes.append(item.necessity_label + ("：" + "；".join(item.conditions) if item.conditions else ""))
        if notice.is_bundle:
            notes.append("用于：" + "、".join(item.matters))
        notes.extend(item.notes)
        rows.append(
            [
                TickBox(),
                _p(str(number)),
                _p(item.name),
                _p(item.requirement, SMALL),
                _p(item.source_label, SMALL),
                _p("\n".join(notes), SMALL),
            ]
        )
    table = LongTable(
        rows,
        colWidths=[0.07 * width, 0.06 * width, 0.25 * width, 0.2 * width, 0.17 * width, 0.25 * width],
        repeatRows=1,
    )
    table.setStyle(GRID)
    story.append(table)
    if notice.exempt_materials:
        story.append(_p("以下材料通过部门间共享获取，无需提交：" + "、".join(m.name for m in notice.exempt_materials)))

    story.append(_p("时限和收费", HEADING))
    for m in notice.matters:
        prefix = f"{m.name}：" if notice.is_bundle else ""
        fees = "；".join(m.fees) if m.fees else "不收费"
        story.append(_p(f"{prefix}法定办结时限 {m.statutory}，承诺办结时限 {m.promised}；{fees}。"))

    story.append(_p("办理地点和时间", HEADING))
    for place in notice.places:
        line = f"{place.name}　地址：{place.address}"
        if place.windows:
            line += f"　窗口：{'、'.join(place.windows)}"
        if place.hours:
            line += f"　时间：{place.hours}"
        if place.phone:
            line += f"　电话：{place.phone}"
        story.append(_p(line))

    contact = [
        _p("咨询：" + "；".join(notice.consultation)),
        _p("监督投诉：" + "；".join(notice.complaint)),
        _p(f"打印日期：{printed_on:%Y年%m月%d日}　告知单版本：{qr_url.rsplit('=', 1)[-1]}", SMALL),
        _p("扫描二维码查看最新办事指南；如指南在打印后有变化，页面会提示变化内容。", SMALL),
    ]
    footer = Table([[contact, _qr_image(qr_url)]], colWidths=[width - 32 * mm, 32 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.extend([Spacer(1, 4 * mm), KeepTogether(footer)])
    doc.build(story)
    return buffer.getvalue()
