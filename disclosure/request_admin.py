"""Staff console for requests for disclosure (依申请公开办理).

Every view asks the permission policy: the listing shows the requests the user may view (the
disclosure office: all; a department: those assigned to it), a request the user may not see is
a 404. Listings and exports mask applicants' ID and phone numbers; the detail page shows them
only to handlers (who may change the request). Steps go through ``request_flow``.
"""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from permissions.models import Department
from permissions.policy import policy_for
from permissions.viewsets import guard_instance

from . import request_flow as flow
from .request_forms import RequestForm
from .request_models import (
    CLOCK_RUNNING,
    REPLY_SUBREASONS,
    SUBREASON_CHOICES,
    Channel,
    DisclosureRequest,
    ReplyType,
    RequestStatus,
)
from .request_views import create_request

VIEW = ("view", "change")


def policy():
    return policy_for(DisclosureRequest)


def visible_requests(user):
    return policy().instances_user_has_any_permission_for(user, VIEW).select_related("department")


def may_see_pii(user, request: DisclosureRequest | None = None) -> bool:
    """Handlers see applicants' numbers: whoever may change this request (or holds view_pii)."""
    if user.has_perm("disclosure.view_pii"):
        return True
    return request is not None and policy().user_has_permission_for_instance(user, "change", request)


# ---- listing -----------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    q = forms.CharField(label="查询码或申请人", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RequestStatus.choices])
    department = forms.ModelChoiceField(label="办理部门", required=False, queryset=Department.objects.active())
    deadline = forms.ChoiceField(
        label="时限", required=False, choices=[("", "全部"), ("overdue", "已超期"), ("soon", "3个工作日内到期")]
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label="答复日期自", required=False)
    end = forms.DateField(label="至", required=False)


def on_time_by_department(user, start: datetime.date, end: datetime.date) -> list[tuple[Department, dict]]:
    """Each department in the user's scope with its on-time rate for the period (pauses honoured)."""
    visible = visible_requests(user)
    department_ids = visible.filter(reply_date__gte=start, reply_date__lte=end).values("department_id").distinct()
    return [
        (department, flow.on_time_rate(start, end, department, queryset=visible))
        for department in Department.objects.filter(pk__in=department_ids).order_by("sort_order", "name")
    ]


class RequestIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "disclosure/admin/request_index.html"
    page_title = "依申请公开办理"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def filtered(self):
        queryset = visible_requests(self.request.user)
        form = RequestFilterForm(self.request.GET or None)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(tracking_code__iexact=q) | Q(name__icontains=q))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("department"):
            queryset = queryset.filter(department=data["department"])
        if data.get("deadline"):
            overdue, soon = flow.due_soon_and_overdue(queryset)
            queryset = overdue if data["deadline"] == "overdue" else soon
        return form, queryset.order_by("-submitted_at", "-pk")

    def get(self, request, *args, **kwargs):
        _form, queryset = self.filtered()
        if request.GET.get("export") == "csv":
            return export_csv(request.user, queryset)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, queryset = self.filtered()
        page = Paginator(queryset, 50).get_page(self.request.GET.get("p"))
        today = timezone.localdate()
        query = self.request.GET.copy()
        query.pop("p", None)
        period = PeriodForm(self.request.GET or None)
        period.is_valid()
        start = getattr(period, "cleaned_data", {}).get("start") or datetime.date(today.year, 1, 1)
        end = getattr(period, "cleaned_data", {}).get("end") or today
        context.update(
            period=period,
            period_start=start,
            period_end=end,
            on_time=on_time_by_department(self.request.user, start, end),
            form=form,
            page_obj=page,
            rows=[(r, flow.working_days_left(r, today) if r.status in CLOCK_RUNNING else None) for r in page],
            query=query.urlencode(),
            may_add=policy().user_has_permission(self.request.user, "add"),
        )
        return context


def export_csv(user, queryset) -> HttpResponse:
    """The listing as CSV (UTF-8 with BOM for Excel); ID and phone only for those entitled."""
    full = user.has_perm("disclosure.view_pii")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disclosure-requests.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "查询码",
            "申请人",
            "申请人类型",
            "证件号码",
            "联系电话",
            "办理部门",
            "收到日期",
            "答复期限",
            "状态",
            "答复类型",
        ]
    )
    for r in queryset:
        writer.writerow(
            [
                r.tracking_code,
                r.name if full else r.masked_name,
                r.get_applicant_type_display(),
                r.id_number if full else r.masked_id_number,
                r.phone if full else r.masked_phone,
                r.department.name,
                r.received_date,
                r.due_date or "",
                r.get_status_display(),
                r.get_reply_type_display() if r.reply_type else "",
            ]
        )
    return response


# ---- registering an application received in person or by post ---------------------------


class StaffRequestForm(RequestForm):
    channel = forms.ChoiceField(
        label="申请渠道", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE], initial=Channel.IN_PERSON
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = policy().departments_for_action(user, "add")


class RequestCreateView(WagtailAdminTemplateMixin, FormView):
    template_name = "disclosure/admin/request_form.html"
    page_title = "录入政府信息公开申请"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return StaffRequestForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form):
        created = create_request(form, form.cleaned_data["channel"], user=self.request.user)
        messages.success(self.request, f"已录入申请，查询码 {created.tracking_code}。")
        return redirect("disclosure_request_detail", created.pk)


# ---- one request -------------------------------------------------------------------------


