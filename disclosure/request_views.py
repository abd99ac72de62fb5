"""Public views of requests for disclosure: apply, the receipt with the tracking code, status.

The status page answers only to the tracking code together with the phone number given in the
application. A successful lookup opens, for an hour and in that browser session only, the letters
sent to the applicant (not the 征求意见书 sent to a third party) and the documents released with
them, as downloads.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from core.held_uploads import held_files, hold_valid_uploads, mark_held, release, with_held
from core.http import download_response

from . import letters as letter_texts
from . import request_flow as flow
from .request_forms import PublicRequestForm, RequestForm, StatusForm, new_challenge, rate_limited
from .request_models import APPLICANT_LETTERS, Channel, DisclosureRequest, Letter, LetterAttachment

SESSION_KEY = "disclosure_submitted"
ACCESS_KEY = "disclosure_status_access"
ACCESS_SECONDS = 3600
HELD_KEY = "disclosure-request"  # the attachment kept while the form is shown again (core.held_uploads)


def create_request(form: RequestForm, channel: str, user=None, arrived=None) -> DisclosureRequest:
    """Save a validated application; received by the channel's rule (art. 31), clock started."""
    return flow.receive(form.save(commit=False), channel, arrived or timezone.localdate(), user)


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)


def apply(page, request):
    if request.method == "POST":
        if rate_limited(request, "disclosure-apply", settings.DISCLOSURE_REQUESTS_PER_HOUR):
            return _render(request, page, "disclosure/request_limited.html", {}, status=429)
        form = PublicRequestForm(request.POST, with_held(request, HELD_KEY, request.FILES))
        if form.is_valid():
            created = create_request(form, Channel.ONLINE)
            release(request, HELD_KEY)
            request.session[SESSION_KEY] = created.pk
            return redirect(page.url + "apply/submitted/")
        hold_valid_uploads(request, HELD_KEY, form)  # the answers are shown again; so is the attachment
    else:
        form = PublicRequestForm()
        mark_held(form, held_files(request, HELD_KEY))  # a reload still shows the file kept for it
    question, token = new_challenge()
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["challenge_token"] = token
        form.data["challenge_answer"] = ""
    else:
        form.initial["challenge_token"] = token
    return _render(request, page, "disclosure/request_form.html", {"form": form, "question": question})


def submitted(page, request):
    """The receipt, shown once after submitting (the code is not put in a URL)."""
    pk = request.session.get(SESSION_KEY)
    created = DisclosureRequest.objects.filter(pk=pk).select_related("department").first() if pk else None
    if created is None:
        return redirect(page.url + "apply/")
    return _render(request, page, "disclosure/request_submitted.html", {"created": created})


def _grant(request, found: DisclosureRequest) -> None:
    access = {k: v for k, v in request.session.get(ACCESS_KEY, {}).items() if v > time.time()}
    access[str(found.pk)] = time.time() + ACCESS_SECONDS
    request.session[ACCESS_KEY] = access


def _granted(request, request_pk: int) -> bool:
    return request.session.get(ACCESS_KEY, {}).get(str(request_pk), 0) > time.time()


def status_context(found: DisclosureRequest) -> dict:
    """What the applicant may see of their own request: state, dates, letters; no one else's data."""
    today = timezone.localdate()
    letters = [
        letter
        for letter in found.letters.prefetch_related("attachments").order_by("issued_on", "pk")
        if letter.kind in APPLICANT_LETTERS
    ]
    fee = getattr(found, "fee_notice", None)
    overdue = bool(found.due_date and found.status in flow.CLOCK_RUNNING and found.due_date < today)
    return {
        "found": found,
        "letters": letters,
        "fee": fee,
        "overdue": overdue,
        "amendment_late": bool(found.amendment_deadline and found.amendment_deadline < today),
        "consulting": found.consultations.filter(answered_on__isnull=True).exists(),
    }


def status(page, request):
    form = StatusForm(request.POST or None)
    context = {"form": form, "found": None, "looked_up": False}
    if request.method == "POST":
        if rate_limited(request, "disclosure-status", settings.DISCLOSURE_STATUS_LOOKUPS_PER_HOUR):
            return _render(request, page, "disclosure/request_limited.html", {}, status=429)
        context["looked_up"] = True
        found = form.find()
        if found is not None:
            _grant(request, found)
            context.update(status_context(found))
    return _render(request, page, "disclosure/request_status.html", context)


def _applicant_letter(request, letter_id: int) -> Letter:
    letter = Letter.objects.filter(pk=letter_id, kind__in=APPLICANT_LETTERS).first()
    if letter is None or not _granted(request, letter.request_id):
        raise Http404("请先凭查询码和联系电话查询。")
    return letter


def letter_pdf(page, request, letter_id: int):
    """A letter the applicant was sent, as PDF: only after a lookup in this session."""
    letter = _applicant_letter(request, letter_id)
    return download_response(letter_texts.letter_pdf(letter), "application/pdf", f"{letter.number}.pdf")


def letter_attachment(page, request, letter_id: int, attachment_id: int):
    """A document released with a letter: only after a lookup in this session."""
    letter = _applicant_letter(request, letter_id)
    attachment = LetterAttachment.objects.filter(pk=attachment_id, letter=letter).first()
    if attachment is None:
        raise Http404
    with attachment.file.open("rb") as handle:
        return download_response(handle.read(), attachment.content_type, attachment.name)
