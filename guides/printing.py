"""Serving guides: the screen page, the printable one-time notice with its QR code, the PDF.

The QR code on a printed sheet opens the online guide with ``?printed=<code>``, the code of
that printed edition. Opened from an outdated sheet, the guide says it has changed since the
sheet was printed and what changed (sheets live on in halls for months).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from matters.models import Matter

from .models import BundleGuidePage, PrintEdition
from .notice import Notice, NoticeMatter, describe_changes, digest

PRINTED_PARAM = "printed"


@dataclass
class Stage:
    number: int
    items: list[tuple[Matter, NoticeMatter, str]]  # matter, its notice line, the member note

    @property
    def parallel(self) -> bool:
        return len(self.items) > 1


def bundle_stages(page: BundleGuidePage, staged: list[tuple[int, Matter]], notice: Notice) -> list[Stage]:
    notes = {member.matter_id: member.note for member in page.member_rows()}
    by_number: dict[int, Stage] = {}
    for (stage, matter), line in zip(staged, notice.matters, strict=True):
        by_number.setdefault(stage, Stage(stage, [])).items.append((matter, line, notes.get(matter.pk, "")))
    return [by_number[n] for n in sorted(by_number)]


def guide_url(page, request) -> str:
    """The guide's absolute public URL (the site's root URL, not the host the request used)."""
    return page.get_full_url(request)


def printed_status(page, request, current_code: str) -> dict | None:
    """What to tell a visitor who came from a printed sheet's QR code (None otherwise)."""
    code = (request.GET.get(PRINTED_PARAM) or "").strip()[:12]
    if not code:
        return None
    if code == current_code:
        return {"current": True}
    edition = PrintEdition.objects.filter(page_id=page.pk, code=code).first()
    if edition is None:
        return {"unknown": True}
    return {"edition": edition}


def guide_context(page, request) -> dict:
    staged = page.staged_matters()
    notice = page.build_notice(staged)
    snapshot = notice.snapshot()
    code = digest(snapshot)
    printed = printed_status(page, request, code)
    if printed and printed.get("edition"):
        printed["changes"] = describe_changes(printed["edition"].snapshot, snapshot)
    context = {"notice": notice, "printed": printed, "print_code": code}
    if isinstance(page, BundleGuidePage):
        context["stages"] = bundle_stages(page, staged, notice)
    else:
        context["matter"] = staged[0][1] if staged else None
    return context


def _record_edition(page, request, code: str, snapshot: dict) -> None:
    """Remember what this edition says, once per distinct content (never for previews)."""
    if getattr(request, "is_preview", False) or not page.live:
        return
    if PrintEdition.objects.filter(page_id=page.pk, code=code).exists():
        return
    try:
        with transaction.atomic():
            PrintEdition.objects.create(page_id=page.pk, code=code, snapshot=snapshot)
    except IntegrityError:
        pass  # printed at the same moment by someone else: the row is there


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def print_context(page, request) -> dict:
    notice = page.build_notice()
    snapshot = notice.snapshot()
    code = digest(snapshot)
    printable = not (notice.unavailable and not notice.is_bundle) and bool(notice.matters)
    url = f"{guide_url(page, request)}?{PRINTED_PARAM}={code}"
    if printable:
        _record_edition(page, request, code, snapshot)
    return {
        "page": page,
        "notice": notice,
        "printable": printable,
        "print_code": code,
        "qr_url": url,
        "qr_svg": qr_svg(url),
        "printed_on": timezone.localdate(),
    }


def print_response(page, request) -> TemplateResponse:
    return TemplateResponse(request, "guides/guide_print.html", print_context(page, request))


def pdf_response(page, request) -> HttpResponse:
    from .pdf import render_notice_pdf

    context = print_context(page, request)
    if not context["printable"]:
        return TemplateResponse(request, "guides/guide_print.html", context, status=409)
    content = render_notice_pdf(context["notice"], qr_url=context["qr_url"], printed_on=context["printed_on"])
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{page.slug}-{context['print_code']}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
