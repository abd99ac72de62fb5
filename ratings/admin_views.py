"""The admin's 好差评 screens: the list, a rating with its handling, the supervisor's overview.

Every read and write asks the one policy (``policy_for(Rating)``): the rating's department handles
its 差评 (核实, 整改, 回访) and may appeal; the 效能监察员 reads all and decides appeals
(``ratings.decide_appeal``). The rater's phone is shown in clear only to whoever handles the
rating (for the 回访), with one audit event per view.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

import audit
from audit import kinds as audit_kinds
from cases.rates import RatesError, default_months, period
from core.pii import mask_phone
from permissions.policy import policy_for

from . import figures, flow
from .models import BAD_LEVELS, OPEN_HANDLING, Appeal, CallbackAnswer, Handling, Rating, RatingChannel

VIEW = ["view", "change"]


def policy():
    return policy_for(Rating)


def visible_ratings(user):
    return policy().instances_user_has_any_permission_for(user, VIEW)


def load_rating(user, pk: int) -> Rating:
    """A rating the user may see, else 404 (a forged id reveals nothing)."""
    rating = (
        visible_ratings(user)
        .select_related("department", "hall", "window", "case", "callback_by", "matter")
        .filter(pk=pk)
        .first()
    )
    if rating is None:
        raise Http404("没有该评价，或您无权查看。")
    return rating


def may_handle(user, rating: Rating) -> bool:
    return policy().user_has_permission_for_instance(user, "change", rating)


class RatingFilterForm(forms.Form):
    q = forms.CharField(label="办件编号或事项", required=False, max_length=50)
    kind = forms.ChoiceField(label="评价", required=False, choices=[("", "全部"), ("good", "好评"), ("bad", "差评")])
    handling = forms.ChoiceField(
        label="整改状态", required=False, choices=[("", "全部"), ("open", "未办结的差评"), *Handling.choices]
    )
    appeal = forms.ChoiceField(
        label="申诉", required=False, choices=[("", "全部"), *[c for c in Appeal.choices if c[0]]]
    )
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部"), *RatingChannel.choices])
    late = forms.BooleanField(label="仅看逾期", required=False)


class RatingIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "ratings/admin/rating_index.html"
    page_title = "好差评"
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RatingFilterForm(self.request.GET or None)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        today = timezone.localdate()
        queryset = visible_ratings(self.request.user).select_related("department", "case", "hall", "window")
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(case__number=q) | Q(matter_name__icontains=q))
        if data.get("kind") == "good":
            queryset = queryset.exclude(level__in=BAD_LEVELS)
        elif data.get("kind") == "bad":
            queryset = queryset.filter(level__in=BAD_LEVELS)
        if data.get("handling") == "open":
            queryset = queryset.filter(handling__in=OPEN_HANDLING, excluded=False)
        elif data.get("handling"):
            queryset = queryset.filter(handling=data["handling"])
        for name in ("appeal", "channel"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("late"):
            queryset = queryset.filter(figures.late(today), excluded=False)
        page = Paginator(queryset.order_by("-rated_at", "-pk"), 50).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            page_obj=page,
            rows=[(rating, rating.is_late(today)) for rating in page],
            query=query.urlencode(),
            may_supervise=self.request.user.has_perm("ratings.view_rating"),
        )
        return context


class RatingDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "ratings/admin/rating_detail.html"
    header_icon = "pick"

    @property
    def page_title(self):
        return f"评价：{self.rating.get_level_display()}"

    def dispatch(self, request, *args, **kwargs):
        self.rating = load_rating(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("ratings_index"), "label": "好差评"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rating, user = self.rating, self.request.user
        handling = may_handle(user, rating)
        contact = ""
        if handling and rating.real_name and rating.handling == Handling.CALLBACK:
            contact = callback_contact(rating)
            if contact:
                audit.record(audit_kinds.PII_VIEW, request=self.request, obj=rating, view="rating_callback")
        elif rating.real_name:
            contact = mask_phone(rating.case.phone) if rating.case_id else rating.masked_contact_phone
        case_url = ""
        if rating.case_id:
            from cases.admin_views import visible_cases

            if visible_cases(user).filter(pk=rating.case_id).exists():
                case_url = reverse("cases_detail", args=[rating.case_id])
        context.update(
            rating=rating,
            steps=list(rating.steps.select_related("actor")),
            may_handle=handling,
            may_decide=user.has_perm("ratings.decide_appeal") and rating.appeal == Appeal.PENDING,
            may_appeal=handling and not rating.appeal and not rating.excluded,
            contact=contact,
            case_url=case_url,
            late=rating.is_late(timezone.localdate()),
            callback_answers=CallbackAnswer.choices,
            Handling=Handling,
        )
        return context


def callback_contact(rating: Rating) -> str:
    """Who to call back and on which number (in clear: for the handler only)."""
    if rating.case_id:
        case = rating.case
        return f"{case.applicant_name}（{case.contact_person + '，' if case.contact_person else ''}{case.phone}）"
    if rating.contact_phone:
        return f"{rating.contact_name}（{rating.contact_phone}）"
    return ""


ACTIONS = {  # the steps an admin form posts, and what they are called in messages
    "verify": "核实",
    "rectify": "登记整改",
    "callback": "登记回访",
    "appeal": "申诉",
    "uphold": "申诉成立",
    "reject_appeal": "申诉不成立",
}


class RatingActionView(View):
    """One POSTed step; refused steps change nothing and say why."""

    def post(self, request, pk: int):
        rating = load_rating(request.user, pk)
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404("没有该操作。")
        deciding = action in ("uphold", "reject_appeal")
        allowed = request.user.has_perm("ratings.decide_appeal") if deciding else may_handle(request.user, rating)
        if not allowed:
            raise PermissionDenied
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        text = request.POST.get("note", "")
        user = request.user
        try:
            if action == "verify":
                flow.verify(rating.pk, text, user=user, revision=revision)
            elif action == "rectify":
                flow.rectify(rating.pk, text, user=user, revision=revision)
            elif action == "callback":
                flow.callback(rating.pk, request.POST.get("answer", ""), text, user=user, revision=revision)
            elif action == "appeal":
                flow.appeal(rating.pk, text, user=user, revision=revision)
            else:
                flow.decide_appeal(rating.pk, action == "uphold", text, user=user, revision=revision)
        except flow.RatingError as error:
            messages.error(request, f"{ACTIONS[action]}未完成：{error.message}")
        else:
            messages.success(request, f"已{ACTIONS[action]}。")
        return redirect("ratings_detail", pk=rating.pk)


# ---- 好差评监督 ------------------------------------------------------------------------------------


class RatingSupervisionView(WagtailAdminTemplateMixin, TemplateView):
    """Per department: 评价数, 好评率, 差评, 整改率, 实名差评回访整改率 (target 100%), late ones, appeals."""

    template_name = "ratings/admin/supervision.html"
    page_title = "好差评监督"
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("ratings_index"), "label": "好差评"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        default_start, default_end = default_months(today)
        error = ""
        try:
            start, end = period(
                self.request.GET.get("start") or default_start, self.request.GET.get("end") or default_end
            )
        except RatesError as refused:
            error, (start, end) = refused.message, period(default_start, default_end)
        visible = visible_ratings(self.request.user)
        rows = figures.figures(visible, "department", start, end, today)
        late = (
            visible.filter(figures.late(today), excluded=False)
            .select_related("department", "case")
            .order_by("rectify_due", "pk")
        )
        context.update(
            rows=rows,
            total=figures.combine(rows),
            start=start,
            end=end,
            start_month=f"{start:%Y-%m}",
            end_month=f"{end:%Y-%m}",
            error=error,
            late=list(late[:100]),
            late_count=late.count(),
            appeals=list(
                visible.filter(appeal=Appeal.PENDING).select_related("department", "case").order_by("rated_at")[:100]
            ),
            may_decide=self.request.user.has_perm("ratings.decide_appeal"),
        )
        return context


# ---- dashboard --------------------------------------------------------------------------------------


class RatingsPanel(Component):
    """Dashboard: the user's open 差评, the late ones, and appeals waiting for a decision."""

    name = "ratings"
    template_name = "ratings/admin/ratings_panel.html"
    order = 55

    def __init__(self, counts: dict):
        self.counts = counts

    def get_context_data(self, parent_context=None):
        return {
            **self.counts,
            "index_url": reverse("ratings_index"),
            "supervision_url": reverse("ratings_supervision"),
        }


def add_ratings_panel(request, panels) -> None:
    if not policy().user_has_any_permission(request.user, VIEW):
        return
    today = timezone.localdate()
    visible = visible_ratings(request.user).filter(excluded=False)
    counts = visible.aggregate(
        open=Count("pk", filter=Q(handling__in=OPEN_HANDLING)),  # the list's 未办结的差评
        late=Count("pk", filter=figures.late(today)),
        appeals=Count("pk", filter=Q(appeal=Appeal.PENDING)),
        real_bad=Count("pk", filter=figures.REAL_BAD & Q(rated_on__year=today.year)),
        real_bad_done=Count("pk", filter=figures.REAL_BAD & figures.CALLED_BACK & Q(rated_on__year=today.year)),
    )
    if any(counts.values()):
        real_bad, done = counts.pop("real_bad"), counts.pop("real_bad_done")
        counts["callback_rate"] = done / real_bad if real_bad else None
        counts["year"] = today.year
        panels.append(RatingsPanel(counts))
