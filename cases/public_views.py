"""The public views of ``CaseIndexPage``: 办件公示, 办件查询 and 在线申请.

- 办件公示 lists recent cases with masked columns only: matter, department, the applicant's name
  masked (张*), dates and state. Deferred loading keeps the encrypted columns unread.
- 办件查询 answers to the case number with the phone number given or the lookup code; a wrong
  pair and an unknown number get the same answer, and every attempt counts against a limit per
  client address (``CASES_LOOKUPS_PER_HOUR``).
- 在线申请 checks the form and the files (by content, ``cases.uploads.POLICY``), keeps the files in
  the private storage under a one-time token held in the session while the applicant reviews the
  summary (预览), and opens the case through ``cases.flow`` on 确认提交. The receipt (case number and
  lookup code) is kept in the session, never put in a URL.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from core.challenge import new_challenge
from core.forms import lenient_filters
from core.held_uploads import held_files, hold_content, hold_valid_uploads, mark_held, release, with_held
from core.http import rate_limited
from core.identity import IdType
from core.pii import decrypt, encrypt, keyed_hash, mask_id, mask_phone, normalise
from core.uploads import display_name, private_storage, stored_name
from matters.search import matching_matter_ids

from . import clock, flow
from .models import BEFORE_ACCEPTANCE, CLOSED, COMPLETED, ApplicantKind, Case, CaseState, Channel, NoticeKind
from .public_forms import ApplyForm, LookupForm, PublicListFilter, material_field_name
from .uploads import PENDING_DIR

PER_PAGE = 20
PENDING_KEY = "cases_pending_application"
RECEIPT_KEY = "cases_receipt"
PENDING_SECONDS = 3600
LIST_COLUMNS = (
    "matter_name",
    "applicant_kind",
    "applicant_name",
    "applied_at",
    "state",
    "completed_on",
    "department",
    "department__name",
    "department__short_name",
)


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)


# ---- 办件公示 ------------------------------------------------------------------------------------


def public_cases(filters: PublicListFilter | None = None):
    """The 办件公示 queryset: masked columns only, one query per page however long the page."""
    cases = Case.objects.select_related("department").only(*LIST_COLUMNS).order_by("-applied_at", "-pk")
    if filters is None or not filters.is_valid():
        return cases
    data = filters.cleaned_data
    if data.get("department"):
        cases = cases.filter(department=data["department"])
    if data.get("group") == "open":
        cases = cases.exclude(state__in=CLOSED)
    elif data.get("group") == "done":
        cases = cases.filter(state__in=COMPLETED)
    if data.get("q"):
        # The portal search's analysis (words, pinyin, initials, Traditional, synonyms) finds the
        # matter; the name as the case recorded it still matches as typed (a matter since cancelled).
        query = data["q"].strip()
        cases = cases.filter(Q(matter__in=matching_matter_ids(query)) | Q(matter_name__icontains=query))
    if data.get("month"):
        start, end = data["month"]
        cases = cases.filter(applied_at__gte=start, applied_at__lt=end)
    return cases


def public_list(page, request):
    filters = lenient_filters(PublicListFilter, request.GET)
    paginator = Paginator(public_cases(filters if filters.is_bound else None), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "cases": page_obj,
        "paginator": paginator,
        "query": query.urlencode(),
    }
    return page.render(request, context_overrides=context)


# ---- 办件查询 ------------------------------------------------------------------------------------


def find_case(number: str, phone: str = "", code: str = "") -> Case | None:
    """The case with this number and phone number or lookup code; None otherwise, whichever was wrong."""
    number = "".join(number.split())
    case = Case.objects.select_related("department").filter(number=number).first()
    if case is None:
        # Spend the same work as a real comparison, so timing does not tell numbers apart.
        secrets.compare_digest(keyed_hash(phone or code or "-"), keyed_hash("-"))
        return None
    if phone and secrets.compare_digest(case.phone_hash, keyed_hash(phone)):
        return case
    if code and secrets.compare_digest(case.lookup_code.encode(), normalise(code).encode()):
        return case
    return None


def lookup_context(case: Case) -> dict:
    """What the applicant may see of their own case: steps, dates, days, materials to bring, notices."""
    today = timezone.localdate()
    steps = list(case.steps.all())
    notices, seen = [], set()
    for notice in case.notices.order_by("sent_at", "pk"):  # one entry per message, not per channel
        if (notice.kind, notice.subject, notice.body) not in seen:
            seen.add((notice.kind, notice.subject, notice.body))
            notices.append(notice)
    amendment_notice = next((n for n in reversed(notices) if n.kind == NoticeKind.AMENDMENT), None)
    to_bring = list(case.materials.exclude(defect="").filter(received=False).only("name", "defect", "case_id"))
    left = clock.working_days_left(case, today)
    running = case.state in (CaseState.ACCEPTED, CaseState.HANDLING, CaseState.SPECIAL)
    return {
        "found": case,
        "steps": steps,
        "notices": notices,
        "amendment_notice": amendment_notice,
        "to_bring": to_bring,
        "days_left": left,
        "days_overdue": -left if left is not None and left < 0 else None,
        "running": running,
        "before_acceptance": case.state in BEFORE_ACCEPTANCE,
        "completed": case.state in COMPLETED,
    }


def lookup(page, request):
    # The QR code of a 受理通知书 leads here with the number filled in (never the phone or the code).
    form = LookupForm(request.POST or None, initial={"number": request.GET.get("number", "")[:32]})
    context = {"form": form, "found": None, "looked_up": False}
    if request.method == "POST":
        if rate_limited(request, "cases-lookup", settings.CASES_LOOKUPS_PER_HOUR):
            return _render(request, page, "cases/limited.html", {}, status=429)
        if form.is_valid():
            context["looked_up"] = True
            found = find_case(
                form.cleaned_data["number"], form.cleaned_data.get("phone", ""), form.cleaned_data.get("code", "")
            )
            if found is not None:
                context.update(lookup_context(found))
            # The phone number and the code are not echoed back into the page.
            context["form"] = LookupForm(initial={"number": form.cleaned_data["number"]})
    response = _render(request, page, "cases/lookup.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# ---- 在线申请 ------------------------------------------------------------------------------------


def _matter_or_404(matter_id: int):
    from matters.models import Matter

    matter = Matter.public_queryset().select_related("department").filter(pk=matter_id).first()
    if matter is None or matter.promised_limit is None:
        raise Http404("该事项不存在、未发布或暂不支持在线申请。")
    return matter


def _materials(matter) -> list:
    """The materials the case will freeze: index i is material i."""
    return flow.material_rows(matter)


def _discard(pending: dict | None) -> None:
    storage = private_storage()
    for item in (pending or {}).get("files", {}).values():
        if storage.exists(item["path"]):
            storage.delete(item["path"])


def _held_key(matter) -> str:
    """The files of a refused application kept for the next try (``core.held_uploads``)."""
    return f"cases-apply:{matter.pk}"


def _keep_pending(request, matter, form: ApplyForm) -> dict:
    """Store the checked files under a new token (private storage) and hold it in the session."""
    _discard(request.session.get(PENDING_KEY))
    token = secrets.token_urlsafe(16)
    storage = private_storage()
    files = {}
    for index, upload in form.uploads().items():
        original = display_name(upload.name)
        path = storage.save(f"{PENDING_DIR}/{token}/{stored_name(original)}", upload)
        files[str(index)] = {"path": path, "original_name": original, "size": upload.size}
    pending = {
        "token": token,
        "matter": matter.pk,
        "applicant": encrypt(json.dumps(asdict(form.applicant))),  # the session is no place for plain PII
        "files": files,
        "expires": time.time() + PENDING_SECONDS,
    }
    request.session[PENDING_KEY] = pending
    return pending


def _applicant(pending: dict) -> flow.Applicant:
    return flow.Applicant(**json.loads(decrypt(pending["applicant"])))


def _summary(matter, materials: list, pending: dict) -> dict:
    applicant = _applicant(pending)
    files = pending["files"]
    rows = [
        {
            "name": m.name,
            "necessity": m.necessity,
            "file": files.get(str(i), {}).get("original_name", ""),
            "size": files.get(str(i), {}).get("size", 0),
        }
        for i, m in enumerate(materials)
    ]
    return {
        "token": pending["token"],
        "applicant": applicant,
        "applicant_kind_label": ApplicantKind(applicant.kind).label,
        "id_type_label": IdType(applicant.id_type).label,
        "masked_id": mask_id(applicant.id_number),
        "masked_phone": mask_phone(applicant.phone),
        "rows": rows,
    }


def _open(matter, pending: dict) -> Case:
    storage = private_storage()
    uploads = {}
    for index, item in pending["files"].items():
        with storage.open(item["path"], "rb") as handle:
            upload = ContentFile(handle.read(), name=stored_name(item["original_name"]))
        upload.original_name = item["original_name"]
        uploads[int(index)] = upload
    intake = flow.Intake(matter=matter, applicant=_applicant(pending), channel=Channel.ONLINE, files=uploads)
    case, _ = flow.open_case(intake)
    return case


def _valid_pending(request, matter) -> dict | None:
    """The preview in this session for ``matter`` named by the posted token, unexpired; else None."""
    pending = request.session.get(PENDING_KEY)
    valid = (
        pending
        and pending.get("matter") == matter.pk
        and pending.get("expires", 0) > time.time()
        and secrets.compare_digest(str(pending.get("token", "")), request.POST.get("token", ""))
    )
    return pending if valid else None


def _back_to_form(request, matter, materials: list, pending: dict) -> ApplyForm:
    """返回修改: the form again with the previewed answers and files (kept as ``core.held_uploads``)."""
    applicant = asdict(_applicant(pending))
    storage = private_storage()
    for index, item in pending["files"].items():
        with storage.open(item["path"], "rb") as handle:
            hold_content(
                request, _held_key(matter), material_field_name(int(index)), handle.read(), item["original_name"]
            )
    _discard(request.session.pop(PENDING_KEY, None))
    form = ApplyForm(initial=applicant, materials=materials)
    mark_held(form, held_files(request, _held_key(matter)))
    return form


def apply(page, request, matter_id: int):
    matter = _matter_or_404(matter_id)
    materials = _materials(matter)
    context = {"matter": matter, "materials": materials, "summary": None, "error": ""}
    if request.method == "POST" and request.POST.get("step") == "edit" and (pending := _valid_pending(request, matter)):
        try:
            form = _back_to_form(request, matter, materials, pending)
        except (ValueError, OSError):  # an undecryptable session (keys rotated) or a file gone
            _discard(request.session.pop(PENDING_KEY, None))
            context["error"] = "预览已过期，请重新填写并上传材料。"
            form = ApplyForm(materials=materials)
    elif request.method == "POST" and request.POST.get("step") == "confirm":
        pending = _valid_pending(request, matter)
        if not pending:
            context["error"] = "预览已过期或已提交，请重新填写并上传材料。"
        else:
            try:
                case = _open(matter, pending)
            except flow.CaseError as error:
                context["error"] = error.message
            except (ValueError, OSError):  # an undecryptable session (keys rotated) or a file gone
                _discard(request.session.pop(PENDING_KEY, None))
                context["error"] = "预览已过期或已提交，请重新填写并上传材料。"
            else:
                _discard(request.session.pop(PENDING_KEY, None))
                request.session[RECEIPT_KEY] = case.pk
                return redirect(page.url + page.reverse_subpage("apply_submitted"))
        form = ApplyForm(materials=materials)
    elif request.method == "POST":
        if rate_limited(request, "cases-apply", settings.CASES_APPLICATIONS_PER_HOUR):
            return _render(request, page, "cases/limited.html", {}, status=429)
        form = ApplyForm(request.POST, with_held(request, _held_key(matter), request.FILES), materials=materials)
        if form.is_valid():
            pending = _keep_pending(request, matter, form)
            release(request, _held_key(matter))
            context["summary"] = _summary(matter, materials, pending)
            return _render(request, page, "cases/apply.html", {**context, "form": form})
        hold_valid_uploads(request, _held_key(matter), form)  # answers and accepted files are shown again
    else:
        form = ApplyForm(materials=materials)
        mark_held(form, held_files(request, _held_key(matter)))  # a reload still shows the kept files
    question, token = new_challenge()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["challenge_token"] = token
        form.data["challenge_answer"] = ""
    else:
        form.initial["challenge_token"] = token
    context.update(form=form, question=question)
    return _render(request, page, "cases/apply.html", context)


def receipt(page, request):
    """The receipt, shown after submitting: the number and lookup code, from the session."""
    pk = request.session.get(RECEIPT_KEY)
    case = (
        Case.objects.select_related("department")
        .only("number", "lookup_code", "matter_name", "applied_at", "promised_limit", "department__name", "department")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if case is None:
        return redirect(page.url + page.reverse_subpage("lookup"))
    response = _render(request, page, "cases/receipt.html", {"created": case})
    response["Cache-Control"] = "private, no-store"
    return response
