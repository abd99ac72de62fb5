"""The case's printed papers as A4 PDFs: the 受理通知书 (《行政许可法》 art. 32: 受理…应当出具加盖本行政
机关专用印章和注明日期的书面凭证) and the 办结出件单 handed over with the result (art. 40, 44).

ReportLab with the built-in Adobe CID font STSong-Light (nothing embedded), like the guides'
one-time notice; the QR code leads to the public progress lookup with the case number filled in.
Other apps add their own QR codes to both papers by registering a provider
(``register_document_link``): the ratings app prints “扫码评价” (好差评, 国办发〔2019〕51号 asks for a
rating code on the papers handed to the applicant), without this module knowing it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table

from .models import Case

# (case, absolute(path) -> url) -> (caption, url) or None when the link does not apply to this case.
DocumentLink = Callable[[Case, Callable[[str], str]], "tuple[str, str] | None"]
_LINKS: list[DocumentLink] = []


def register_document_link(provider: DocumentLink) -> DocumentLink:
    """Print one more QR code on the case's papers (a decorator; registered once per provider)."""
    if provider not in _LINKS:
        _LINKS.append(provider)
    return provider


def document_links(case: Case, absolute: Callable[[str], str]) -> list[tuple[str, str]]:
    """The registered (caption, url) pairs that apply to this case."""
    return [link for link in (provider(case, absolute) for provider in _LINKS) if link]


FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("case-body", fontName=FONT, fontSize=12, leading=22, wordWrap="CJK")
TITLE = ParagraphStyle("case-title", parent=BODY, fontSize=20, leading=30, alignment=1, spaceAfter=4 * mm)
RIGHT = ParagraphStyle("case-right", parent=BODY, alignment=2)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph((text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def _qr(url: str) -> Image:
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    return Image(png, width=30 * mm, height=30 * mm)


CAPTION = ParagraphStyle("case-caption", parent=BODY, fontSize=10, leading=14, alignment=1)


def _qr_row(links: list[tuple[str, str]]) -> Table:
    """QR codes side by side, each with its caption underneath."""
    return Table([[_qr(url) for _, url in links], [_p(caption, CAPTION) for caption, _ in links]], hAlign="LEFT")


def _build(story: list, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=title,
    )
    doc.build(story)
    return buffer.getvalue()


def _facts(rows: list[list[str]]) -> Table:
    return Table(
        [[_p(a), _p(b)] for a, b in rows],
        colWidths=[35 * mm, 125 * mm],
        style=[("GRID", (0, 0), (-1, -1), 0.5, "black")],
    )


def acceptance_notice_pdf(
    case: Case, qr_url: str, printed_on: datetime.date, links: list[tuple[str, str]] = ()
) -> bytes:
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
        _facts(rows),
        Spacer(1, 3 * mm),
    ]
    if deferred:
        story.append(_p("容缺受理，请于办结前补交：" + "、".join(deferred), BODY))
    story += [
        _p(
            "扫描二维码或登录门户“办件查询”，凭办件编号和手机号码（或查询码）查询办理进度。期限以工作日计算，不含法定节假日。",
            BODY,
        ),
        _qr_row([("扫码查询办理进度", qr_url), *links]),
        Spacer(1, 8 * mm),
        _p(case.department.name + "（印章）", RIGHT),
        _p(f"{printed_on:%Y年%m月%d日}", RIGHT),
    ]
    return _build(story, f"受理通知书 {case.number}")


def delivery_slip_pdf(case: Case, qr_url: str, printed_on: datetime.date, links: list[tuple[str, str]] = ()) -> bytes:
    """办结出件单: what was decided and handed over, with the QR codes (progress, and e.g. 扫码评价)."""
    rows = [
        ["办件编号", case.number],
        ["申请事项", case.matter_name],
        ["申请人", case.applicant_name],
        ["办理结果", case.get_state_display()],
        ["办结日期", f"{case.completed_on:%Y年%m月%d日}" if case.completed_on else "—"],
        ["出件日期", f"{case.delivered_on:%Y年%m月%d日}" if case.delivered_on else "—"],
        ["办理意见", case.outcome_note or "—"],
        ["办理部门", case.department.name],
    ]
    story = [
        _p("办结出件单", TITLE),
        _facts(rows),
        Spacer(1, 4 * mm),
        _p("请当场核对办理结果和证照。对本次服务是否满意，欢迎扫码评价（好差评），一次一评、一事一评。", BODY),
        _qr_row([("扫码查询办理过程", qr_url), *links]),
        Spacer(1, 8 * mm),
        _p(case.department.name + "（印章）", RIGHT),
        _p(f"{printed_on:%Y年%m月%d日}", RIGHT),
    ]
    return _build(story, f"办结出件单 {case.number}")
