"""Public views of requests for disclosure: apply, the receipt with the tracking code, status."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .request_flow import compute_due_date, receipt_date
from .request_forms import PublicRequestForm, RequestForm, StatusForm, new_challenge, rate_limited
from .request_models import Channel, DisclosureRequest

SESSION_KEY = "disclosure_submitted"


def create_request(form: RequestForm, channel: str, user=None) -> DisclosureRequest:
    """Save a validated application: received today (or the next working day), clock started."""
    with transaction.atomic():
        request = form.save(commit=False)
        request.channel = channel
        request.received_date = receipt_date()
        request.due_date = compute_due_date(request)
        request._history_user = user
        request._change_reason = f"提交申请（{Channel(channel).label}）"
        request.save()
    return request


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)


def apply(page, request):
    if request.method == "POST":
        if rate_limited(request, "disclosure-apply", settings.DISCLOSURE_REQUESTS_PER_HOUR):
            return _render(request, page, "disclosure/request_limited.html", {}, status=429)
        form = PublicRequestForm(request.POST, request.FILES)
        if form.is_valid():
            created = create_request(form, Channel.ONLINE)
            request.session[SESSION_KEY] = created.pk
            return redirect(page.url + "apply/submitted/")
    else:
        form = PublicRequestForm()
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


def status(page, request):
    form = StatusForm(request.POST or None)
    found, looked_up = None, False
    if request.method == "POST":
        if rate_limited(request, "disclosure-status", settings.DISCLOSURE_STATUS_LOOKUPS_PER_HOUR):
            return _render(request, page, "disclosure/request_limited.html", {}, status=429)
        looked_up = True
        found = form.find()
    return _render(
        request, page, "disclosure/request_status.html", {"form": form, "found": found, "looked_up": looked_up}
    )
