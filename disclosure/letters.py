"""Letters about requests: numbers, texts from the editable templates, PDFs.

Every notice the agency sends — 补正申请告知书 (art. 30), 征求第三方意见书 (art. 32), 延长答复期限告知书
(art. 33), 收取信息处理费通知书 (国办函〔2020〕109号), the reply (art. 36) and 合并处理告知书 — is a
``Letter``: its number (文号) comes from one sequence per department and year (``LetterCounter``,
row-locked, ``F()``-incremented: two letters issued at once never share a number), its text from
the template of its kind, with the agency's name and the date; it is kept as issued.

The appeal sentence of a reply (``{remedy}``) is not editable text: it follows
《中华人民共和国行政复议法》(2023, in force 2024-01-01) art. 23(1)(4): an applicant refused
disclosure, wholly or in part, must apply for administrative reconsideration before suing; other
replies may be taken to reconsideration (60 days, art. 20) or to court (6 months, 《行政诉讼法》
art. 46).
"""

from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.db.models import F

from .request_models import (
    RECONSIDERATION_FIRST,
    DisclosureRequest,
    Letter,
    LetterCounter,
    LetterKind,
    ReplyTemplate,
)

PROVISIONAL_MARK = "（预计，以国务院办公厅公布的节假日安排为准）"
FONT = "STSong-Light"


def cn_date(day: datetime.date | None, provisional: bool = False) -> str:
    """A date as letters write it: 2026年1月5日, with the 预计 mark when estimated."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日" + (PROVISIONAL_MARK if provisional else "")


def quoted_description(text: str) -> str:
    """The request's description inside “…”: without its own closing punctuation (no “…。”。)."""
    return (text or "").strip().rstrip("。．.；;，,、！!？? \n")


def remedy(reply_type: str) -> str:
    """How the applicant may appeal this reply (《行政复议法》 art. 20, 23; 《行政诉讼法》 art. 46)."""
    body = settings.DISCLOSURE_REVIEW_BODY.strip()
    to_body = f"向{body}" if body else "依法"
    if reply_type in RECONSIDERATION_FIRST:
        return (
            f"如对本答复不服，可以自收到本答复之日起六十日内{to_body}申请行政复议；对行政复议决定不服的，"
            "可以依法向人民法院提起行政诉讼。依照《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，"
            "对不予公开的答复应当先申请行政复议。"
        )
    return (
        f"如对本答复不服，可以自收到本答复之日起六十日内{to_body}申请行政复议，"
        "或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼。"
    )


def template_for(kind: str, reply_type: str = "", subreason: str = "") -> ReplyTemplate | None:
    """The template of a letter: for replies the sub-reason's, else the reply type's own."""
    templates = ReplyTemplate.objects.filter(kind=kind)
    if kind != LetterKind.REPLY:
        return templates.first()
    return (
        templates.filter(reply_type=reply_type, subreason=subreason).first()
        or templates.filter(reply_type=reply_type, subreason="").first()
    )


def render(
    request: DisclosureRequest,
    kind: str,
    day: datetime.date,
    values: dict | None = None,
    reply_type: str = "",
    subreason: str = "",
) -> tuple[str, str]:
    """(text, article) of a letter from its template; "" when there is no template."""
    template = template_for(kind, reply_type, subreason)
    if template is None:
        return "", ""
    context = {
        "name": request.name,
        "received": cn_date(request.received_date, request.received_provisional),
        "description": quoted_description(request.description),
        "code": request.tracking_code,
        "article": template.article,
        "agency": request.department.name,
        "date": cn_date(day),
        "remedy": remedy(reply_type) if kind == LetterKind.REPLY else "",
        "items": "",
        "deadline": "",
        "days": "",
        "due": "",
        "reason": "",
        "third_party": "",
        "amount": "",
        "basis": "",
        "pay_deadline": "",
        "pay_days": settings.DISCLOSURE_FEE_PAYMENT_DAYS,
        "primary": "",
        **(values or {}),
    }
    try:
        text = template.body.format(**context)
    except (KeyError, IndexError, ValueError):
        text = template.body  # an unknown placeholder: shown as written, for staff to correct
    return text, template.article


def next_number(department, year: int) -> tuple[int, str]:
    """The next serial and 文号 of ``department`` in ``year`` (call inside the step's transaction)."""
    counter, _ = LetterCounter.objects.select_for_update().get_or_create(department=department, year=year)
    LetterCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    number = settings.DISCLOSURE_LETTER_NUMBER.format(agency=department.short_name, year=year, serial=counter.last)
    return counter.last, number


def issue(
    request: DisclosureRequest,
    kind: str,
    body: str,
    day: datetime.date,
    user,
    recipient: str | None = None,
    provisional: bool = False,
) -> Letter:
    """Number and keep a letter as sent (inside the step's transaction)."""
    serial, number = next_number(request.department, day.year)
    letter = Letter(
        request=request,
        kind=kind,
        number=number,
        year=day.year,
        serial=serial,
        issued_on=day,
        recipient=recipient or request.name,
        body=body,
        agency=request.department.name,
        provisional=provisional,
        created_by=user if getattr(user, "pk", None) else None,
    )
    letter._history_user = user if getattr(user, "pk", None) else None
    letter._change_reason = f"制作{letter.get_kind_display()}"
    letter.save()
    return letter


# ---- PDF ---------------------------------------------------------------------------------


def letter_pdf(letter: Letter) -> bytes:
    """The letter on A4 as issued: title, number, text, the agency and date (ReportLab, STSong-Light)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # Adobe's built-in Song: nothing embedded

    body = ParagraphStyle("letter", fontName=FONT, fontSize=12, leading=22, wordWrap="CJK", firstLineIndent=24)
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    title = ParagraphStyle("title", parent=plain, fontSize=20, leading=30, alignment=1, spaceAfter=2 * mm)
    number = ParagraphStyle("number", parent=plain, alignment=1, spaceAfter=6 * mm)
    right = ParagraphStyle("right", parent=plain, alignment=2)

    def p(text: str, style) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)

    lines = [line for line in letter.body.splitlines() if line.strip()]
    story = [p(letter.get_kind_display(), title), p(letter.number, number)]
    tail = 2 if len(lines) >= 3 and lines[-2].strip() == letter.agency else 0
    for i, line in enumerate(lines[: len(lines) - tail] if tail else lines):
        story.append(p(line.strip(), plain if i == 0 else body))
    if tail:
        story += [Spacer(1, 10 * mm), p(lines[-2].strip(), right), p(lines[-1].strip(), right)]
    if letter.provisional:
        story += [
            Spacer(1, 6 * mm),
            p("注：文中标注“预计”的日期按法定节假日推算，以国务院办公厅公布的节假日安排为准。", plain),
        ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=f"{letter.get_kind_display()} {letter.number}",
        author=letter.agency,
    )
    doc.build(story)
    return buffer.getvalue()
