"""The public views of ``InteractionIndexPage``: the forms, the receipt, the lookup and 问答公开.

- The form (``ask/<kind>/``) comes prefilled from ``?matter=<id>`` (a public matter: its department
  answers) or ``?guide=<page id>`` (a live service guide: its matter's department), or lets the
  visitor choose the department. Spam guards: the arithmetic challenge (``core.challenge``), a
  hidden field people leave empty, length limits, and ``INTERACTION_SUBMISSIONS_PER_HOUR`` posts
  per client address.
- The receipt (number and lookup code) is kept in the session, never put in a URL.
- The lookup answers to the number with the phone number given or the lookup code; a wrong pair
  and an unknown number get the same answer, and every attempt counts against
  ``INTERACTION_LOOKUPS_PER_HOUR`` per client address.
- 问答公开 lists only published items (the visitor agreed and the reply was approved), with the name
  masked and no contact details; a page costs the same few queries however long it is.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core.challenge import new_challenge
from core.forms import lenient_filters
from core.http import rate_limited
from core.pii import keyed_hash, normalise
from sitesearch.engine import TextListSearch

from . import clock, flow
from .models import Interaction, Kind, Source, State
from .public_forms import AskForm, LookupForm, QAFilter

PER_PAGE = 10
RECEIPT_KEY = "interaction_receipt"
QA_COLUMNS = (
    "number",
    "kind",
    "subject",
    "body",
    "name",
    "reply",
    "submitted_at",
    "answered_on",
    "department",
    "department__name",
    "department__short_name",
)
# The steps the visitor sees (internal drafting and review are not theirs to follow).
VISITOR_STEPS = frozenset({"submit_new", "accept", "transfer", "approve", "reject", "close"})
ASK_LABELS = {Kind.CONSULTATION: "我要咨询", Kind.COMPLAINT: "我要投诉", Kind.SUGGESTION: "我要建议"}


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


# ---- 问答公开 ------------------------------------------------------------------------------------


def published_items(filters: QAFilter | None = None):
    """The public Q&A queryset: published only, the columns it shows (never the contact fields)."""
    items = Interaction.public_queryset().select_related("department").only(*QA_COLUMNS).order_by("-answered_on", "-pk")
    if filters is None or not filters.is_valid():
        return items
    data = filters.cleaned_data
    if data.get("department"):
        items = items.filter(department=data["department"])
    if data.get("kind"):
        items = items.filter(kind=data["kind"])
    if q := (data.get("q") or "").strip():
        ranked = keyword_ranking(items, q)
        order = Case(*[When(pk=pk, then=i) for i, pk in enumerate(ranked)], output_field=IntegerField())
        items = items.filter(pk__in=ranked).order_by(order, "-answered_on", "-pk")
    return items


# The keyword box of 问答公开: the portal search's analysis of the subjects (words, pinyin,
# initials, Traditional characters, synonyms; docs/search.md), which no search index holds.
QA_SEARCH = TextListSearch("subject")


def keyword_ranking(items, q: str) -> list[int]:
    """Published items the keyword finds, most relevant first; then those whose subject contains
    ``q`` literally, newest first. Two queries whatever the number of items found."""
    found = dict.fromkeys(QA_SEARCH(items, q))
    literal = items.filter(subject__icontains=q).exclude(pk__in=list(found))
    found.update(dict.fromkeys(literal.values_list("pk", flat=True)))
    return list(found)


def public_list(page, request):
    filters = lenient_filters(QAFilter, request.GET)
    paginator = Paginator(published_items(filters if filters.is_bound else None), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "items": page_obj,
        "paginator": paginator,
        "query": query.urlencode(),
        "kinds": [(kind, ASK_LABELS[kind]) for kind in Kind],
    }
    return page.render(request, context_overrides=context)


def qa_detail(page, request, number: str):
    item = published_items().filter(number=number[:20]).first()
    if item is None:
        raise Http404("没有该问答，或尚未公开。")
    return _render(request, page, "interaction/qa_detail.html", {"item": item})


# ---- the form ------------------------------------------------------------------------------


def _origin(request) -> tuple[object | None, object | None, str]:
    """(matter, guide page, source) from ``?matter=`` or ``?guide=`` (unknown values ignored)."""
    from guides.models import GuidePage
    from matters.models import Matter

    source = request.GET.get("guide") or request.POST.get("guide") or ""
    if source.isdigit():
        guide = GuidePage.objects.live().public().filter(pk=int(source)).select_related("matter").first()
        if guide is not None and guide.matter_id:
            matter = Matter.public_queryset().select_related("department").filter(pk=guide.matter_id).first()
            if matter is not None:
                return matter, guide, Source.GUIDE
    source = request.GET.get("matter") or request.POST.get("matter") or ""
    if source.isdigit():
        matter = Matter.public_queryset().select_related("department").filter(pk=int(source)).first()
        if matter is not None:
            return matter, None, Source.MATTER
    return None, None, Source.PORTAL


def ask(page, request, kind: str):
    if kind not in Kind.values:
        raise Http404("没有该类型。")
    matter, guide, source = _origin(request)
    context = {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "title": ASK_LABELS[kind],
        "matter": matter,
        "guide": guide,
        "reply_days": clock.reply_days(kind),
    }
    if request.method == "POST":
        if rate_limited(request, "interaction-submit", settings.INTERACTION_SUBMISSIONS_PER_HOUR):
            return _render(request, page, "interaction/limited.html", {}, status=429)
        form = AskForm(request.POST, kind=kind, matter=matter)
        if form.is_valid():
            try:
                item, _ = flow.submit(
                    form.submission, department=form.target_department, matter=matter, source=source, source_page=guide
                )
            except flow.InteractionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                request.session[RECEIPT_KEY] = item.pk
                return redirect(page.url + page.reverse_subpage("submitted"))
    else:
        form = AskForm(kind=kind, matter=matter)
    question, token = new_challenge()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["challenge_token"] = token
        form.data["challenge_answer"] = ""
    else:
        form.initial["challenge_token"] = token
    context.update(form=form, question=question)
    return _private(_render(request, page, "interaction/ask.html", context))


def receipt(page, request):
    """The receipt after submitting: number and lookup code, from the session."""
    pk = request.session.get(RECEIPT_KEY)
    item = (
        Interaction.objects.select_related("department")
        .only(
            "number", "lookup_code", "kind", "subject", "due_date", "due_provisional", "reply_days", "department__name"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if item is None:
        return redirect(page.url + page.reverse_subpage("lookup"))
    return _private(_render(request, page, "interaction/receipt.html", {"created": item}))


# ---- 进度查询 ------------------------------------------------------------------------------------


def find_item(number: str, phone: str = "", code: str = "") -> Interaction | None:
    """The item with this number and phone number or lookup code; None otherwise, whichever was wrong."""
    number = "".join(number.split()).upper()
    item = Interaction.objects.select_related("department").filter(number=number).first()
    if item is None:
        # Spend the same work as a real comparison, so timing does not tell numbers apart.
        secrets.compare_digest(keyed_hash(phone or code or "-"), keyed_hash("-"))
        return None
    if phone and secrets.compare_digest(item.phone_hash, keyed_hash(phone)):
        return item
    if code and secrets.compare_digest(item.lookup_code.encode(), normalise(code).upper().encode()):
        return item
    return None


def lookup(page, request):
    form = LookupForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    context = {"form": form, "found": None, "looked_up": False}
    if request.method == "POST":
        if rate_limited(request, "interaction-lookup", settings.INTERACTION_LOOKUPS_PER_HOUR):
            return _render(request, page, "interaction/limited.html", {}, status=429)
        if form.is_valid():
            context["looked_up"] = True
            found = find_item(
                form.cleaned_data["number"], form.cleaned_data.get("phone", ""), form.cleaned_data.get("code", "")
            )
            if found is not None:
                steps = [s for s in found.steps.select_related("to_department") if s.action in VISITOR_STEPS]
                left = clock.working_days_left(found)
                context.update(
                    found=found,
                    steps=steps,
                    days_left=left,
                    days_overdue=-left if left is not None and left < 0 else None,
                    answered=found.state in (State.ANSWERED, State.CLOSED),
                )
            # The phone number and the code are not echoed back into the page.
            context["form"] = LookupForm(initial={"number": form.cleaned_data["number"]})
    return _private(_render(request, page, "interaction/lookup.html", context))
