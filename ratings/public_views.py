"""The public views of ``RatingIndexPage``: 评价公示 (figures), rating a case, rating an online service.

- A case is rated through a signed link (``ratings.links``): the QR code on its papers, or the
  progress page once the applicant has looked it up. The page shows the matter, the department and
  the completion date, never the applicant. Before completion, or after this channel's rating, it says so.
- A service used online without a case is rated from its matter's page, with the challenge, the
  hidden field and a limit per client address (``RATINGS_PER_HOUR``).
- The figures are counts and rates per department, hall, matter or month (``ratings.figures``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from cases.models import COMPLETED, Case
from cases.rates import RatesError, default_months, period
from core.cache import cached
from core.challenge import new_challenge
from core.http import rate_limited
from matters.models import Matter

from . import figures, flow
from .links import read_token
from .models import Rating
from .public_forms import RatingForm, ServiceRatingForm

THANKS_KEY = "ratings_thanks"


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    response = TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _limited(request, page):
    return _render(request, page, "cases/limited.html", {}, status=429)


# ---- 评价公示 ------------------------------------------------------------------------------------


def public_figures(by: str, start, end) -> dict:
    """The public figures (cached until the next rating or exclusion)."""

    def build() -> dict:
        today = timezone.localdate()
        rows = figures.figures(None, by, start, end, today)
        return {"rows": rows, "total": figures.combine(rows)}

    return cached(f"ratings:figures:{by}:{start}:{end}", build, (flow.FIGURES_VERSION,), 300)


def figures_page(page, request):
    default_start, default_end = default_months(timezone.localdate())
    data = request.GET
    by = data.get("by") if data.get("by") in figures.DIMENSIONS else "department"
    error = ""
    try:
        start, end = period(data.get("start") or default_start, data.get("end") or default_end)
    except RatesError as refused:
        error = refused.message.replace("参数 from（起始月份）", "起始月份").replace("参数 to（截止月份）", "截止月份")
        start, end = period(default_start, default_end)
    result = public_figures(by, start, end)
    context = {
        "by": by,
        "by_label": figures.DIMENSIONS[by],
        "dimensions": figures.DIMENSIONS,
        "start": start,
        "end": end,
        "start_month": f"{start:%Y-%m}",
        "end_month": f"{end:%Y-%m}",
        "rows": result["rows"],
        "total": result["total"],
        "error": error,
    }
    return page.render(request, context_overrides=context)


# ---- rating a case ---------------------------------------------------------------------------------


def rate_case(page, request, token: str):
    found = read_token(token)
    case = (
        Case.objects.select_related("department")
        .only("number", "matter_name", "state", "completed_on", "department__name", "department", "hall")
        .filter(pk=found[0])
        .first()
        if found
        else None
    )
    if case is None:
        raise Http404("评价链接无效或已过期。")
    channel = found[1]
    context = {"case": case, "channel": channel}
    if case.state not in COMPLETED:
        return _render(request, page, "ratings/rate_case.html", {**context, "not_yet": True})
    existing = Rating.objects.filter(case=case, channel=channel).only("level", "rated_at").first()
    if existing is not None:
        return _render(request, page, "ratings/rate_case.html", {**context, "existing": existing})
    if request.method == "POST":
        if rate_limited(request, "ratings", settings.RATINGS_PER_HOUR):
            return _limited(request, page)
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                rating = flow.rate_case(case.pk, channel, form.submission)
            except flow.RatingConflict:
                existing = Rating.objects.filter(case=case, channel=channel).first()
                return _render(request, page, "ratings/rate_case.html", {**context, "existing": existing})
            except flow.RatingError as error:
                form.add_error(None, error.message)
            else:
                request.session[THANKS_KEY] = rating.pk
                return redirect(page.url + page.reverse_subpage("thanks"))
    else:
        form = RatingForm()
    return _render(request, page, "ratings/rate_case.html", {**context, "form": form})


# ---- rating a service used online -----------------------------------------------------------------


def rate_service(page, request, matter_id: int):
    matter = Matter.public_queryset().filter(pk=matter_id).select_related("department").first()
    if matter is None:
        raise Http404("没有该事项。")
    if request.method == "POST":
        if rate_limited(request, "ratings", settings.RATINGS_PER_HOUR):
            return _limited(request, page)
        form = ServiceRatingForm(request.POST)
        if form.is_valid():
            rating = flow.rate_service(matter, form.submission)
            request.session[THANKS_KEY] = rating.pk
            return redirect(page.url + page.reverse_subpage("thanks"))
    else:
        form = ServiceRatingForm()
    question, challenge = new_challenge()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["challenge_token"], form.data["challenge_answer"] = challenge, ""
    else:
        form.initial["challenge_token"] = challenge
    return _render(request, page, "ratings/rate_service.html", {"matter": matter, "form": form, "question": question})


def thanks(page, request):
    pk = request.session.get(THANKS_KEY)
    rating = Rating.objects.filter(pk=pk).only("level", "handling", "real_name", "rectify_due").first() if pk else None
    if rating is None:
        return redirect(page.url)
    return _render(request, page, "ratings/thanks.html", {"rating": rating})
