"""Staff console for requests for disclosure (依申请公开办理).

Every view asks the permission policy: the listing shows the requests the user may view (the
disclosure office: all; a department: those assigned to it), a request the user may not see is
a 404. Listings and exports mask applicants' ID and phone numbers; the detail page shows them
only to handlers (who may change the request). Steps go through ``request_flow``. A number no key
decrypts makes the detail page and the export answer 503 with the operator's message
(``core.middleware``; docs/personal-data.md), never a placeholder.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
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
from wagtail.admin.widgets import AdminDateInput

import audit
from audit import kinds as audit_kinds
from core.http import download_response
from core.spreadsheets import safe_writer
from permissions.models import Department
from permissions.policy import policy_for
from permissions.viewsets import guard_instance

from . import letters as letter_texts
from . import request_flow as flow
from .request_forms import RequestForm
from .request_models import (
    ARRIVAL_LABELS,
    CLOCK_RUNNING,
    REPLY_SUBREASONS,
    SUBREASON_CHOICES,
    Channel,
    ConsultationOutcome,
    DeliveryMethod,
    DisclosureRequest,
    FeeMethod,
    FeeStatus,
    Letter,
    LetterAttachment,
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
        label="时限",
        required=False,
        choices=[("", "全部"), ("overdue", "已超期（含第三方、补正、缴费期限）"), ("soon", "3个工作日内到期")],
    )
    year = forms.IntegerField(label="收到年度", required=False, min_value=2000, max_value=2100)


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

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

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
        if data.get("year"):
            queryset = queryset.filter(received_date__year=data["year"])
        if data.get("deadline"):
            overdue, soon = flow.due_soon_and_overdue(queryset)
            return form, overdue if data["deadline"] == "overdue" else soon
        return form, flow.with_action_deadline(queryset).order_by("-submitted_at", "-pk")

    def get(self, request, *args, **kwargs):
        _form, queryset = self.filtered()
        if request.GET.get("export") == "csv":
            return export_csv(request.user, queryset, request=request)
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
            rows=[(r, flow.clock.working_days_left(r.action_deadline, today)) for r in page],
            action_labels=flow.ACTION_LABELS,
            query=query.urlencode(),
            may_add=policy().user_has_permission(self.request.user, "add"),
        )
        return context


def export_csv(user, queryset, request=None) -> HttpResponse:
    """The listing as CSV (UTF-8 with BOM for Excel); ID and phone only for those entitled.

    Every export is one event in the security audit log with the ids of the requests exported
    (never their contents) and whether numbers were in clear (GB/T 22239-2019 8.1.4.3 a);
    《个人信息保护法》第五十一条).
    """
    full = user.has_perm("disclosure.view_pii")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disclosure-requests.csv"'
    response.write("\ufeff")
    writer = safe_writer(response)
    writer.writerow(
        [
            "查询码",
            "申请人",
            "申请人类型",
            "证件号码",
            "联系电话",
            "办理部门",
            "申请渠道",
            "递交日期",
            "收到日期",
            "答复期限",
            "状态",
            "答复类型",
            "具体情形",
            "答复日期",
            "按时答复",
        ]
    )
    exported: list[int] = []
    for r in queryset:
        exported.append(r.pk)
        due = (f"{r.due_date:%Y-%m-%d}" + ("（预计）" if r.due_provisional else "")) if r.due_date else ""
        on_time = "" if not (r.reply_date and r.due_date) else ("是" if r.reply_date <= r.due_date else "否")
        writer.writerow(
            [
                r.tracking_code,
                r.name if full else r.masked_name,
                r.get_applicant_type_display(),
                r.id_number if full else r.masked_id_number,
                r.phone if full else r.masked_phone,
                r.department.name,
                r.get_channel_display(),
                r.arrived_date,
                f"{r.received_date:%Y-%m-%d}" + ("（预计）" if r.received_provisional else ""),
                due,
                r.get_status_display(),
                r.get_reply_type_display() if r.reply_type else "",
                r.subreason_label,
                r.reply_date or "",
                on_time,
            ]
        )
    audit.record(
        audit_kinds.PII_EXPORT,
        request=request,
        user=user,
        obj=DisclosureRequest,
        format="csv",
        count=len(exported),
        ids=exported,
        numbers_in_clear=full,
    )
    return response


# ---- registering an application received in person or by post ---------------------------


class StaffRequestForm(RequestForm):
    """An application received at the hall, by post, ordinary mail or fax, typed in by staff.

    The arrival date is what happened (handed in, signed for, confirmed, faxed); the receipt date
    follows from it by art. 31 — a hall application on a Saturday is received that Saturday.
    """

    channel = forms.ChoiceField(
        label="申请渠道", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE], initial=Channel.IN_PERSON
    )
    arrived_date = forms.DateField(
        label="递交日期",
        help_text="当面申请为递交之日；信函申请为签收之日；平常信函为与申请人确认之日；传真为收到之日。",
        widget=AdminDateInput,
    )

    field_order = ["channel", "arrived_date"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = policy().departments_for_action(user, "add")
        self.fields["arrived_date"].initial = timezone.localdate()

    def clean_arrived_date(self):
        day = self.cleaned_data["arrived_date"]
        if day > timezone.localdate():
            raise forms.ValidationError("递交日期不能晚于今天。")
        return day

    def clean(self):
        cleaned = super().clean()
        channel, day = cleaned.get("channel"), cleaned.get("arrived_date")
        if channel and day is None and "arrived_date" not in self.errors:
            self.add_error("arrived_date", f"请填写{ARRIVAL_LABELS.get(channel, '递交日期')}。")
        return cleaned


class RequestCreateView(WagtailAdminTemplateMixin, FormView):
    template_name = "disclosure/admin/request_form.html"
    page_title = "录入政府信息公开申请"
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("disclosure_requests"), "label": "依申请公开办理"},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return StaffRequestForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form):
        created = create_request(
            form, form.cleaned_data["channel"], user=self.request.user, arrived=form.cleaned_data["arrived_date"]
        )
        received = letter_texts.cn_date(created.received_date, created.received_provisional)
        messages.success(self.request, f"已录入申请，查询码 {created.tracking_code}，收到申请日期 {received}。")
        return redirect("disclosure_request_detail", created.pk)


# ---- one request -------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is checked by content later."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class ActionForm(forms.Form):
    """All step inputs; each step reads the ones it needs."""

    arrived_date = forms.DateField(label="递交日期（更正）", required=False, widget=AdminDateInput)
    department = forms.ModelChoiceField(label="转办部门", required=False, queryset=Department.objects.active())
    note = forms.CharField(label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="补正期限", required=False, widget=AdminDateInput)
    third_party = forms.CharField(label="第三方", required=False, max_length=200)
    outcome = forms.ChoiceField(label="第三方意见", required=False, choices=[("", "---"), *ConsultationOutcome.choices])
    day = forms.DateField(label="日期", required=False, widget=AdminDateInput, help_text="留空为今天。")
    days = forms.IntegerField(label="延长工作日", required=False, min_value=1, max_value=flow.MAX_EXTENSION_DAYS)
    approver = forms.CharField(label="批准人", required=False, max_length=50)
    reason = forms.CharField(label="理由", required=False, max_length=300)
    late_reason = forms.CharField(label="补记原因（日期早于今天时必填）", required=False, max_length=200)
    method = forms.ChoiceField(label="计收方式", required=False, choices=[("", "---"), *FeeMethod.choices])
    pages = forms.IntegerField(label="页数", required=False, min_value=1, max_value=1_000_000)
    fee_outcome = forms.ChoiceField(
        label="缴费结果", required=False, choices=[("", "---"), (FeeStatus.PAID, "已缴费"), (FeeStatus.WAIVED, "减免")]
    )
    amount = forms.DecimalField(label="实缴金额（元）", required=False, min_value=0, max_digits=10, decimal_places=2)
    receipt_number = forms.CharField(label="缴款凭证号", required=False, max_length=50)
    primary = forms.CharField(label="合并到的申请（查询码）", required=False, max_length=20)
    reply_type = forms.ChoiceField(label="答复类型", required=False, choices=[("", "---"), *ReplyType.choices])
    subreason = forms.ChoiceField(label="具体情形", required=False, choices=[("", "---"), *SUBREASON_CHOICES])
    letter = forms.CharField(
        label="答复书", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 14})
    )
    files = MultipleFileField(
        label="提供的政府信息（附件）",
        required=False,
        help_text="PDF、OFD、Word、Excel 或图片；按内容检查类型，不作公开发布。",
    )

    def __init__(self, *args, reply_type: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if reply_type in REPLY_SUBREASONS:
            # Only the sub-reasons of the chosen reply type (the annual report's rows).
            self.fields["subreason"].choices = [("", "---"), *REPLY_SUBREASONS[reply_type]]
        elif reply_type in ReplyType.values:
            self.fields["subreason"].choices = [("", "（无具体情形）")]


class LetterDeliveryForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    delivered_on = forms.DateField(label="送达日期", widget=AdminDateInput)
    recipient = forms.CharField(label="签收人或收件人", max_length=100)
    reference = forms.CharField(label="邮件单号或地址", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)


OPEN = [
    RequestStatus.SUBMITTED,
    RequestStatus.REGISTERED,
    RequestStatus.AMENDMENT,
    RequestStatus.CONSULTATION,
    RequestStatus.FEE,
]
STEPS = {
    # name: (label, statuses in which it is offered, right)
    "register": ("登记", [RequestStatus.SUBMITTED], "change"),
    "assign": ("转办", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.CONSULTATION], "change"),
    "amendment": ("告知补正", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "change"),
    "receive_amendment": ("收到补正", [RequestStatus.AMENDMENT], "change"),
    "consultation": ("征求第三方意见", [RequestStatus.REGISTERED], "change"),
    "end_consultation": ("结束征求意见", [RequestStatus.CONSULTATION], "change"),
    "extend": ("延期", [RequestStatus.REGISTERED], "publish"),
    "fee": ("收取信息处理费", [RequestStatus.REGISTERED], "change"),
    "settle_fee": ("登记缴费或减免", [RequestStatus.FEE], "change"),
    "reply": (
        "答复",
        [RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.AMENDMENT, RequestStatus.FEE],
        "change",
    ),
    "withdraw": ("申请人撤回", OPEN, "change"),
    "merge": ("合并处理", [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "change"),
    "close": ("归档", [RequestStatus.REPLIED, RequestStatus.WITHDRAWN, RequestStatus.MERGED], "change"),
}


def _find_primary(user, code: str) -> DisclosureRequest:
    code = (code or "").strip().upper()
    if not code:
        raise flow.FlowError("请填写要合并到的申请的查询码。")
    primary = visible_requests(user).filter(tracking_code=code).first()
    if primary is None:
        raise flow.FlowError(f"找不到查询码为 {code} 的申请（或您无权查看）。")
    return primary


def run_step(name: str, request: DisclosureRequest, user, data: dict, files=()) -> DisclosureRequest:
    """Dispatch a step with the form's values; missing values become the step's own message."""
    day = data.get("day")
    late = data.get("late_reason") or ""
    if name == "register":
        return flow.register(request, user, data.get("arrived_date"), data.get("note") or "")
    if name == "assign":
        if not data.get("department"):
            raise flow.FlowError("请选择转办部门。")
        return flow.assign(request, user, data["department"], data.get("note") or "")
    if name == "amendment":
        if not data.get("deadline"):
            raise flow.FlowError("请填写补正期限。")
        return flow.ask_amendment(request, user, data.get("note") or "", data["deadline"])
    if name == "receive_amendment":
        return flow.receive_amendment(request, user, day or timezone.localdate(), data.get("note") or "")
    if name == "consultation":
        return flow.start_consultation(request, user, data.get("third_party") or "", day or timezone.localdate())
    if name == "end_consultation":
        return flow.end_consultation(request, user, day or timezone.localdate(), data.get("outcome") or "")
    if name == "extend":
        return flow.extend(
            request, user, data.get("days") or 0, data.get("approver") or "", data.get("reason") or "", day, late
        )
    if name == "fee":
        return flow.charge_fee(request, user, data.get("method") or "", data.get("pages"), day)
    if name == "settle_fee":
        return flow.settle_fee(
            request,
            user,
            data.get("fee_outcome") or "",
            day,
            data.get("amount"),
            data.get("receipt_number") or "",
            data.get("reason") or "",
        )
    if name == "reply":
        return flow.reply(
            request,
            user,
            data.get("reply_type") or "",
            data.get("subreason") or "",
            data.get("letter") or "",
            day,
            late,
            files,
        )
    if name == "withdraw":
        return flow.withdraw(request, user, day, data.get("note") or "")
    if name == "merge":
        return flow.merge(request, user, _find_primary(user, data.get("primary") or ""), data.get("reason") or "", day)
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

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("disclosure_requests"), "label": "依申请公开办理"},
            {"url": "", "label": self.object.tracking_code},
        ]

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
        if subreason not in dict(REPLY_SUBREASONS.get(reply_type, [])):
            subreason = ""
        draft = flow.draft_letter(r, reply_type, subreason) if reply_type in ReplyType.values else ""
        may_change = flow.may(user, "change", r)
        today = timezone.localdate()
        default_deadline = flow.workdays.due_date(today, settings.DISCLOSURE_AMENDMENT_DEFAULT_DAYS).value
        letters = list(r.letters.prefetch_related("attachments", "deliveries").order_by("issued_on", "pk"))
        pii = may_see_pii(user, r)
        if pii:  # the applicant's name, ID and phone in clear: one event per view
            audit.record(audit_kinds.PII_VIEW, request=self.request, obj=r, view="detail")
        context.update(
            r=r,
            pii=pii,
            steps=steps,
            form=ActionForm(
                initial={
                    "reply_type": reply_type,
                    "subreason": subreason,
                    "letter": draft,
                    "deadline": default_deadline,
                },
                reply_type=reply_type,
            ),
            reply_open="reply_type" in self.request.GET,
            history=r.history.select_related("history_user").order_by("-history_date", "-history_id"),
            days_left=flow.working_days_left(r),
            subreasons=REPLY_SUBREASONS,
            subreasons_json={
                "types": {k: [key for key, _ in rows] for k, rows in REPLY_SUBREASONS.items()},
                "labels": dict(SUBREASON_CHOICES),
            },
            running=r.status in CLOCK_RUNNING,
            consultations=list(r.consultations.all()),
            fee=getattr(r, "fee_notice", None),
            letters=letters,
            delivery_form=LetterDeliveryForm(initial={"delivered_on": today, "recipient": r.name})
            if may_change
            else None,
            merge_candidates=list(flow.requests_of_applicant_for_merge(r)[:10]) if may_change else [],
            amendment_last_day=flow.clock.amendment_notice_last_day(r) if r.status in CLOCK_RUNNING else None,
            finished=r.finished_on,
        )
        return context


class RequestActionView(View):
    """POST a step; errors come back as messages in Chinese and nothing is changed."""

    def post(self, request, pk: int, step: str):
        target = _load(request.user, pk)
        if step not in STEPS:
            raise Http404
        form = ActionForm(request.POST, request.FILES)
        if not form.is_valid():
            problems = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
            messages.error(request, f"{STEPS[step][0]}未完成：{problems}")
            return redirect("disclosure_request_detail", pk)
        try:
            done = run_step(step, target, request.user, form.cleaned_data, request.FILES.getlist("files"))
        except flow.FlowError as error:
            messages.error(request, f"{STEPS[step][0]}未完成：{error}")
        else:
            note = getattr(done, "flow_note", "")
            messages.success(request, f"已{STEPS[step][0]}。{note}")
        return redirect("disclosure_request_detail", pk)


class DeliveryView(View):
    """POST a delivery record for one of the request's letters."""

    def post(self, request, pk: int, letter_id: int):
        target = _load(request.user, pk)
        letter = get_object_or_404(Letter, pk=letter_id, request=target)
        form = LetterDeliveryForm(request.POST)
        if not form.is_valid():
            problems = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
            messages.error(request, f"送达记录未保存：{problems}")
            return redirect("disclosure_request_detail", pk)
        data = form.cleaned_data
        try:
            flow.record_delivery(
                letter,
                request.user,
                data["method"],
                data["delivered_on"],
                data["recipient"],
                data["reference"],
                data["note"],
            )
        except flow.FlowError as error:
            messages.error(request, f"送达记录未保存：{error}")
        else:
            messages.success(request, f"已记录{letter.get_kind_display()}的送达。")
        return redirect("disclosure_request_detail", pk)


