"""The admin's case screens: the list, a case with its steps and next actions, walk-in registration
at a window (under a minute: matter search, materials as checkboxes), the 受理通知书 PDF.

Every read and write asks the one policy (``policy_for(Case)``): department handlers, the window
staff of the case's window, the 效能监察员 (read only). Applicants' numbers are shown in clear only
to whoever may act on the case (or holds ``cases.view_pii``), one audit event per view.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

import audit
from audit import kinds as audit_kinds
from core.http import download_response
from core.identity import IdType
from permissions.policy import policy_for

from . import clock, flow
from .models import ApplicantKind, Case, CaseState, Channel, Light, SpecialKind
from .states import ACTIONS, next_actions

VIEW = ["view", "change"]


def policy():
    return policy_for(Case)


def visible_cases(user):
    return policy().instances_user_has_any_permission_for(user, VIEW)


def load_case(user, pk: int) -> Case:
    """A case the user may see, else 404 (a forged id reveals nothing)."""
    case = visible_cases(user).select_related("department", "hall", "window", "matter").filter(pk=pk).first()
    if case is None:
        raise Http404("没有该办件，或您无权查看。")
    return case


def may_act(user, case: Case) -> bool:
    return policy().user_has_permission_for_instance(user, "change", case)


def may_see_pii(user, case: Case) -> bool:
    return user.has_perm("cases.view_pii") or may_act(user, case)


# ---- the list ------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="办件编号或事项", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *CaseState.choices])
    light = forms.ChoiceField(
        label="监察状态", required=False, choices=[("", "全部"), *[c for c in Light.choices if c[0]]]
    )
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部"), *Channel.choices])


class CaseIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/case_index.html"
    page_title = "办件"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_any_permission(request.user, [*VIEW, "add"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CaseFilterForm(self.request.GET or None)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        queryset = visible_cases(self.request.user).select_related("department", "window", "hall")
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(number=q) | Q(matter_name__icontains=q))
        for name in ("state", "light", "channel"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        page = Paginator(queryset.order_by("-applied_at", "-pk"), 50).get_page(self.request.GET.get("p"))
        today = timezone.localdate()
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            page_obj=page,
            rows=[(case, clock.working_days_left(case, today)) for case in page],
            query=query.urlencode(),
            may_add=policy().user_has_permission(self.request.user, "add"),
        )
        return context


# ---- walk-in registration at a window --------------------------------------------------------


class WalkInForm(forms.Form):
    """What window staff type for a walk-in case; the materials are ticked on the next screen."""

    matter = forms.ModelChoiceField(label="事项", queryset=None, help_text="输入事项名称或实施编码搜索。")
    window = forms.ModelChoiceField(label="受理窗口", queryset=None, required=False)
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label="申请人姓名/名称", max_length=100)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices)
    id_number = forms.CharField(label="证件号码", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.CharField(label="电子邮箱", max_length=100, required=False)
    received = forms.TypedMultipleChoiceField(label="已收材料", coerce=int, required=False, choices=())
    deferred = forms.TypedMultipleChoiceField(label="容缺受理的材料", coerce=int, required=False, choices=())
    then = forms.ChoiceField(
        label="登记后",
        choices=[("register", "仅登记"), ("accept", "登记并受理"), ("complete_now", "当场办结")],
        initial="accept",
    )

    def __init__(self, *args, user=None, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from halls.models import Window
        from matters.models import Matter

        from .policy import window_ids

        windows = window_ids(user)
        department_ids = list(policy().departments_for_action(user, "add").values_list("pk", flat=True))
        matters = Matter.public_queryset().filter(promised_limit__isnull=False)
        if not user.has_perm("cases.add_case"):
            matters = matters.filter(
                Q(department_id__in=department_ids) | Q(windows__in=windows) | Q(pk__in=_comprehensive(windows))
            )
        if search:  # 搜索事项: name, code or the matter's keywords
            matters = matters.filter(Q(name__icontains=search) | Q(implementation_code__icontains=search))
        self.fields["matter"].queryset = matters.distinct().order_by("implementation_code")
        self.fields["matter"].label_from_instance = lambda m: f"{m.name}（{m.implementation_code}）"
        self.fields["window"].queryset = Window.objects.filter(pk__in=windows).select_related("hall")
        self.fields["window"].required = bool(windows) and not department_ids
        matter = self._matter()
        if matter is not None:
            names = [
                (i, f["name"] + ("（非必要）" if f["optional"] else ""))
                for i, f in enumerate(flow.frozen_materials(matter))
            ]
            self.fields["received"].choices = names
            self.fields["deferred"].choices = names

    def _matter(self):
        key = self.data.get("matter") if self.is_bound else self.initial.get("matter")
        if not key:
            return None
        return self.fields["matter"].queryset.filter(pk=key).first() if str(key).isdigit() else None


def _comprehensive(windows):
    """Matters a comprehensive (无差别受理) window takes: every public matter."""
    from halls.models import Window
    from matters.models import Matter

    if Window.objects.filter(pk__in=windows, kind="comprehensive").exists():
        return Matter.public_queryset().values("pk")
    return Matter.objects.none().values("pk")


class CaseCreateView(WagtailAdminTemplateMixin, FormView):
    template_name = "cases/admin/case_form.html"
    page_title = "窗口登记办件"
    header_icon = "tasks"
    form_class = WalkInForm

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("cases_index"), "label": "办件"},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["search"] = (self.request.GET.get("q") or "").strip()[:50]
        if self.request.method == "GET" and self.request.GET.get("matter"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "matter": self.request.GET["matter"]}
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        try:
            applicant = flow.clean_applicant(
                {
                    "kind": data["applicant_kind"],
                    "name": data["applicant_name"],
                    "id_type": data["id_type"],
                    "id_number": data["id_number"],
                    "phone": data["phone"],
                    "email": data["email"],
                }
            )
            window = data.get("window")
            probe = Case(department=data["matter"].department, window=window)
            if not policy().user_has_permission_for_instance(user, "add", probe):
                raise flow.CaseError("您不能为该部门登记办件：请选择您所在的窗口，或该事项不属于本部门。", "window")
            case, _ = flow.open_case(
                flow.Intake(
                    matter=data["matter"],
                    applicant=applicant,
                    channel=Channel.WINDOW,
                    window=window,
                    received=data["received"],
                    deferred=data["deferred"],
                ),
                user=user,
            )
        except flow.CaseError as error:
            field = {"applicant_kind": "applicant_kind", "applicant_name": "applicant_name"}.get(
                error.field, error.field
            )
            form.add_error(field if field in form.fields else None, error.message)
            return self.form_invalid(form)
        if data["then"] != "register":
            try:
                case = flow.act(case.pk, flow.Step(data["then"]), user=user)
            except flow.CaseError as error:
                messages.warning(
                    self.request, f"办件 {case.number} 已登记，但未能{ACTIONS[data['then']].label}：{error.message}"
                )
                return redirect("cases_detail", case.pk)
        messages.success(self.request, f"办件 {case.number} 已登记（{case.get_state_display()}）。")
        return redirect("cases_detail", case.pk)


# ---- one case ------------------------------------------------------------------------------


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, a.label) for k, a in ACTIONS.items()])
    on = forms.DateField(label="办理日期", required=False)
    note = forms.CharField(label="意见或理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    special_kind = forms.ChoiceField(label="特别程序", required=False, choices=[("", "—"), *SpecialKind.choices])
    extra_defects = forms.CharField(label="其他需补正内容", required=False, max_length=300)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class CaseDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/case_detail.html"
    header_icon = "tasks"

    def get_page_title(self):
        return f"办件 {self.case.number}"

    def dispatch(self, request, *args, **kwargs):
        self.case = load_case(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("cases_index"), "label": "办件"},
            {"url": "", "label": self.case.number},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.case, self.request.user
        pii = may_see_pii(user, case)
        if pii:
            audit.record(audit_kinds.PII_VIEW, request=self.request, obj=case, view="case_detail")
        acting = may_act(user, case)
        context.update(
            case=case,
            pii=pii,
            may_act=acting,
            may_supervise=user.has_perm("cases.supervise_case"),
            actions=next_actions(case.state) if acting else [],
            step_form=StepForm(initial={"revision": case.revision, "on": timezone.localdate()}),
            steps=list(case.steps.select_related("actor")),
            materials=list(case.materials.all()),
            notices=list(case.notices.all()),
            procedures=list(case.special_procedures.all()),
            orders=list(case.orders.select_related("issued_by", "responded_by")),
            alerts=list(case.alerts.all()),
            days_left=clock.working_days_left(case),
            amendment_last_day=clock.amendment_last_day(case) if case.state in ("applied", "prereview") else None,
        )
        return context


class CaseActionView(View):
    """POST one step; a refusal comes back as a Chinese message and nothing changes."""

    def post(self, request, pk: int):
        case = load_case(request.user, pk)
        if not may_act(request.user, case):
            raise PermissionDenied
        form = StepForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, "提交的内容有误：" + "；".join(e for errors in form.errors.values() for e in errors)
            )
            return redirect("cases_detail", pk)
        data = form.cleaned_data
        defects = {}
        for material in case.materials.all():
            text = (request.POST.get(f"defect_{material.sort_order}") or "").strip()
            if text or request.POST.get(f"missing_{material.sort_order}"):
                defects[material.sort_order] = text
        step = flow.Step(
            action=data["action"],
            on=data["on"],
            note=data["note"],
            defects=defects,
            extra_defects=data["extra_defects"],
            special_kind=data["special_kind"],
            expected_revision=data["revision"],
        )
        try:
            case = flow.act(case.pk, step, user=request.user)
        except flow.CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已{ACTIONS[data['action']].label}：办件现为“{case.get_state_display()}”。")
        return redirect("cases_detail", pk)


# ---- documents -----------------------------------------------------------------------------


def progress_url(request, case: Case) -> str:
    """Where the QR code of a notice leads: the public lookup with the number filled in."""
    from urllib.parse import urlencode

    try:
        from .pages import CaseIndexPage
    except ImportError:  # pragma: no cover - the page type arrives with the public pages
        CaseIndexPage = None
    page = CaseIndexPage.objects.live().first() if CaseIndexPage else None
    base = page.get_full_url(request) if page else request.build_absolute_uri("/")
    return f"{base.rstrip('/')}/lookup/?{urlencode({'number': case.number})}"


class AcceptanceNoticeView(View):
    """受理通知书 as PDF: the case number, the matter, the dates, the lookup code and a QR code."""

    def get(self, request, pk: int):
        case = load_case(request.user, pk)
        if not may_act(request.user, case):
            raise PermissionDenied
        if case.accepted_on is None:
            raise Http404("办件尚未受理，没有受理通知书。")
        from .documents import acceptance_notice_pdf, document_links

        links = document_links(case, request.build_absolute_uri)
        pdf = acceptance_notice_pdf(case, progress_url(request, case), timezone.localdate(), links)
        return pdf_response(pdf, f"{case.number}.pdf")


class DeliverySlipView(View):
    """办结出件单 as PDF, for a completed case: the result, the dates and the QR codes (progress, rating)."""

    def get(self, request, pk: int):
        case = load_case(request.user, pk)
        if not may_act(request.user, case):
            raise PermissionDenied
        if case.completed_on is None:
            raise Http404("办件尚未办结，没有出件单。")
        from .documents import delivery_slip_pdf, document_links

        links = document_links(case, request.build_absolute_uri)
        pdf = delivery_slip_pdf(case, progress_url(request, case), timezone.localdate(), links)
        return pdf_response(pdf, f"{case.number}-出件单.pdf")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class MaterialFileView(View):
    """An applicant's uploaded material, as a download, to whoever may act on the case."""

    def get(self, request, pk: int, material_id: int):
        case = load_case(request.user, pk)
        if not may_act(request.user, case):
            raise PermissionDenied
        material = case.materials.filter(pk=material_id).exclude(file="").first()
        if material is None:
            raise Http404("没有该材料文件。")
        with material.file.open("rb") as handle:
            content = handle.read()
        name = material.original_name or material.file.name.rsplit("/", 1)[-1]
        return download_response(content, "application/octet-stream", name)