class ActionForm(forms.Form):
    """All step inputs; each step reads the ones it needs."""

    received_date = forms.DateField(label="收到申请日期", required=False)
    department = forms.ModelChoiceField(label="转办部门", required=False, queryset=Department.objects.active())
    note = forms.CharField(label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="补正期限", required=False)
    third_party = forms.CharField(label="第三方", required=False, max_length=200)
    day = forms.DateField(label="日期", required=False)
    days = forms.IntegerField(label="延长工作日", required=False, min_value=1, max_value=flow.MAX_EXTENSION_DAYS)
    approver = forms.CharField(label="批准人", required=False, max_length=50)
    reply_type = forms.ChoiceField(label="答复类型", required=False, choices=[("", "---"), *ReplyType.choices])
    subreason = forms.ChoiceField(label="具体情形", required=False, choices=[("", "---"), *SUBREASON_CHOICES])
    letter = forms.CharField(
        label="答复书", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 12})
    )


STEPS = {
    # name: (label, statuses in which it is offered, right)
    "register": ("登记", [RequestStatus.SUBMITTED], "change"),
    "assign": ("转办", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.CONSULTATION], "change"),
    "amendment": ("告知补正", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "change"),
    "receive_amendment": ("收到补正", [RequestStatus.AMENDMENT], "change"),
    "consultation": ("征求第三方意见", [RequestStatus.REGISTERED], "change"),
    "end_consultation": ("收到第三方意见", [RequestStatus.CONSULTATION], "change"),
    "extend": ("延期", [RequestStatus.REGISTERED], "publish"),
    "reply": ("答复", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.AMENDMENT], "change"),
    "close": ("归档", [RequestStatus.REPLIED], "change"),
}


def run_step(name: str, request: DisclosureRequest, user, data: dict) -> DisclosureRequest:
    """Dispatch a step with the form's values; missing values become the step's own message."""
    today = timezone.localdate()
    day = data.get("day") or today
    if name == "register":
        return flow.register(request, user, data.get("received_date"))
    if name == "assign":
        if not data.get("department"):
            raise flow.FlowError("请选择转办部门。")
        return flow.assign(request, user, data["department"], data.get("note") or "")
    if name == "amendment":
        if not data.get("deadline"):
            raise flow.FlowError("请填写补正期限。")
        return flow.ask_amendment(request, user, data.get("note") or "", data["deadline"])
    if name == "receive_amendment":
        return flow.receive_amendment(request, user, day)
    if name == "consultation":
        return flow.start_consultation(request, user, data.get("third_party") or "", day)
    if name == "end_consultation":
        return flow.end_consultation(request, user, day)
    if name == "extend":
        return flow.extend(request, user, data.get("days") or 0, data.get("approver") or "", data.get("note") or "")
    if name == "reply":
        return flow.reply(
            request, user, data.get("reply_type") or "", data.get("subreason") or "", data.get("letter") or "", day
        )
    if name == "close":
        return flow.close(request, user)
    raise Http404


def _load(user, pk: int) -> DisclosureRequest:
    request = get_object_or_404(DisclosureRequest.objects.select_related("department"), pk=pk)
    guard_instance(user, request, VIEW)  # invisible: 404; visible without the right: refused
    return request


class RequestDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "disclosure/admin/request_detail.html"
    page_title = "依申请公开办理"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.object = _load(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.tracking_code

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        steps = [
            (name, label)
            for name, (label, statuses, right) in STEPS.items()
            if r.status in statuses and flow.may(user, right, r)
        ]
        reply_type = self.request.GET.get("reply_type", "")
        subreason = self.request.GET.get("subreason", "")
        draft = flow.draft_letter(r, reply_type, subreason) if reply_type in ReplyType.values else ""
        context.update(
            r=r,
            pii=may_see_pii(user, r),
            steps=steps,
            form=ActionForm(initial={"reply_type": reply_type, "subreason": subreason, "letter": draft}),
            history=r.history.select_related("history_user").order_by("-history_date", "-history_id"),
            days_left=flow.working_days_left(r),
            subreasons=REPLY_SUBREASONS,
        )
        return context


class RequestActionView(View):
    """POST a step; errors come back as messages in Chinese and nothing is changed."""

    def post(self, request, pk: int, step: str):
        target = _load(request.user, pk)
        if step not in STEPS:
            raise Http404
        form = ActionForm(request.POST)
        if not form.is_valid():
            problems = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
            messages.error(request, f"{STEPS[step][0]}未完成：{problems}")
            return redirect("disclosure_request_detail", pk)
        try:
            run_step(step, target, request.user, form.cleaned_data)
        except flow.FlowError as error:
            messages.error(request, f"{STEPS[step][0]}未完成：{error}")
        else:
            messages.success(request, f"已{STEPS[step][0]}。")
        return redirect("disclosure_request_detail", pk)


class AttachmentView(View):
    """The applicant's attachment, to handlers only (never a public URL)."""

    def get(self, request, pk: int):
        target = _load(request.user, pk)
        if not target.attachment or not may_see_pii(request.user, target):
            raise Http404
        return FileResponse(
            target.attachment.open("rb"), as_attachment=True, filename=target.attachment.name.split("/")[-1]
        )


# ---- dashboard ---------------------------------------------------------------------------


class RequestDeadlinesPanel(Component):
    """Dashboard: overdue requests and those due within 3 working days, for the user's scope."""

    name = "disclosure_deadlines"
    template_name = "disclosure/admin/dashboard_panel.html"
    order = 40

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        overdue, soon = flow.due_soon_and_overdue(visible_requests(self.request.user))
        today = timezone.localdate()
        year_start = datetime.date(today.year, 1, 1)
        return {
            "overdue": list(overdue[:20]),
            "soon": list(soon[:20]),
            "overdue_count": overdue.count(),
            "soon_count": soon.count(),
            "index_url": reverse("disclosure_requests"),
            "rate": flow.on_time_rate(year_start, today, queryset=visible_requests(self.request.user)),
        }