class LetterPdfView(View):
    """A letter as PDF, to the request's handlers."""

    def get(self, request, pk: int, letter_id: int):
        target = _load(request.user, pk)
        if not may_see_pii(request.user, target):
            audit.record(audit_kinds.PII_VIEW, request=request, obj=target, view="letter", result="denied")
            raise Http404  # letters name the applicant: handlers only, like the application itself
        letter = get_object_or_404(Letter, pk=letter_id, request=target)
        audit.record(audit_kinds.PII_VIEW, request=request, obj=target, view="letter", letter_id=letter.pk)
        return download_response(letter_texts.letter_pdf(letter), "application/pdf", f"{letter.number}.pdf")


class LetterAttachmentView(View):
    """A document released with a letter, to the request's handlers."""

    def get(self, request, pk: int, letter_id: int, attachment_id: int):
        target = _load(request.user, pk)
        if not may_see_pii(request.user, target):
            audit.record(audit_kinds.PII_VIEW, request=request, obj=target, view="letter_attachment", result="denied")
            raise Http404
        attachment = get_object_or_404(LetterAttachment, pk=attachment_id, letter_id=letter_id, letter__request=target)
        audit.record(
            audit_kinds.PII_VIEW, request=request, obj=target, view="letter_attachment", attachment_id=attachment.pk
        )
        with attachment.file.open("rb") as handle:
            return download_response(handle.read(), attachment.content_type, attachment.name)


class AttachmentView(View):
    """The applicant's attachment, to handlers only (never a public URL)."""

    def get(self, request, pk: int):
        target = _load(request.user, pk)
        if not target.attachment:
            raise Http404
        if not may_see_pii(request.user, target):
            audit.record(audit_kinds.PII_VIEW, request=request, obj=target, view="attachment", result="denied")
            raise Http404
        audit.record(audit_kinds.PII_VIEW, request=request, obj=target, view="attachment")
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
        overdue, soon = flow.due_soon_and_overdue(visible_requests(self.request.user).select_related("department"))
        today = timezone.localdate()
        year_start = datetime.date(today.year, 1, 1)
        return {
            "overdue": list(overdue[:20]),
            "soon": list(soon[:20]),
            "overdue_count": overdue.count(),
            "soon_count": soon.count(),
            "index_url": reverse("disclosure_requests"),
            "rate": flow.on_time_rate(year_start, today, queryset=visible_requests(self.request.user)),
            "labels": flow.ACTION_LABELS,
        }
