"""The admin's screens for 咨询投诉建议: the list with lights, an item with its steps and next actions,
and the dashboard panel.

Every read and write asks the one policy (``policy_for(Interaction)``): the owner department's
内容维护员 and 审核员 see and handle its items, only the 审核员 approves or returns a reply (action
``publish``), the 效能监察员 reads every department's items (model-level ``view_interaction``).
The visitor's phone number and e-mail are shown in clear only to whoever may act on the item, one
audit event per view.
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
from permissions.models import Department
from permissions.policy import policy_for

from . import clock, flow
from .models import CLOCK_STATES, REPLY_LIMIT, Interaction, Kind, Light, Satisfaction, State
from .states import ACTIONS, next_actions

VIEW = ["view", "change"]


def policy():
    return policy_for(Interaction)


def visible_items(user):
    return policy().instances_user_has_any_permission_for(user, VIEW)


def load_item(user, pk: int) -> Interaction:
    """An item the user may see, else 404 (a forged id reveals nothing)."""
    item = (
        visible_items(user)
        .select_related("department", "matter", "reply_drafted_by", "reply_approved_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("没有该事项，或您无权查看。")
    return item


def permissions_on(user, item: Interaction) -> set[str]:
    """The step permissions (``change``, ``publish``) the user holds on the item."""
    return {p for p in ("change", "publish") if policy().user_has_permission_for_instance(user, p, item)}


# ---- the list ------------------------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(label="编号或主题", required=False, max_length=50)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *Kind.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    light = forms.ChoiceField(
        label="监察状态", required=False, choices=[("", "全部"), *[c for c in Light.choices if c[0]]]
    )
    department = forms.ModelChoiceField(label="部门", required=False, queryset=Department.objects.none())
    hotline = forms.BooleanField(label="仅12345转入", required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments if departments is not None else Department.objects.none()


class IndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/index.html"
    page_title = "咨询投诉建议"
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = visible_items(self.request.user)
        departments = Department.objects.filter(pk__in=items.values("department_id")).order_by("sort_order", "name")
        form = FilterForm(self.request.GET or None, departments=departments)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        items = items.select_related("department")
        if q := (data.get("q") or "").strip():
            items = items.filter(Q(number=q.upper()) | Q(subject__icontains=q) | Q(hotline_ticket=q))
        for name in ("kind", "state", "light", "department"):
            if data.get(name):
                items = items.filter(**{name: data[name]})
        if data.get("hotline"):
            items = items.exclude(hotline_ticket="")
        page = Paginator(items.order_by("-submitted_at", "-pk"), 50).get_page(self.request.GET.get("p"))
        today = timezone.localdate()
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            page_obj=page,
            rows=[(item, clock.working_days_left(item, today)) for item in page],
            query=query.urlencode(),
        )
        return context


# ---- one item ------------------------------------------------------------------------------


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, a.label) for k, a in ACTIONS.items()])
    note = forms.CharField(label="意见或理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    reply = forms.CharField(
        label="答复内容", required=False, max_length=REPLY_LIMIT, widget=forms.Textarea(attrs={"rows": 8})
    )
    department = forms.ModelChoiceField(
        label="转办至", required=False, queryset=Department.objects.none(), empty_label="请选择部门"
    )
    withhold = forms.BooleanField(label="不予公开（即使来信人同意）", required=False)
    satisfaction = forms.ChoiceField(label="回访结果", required=False, choices=Satisfaction.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.active().order_by("sort_order", "name")
        if item is not None:
            departments = departments.exclude(pk=item.department_id)
        self.fields["department"].queryset = departments


class DetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/detail.html"
    header_icon = "help"

    def get_page_title(self):
        return f"{self.item.get_kind_display()} {self.item.number}"

    def dispatch(self, request, *args, **kwargs):
        self.item = load_item(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("interaction_index"), "label": "咨询投诉建议"},
            {"url": "", "label": self.item.number},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.item, self.request.user
        held = permissions_on(user, item)
        pii = "change" in held
        if pii:
            audit.record(audit_kinds.PII_VIEW, request=self.request, obj=item, view="interaction_detail")
        actions = next_actions(item.state, held)
        if not item.published:
            actions = [a for a in actions if a.key != "unpublish"]
        context.update(
            item=item,
            pii=pii,
            actions=actions,
            action_keys={a.key for a in actions},
            step_form=StepForm(item=item, initial={"revision": item.revision, "reply": item.reply}),
            steps=list(item.steps.select_related("from_department", "to_department")),
            days_left=clock.working_days_left(item),
            used_days=clock.used_days(item),
        )
        return context


class ActionView(View):
    """POST one step; a refusal comes back as a Chinese message and nothing changes."""

    def post(self, request, pk: int):
        item = load_item(request.user, pk)
        form = StepForm(request.POST, item=item)
        if not form.is_valid():
            messages.error(
                request, "提交的内容有误：" + "；".join(e for errors in form.errors.values() for e in errors)
            )
            return redirect("interaction_detail", pk)
        data = form.cleaned_data
        if not flow.may(request.user, data["action"], item):
            raise PermissionDenied
        step = flow.Step(
            action=data["action"],
            note=data["note"],
            reply=data["reply"] if data["action"] in ("draft", "submit") else None,
            department=data["department"],
            publish=not data["withhold"],
            satisfaction=data["satisfaction"],
            expected_revision=data["revision"],
        )
        try:
            item = flow.act(item.pk, step, user=request.user)
        except flow.InteractionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已{ACTIONS[data['action']].label}：现为“{item.get_state_display()}”。")
            if not visible_items(request.user).filter(pk=pk).exists():  # transferred out of reach
                return redirect("interaction_index")
        return redirect("interaction_detail", pk)


# ---- the dashboard -------------------------------------------------------------------------


def dashboard_counts(user) -> dict[str, int]:
    """Open, yellow and red items of the user's departments (one query)."""
    return (
        visible_items(user)
        .filter(state__in=CLOCK_STATES)
        .aggregate(
            open=Count("pk"),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            red=Count("pk", filter=Q(light=Light.RED)),
            review=Count("pk", filter=Q(state=State.REVIEW)),
        )
    )


class DashboardPanel(Component):
    """Home dashboard: 咨询投诉建议 in hand, in warning and overdue, for the user's departments."""

    name = "interaction_panel"
    template_name = "interaction/admin/dashboard_panel.html"
    order = 45

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        items = visible_items(self.request.user)
        warned = items.filter(state__in=CLOCK_STATES, light__in=(Light.YELLOW, Light.RED)).select_related("department")
        return {
            "counts": dashboard_counts(self.request.user),
            "warned": list(warned.order_by("due_date", "pk")[:10]),
            "index_url": reverse("interaction_index"),
        }
