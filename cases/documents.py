"""受理通知书 (《行政许可法》 art. 32: 受理…应当出具加盖本行政机关专用印章和注明日期的书面凭证) as an A4 PDF.

ReportLab with the built-in Adobe CID font STSong-Light (nothing embedded), like the guides'
one-time notice; the QR code leads to the public progress lookup with the case number filled in.
"""

from __future__ import annotations

import datetime
import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table

from .models import Case

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("case-body", fontName=FONT, fontSize=12, leading=22, wordWrap="CJK")
TITLE = ParagraphStyle("case-title", parent=BODY, fontSize=20, leading=30, alignment=1, spaceAfter=4 * mm)
RIGHT = ParagraphStyle("case-right", parent=BODY, alignment=2)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph((text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def acceptance_notice_pdf(case: Case, qr_url: str, printed_on: datetime.date) -> bytes:
    buffer = io.BytesIO()
    qr = io.BytesIO()
    segno.make(qr_url, error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    due = f"{case.due_date:%Y年%m月%d日}" + ("（预计）" if case.due_provisional else "") if case.due_date else "—"
    rows = [
        ["办件编号", case.number],
        ["查询码", case.lookup_code],
        ["申请事项", case.matter_name],
        ["申请人", case.applicant_name],
        ["受理日期", f"{case.accepted_on:%Y年%m月%d日}"],
        ["承诺办结时限", f"{case.promised_limit}个工作日" if case.promised_limit else "即办"],
        ["承诺办结日期", due],
        ["受理窗口", f"{case.hall} {case.window}" if case.window else str(case.department)],
    ]
    deferred = list(case.materials.filter(deferred=True).values_list("name", flat=True))
    story = [
        _p("受理通知书", TITLE),
        _p(f"{case.applicant_name}：", BODY),
        _p(
            f"　　您提交的“{case.matter_name}”申请材料齐全、符合法定形式，"
            "本机关依据《中华人民共和国行政许可法》第三十二条决定予以受理。",
            BODY,
        ),
        Spacer(1, 3 * mm),
        Table(
            [[_p(a), _p(b)] for a, b in rows],
            colWidths=[35 * mm, 125 * mm],
            style=[("GRID", (0, 0), (-1, -1), 0.5, "black")],
        ),
        Spacer(1, 3 * mm),
    ]
    if deferred:
        story.append(_p("容缺受理，请于办结前补交：" + "、".join(deferred), BODY))
    story += [
        _p(
            "扫描二维码或登录门户“办件查询”，凭办件编号和手机号码（或查询码）查询办理进度。期限以工作日计算，不含法定节假日。",
            BODY,
        ),
        Image(qr, width=30 * mm, height=30 * mm),
        Spacer(1, 8 * mm),
        _p(case.department.name + "（印章）", RIGHT),
        _p(f"{printed_on:%Y年%m月%d日}", RIGHT),
    ]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=f"受理通知书 {case.number}",
    )
    doc.build(story)
    return buffer.getvalue()
