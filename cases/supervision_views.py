"""Admin screens of 电子监察, 督办 and 办件统计 (registered by ``cases.wagtail_hooks``).

Everything shown is read through the one policy (``policy_for(Case)``): the 效能监察员 sees every
department, a department its own cases, window staff the cases of their windows. Counts are
grouped in the database (``values().annotate()``), so the number of queries does not grow with
the number of cases or groups.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from permissions.policy import policy_for

from . import clock
from . import rates as case_rates
from .flow import CaseError
from .models import CLOCK_STATES, Case, Light, OrderState, SupervisionOrder
from .supervision import close_order, issue_order, may_respond, may_supervise, respond

NO_HALL = "未经大厅窗口（网上等）"


def visible_cases(user):
    return policy_for(Case).instances_user_has_any_permission_for(user, ["view"])


def may_see(user) -> bool:
    return may_supervise(user) or policy_for(Case).user_has_any_permission(user, ["view"])


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class SupervisionMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_see(request.user)


class _Guarded:
    def dispatch(self, request, *args, **kwargs):
        if not may_see(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# ---- 电子监察 dashboard -------------------------------------------------------------------------

# COUNT(light), not COUNT(id): the counts are answered from the running-cases index alone.
LIGHT_COUNTS = {
    "green": Count("light", filter=Q(light=Light.GREEN)),
    "yellow": Count("light", filter=Q(light=Light.YELLOW)),
    "red": Count("light", filter=Q(light=Light.RED)),
    "total": Count("*"),
}


class SupervisionView(_Guarded, WagtailAdminTemplateMixin, TemplateView):
    """Green/yellow/red by department, drilled down to halls (``?department=``) and windows (``?hall=``)."""

    template_name = "cases/admin/supervision.html"
    page_title = "电子监察"
    header_icon = "warning"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        today = timezone.localdate()
        cases = visible_cases(user)
        department, hall = _int(params.get("department")), _int(params.get("hall"))
        trail = [("全部部门", reverse("cases_supervision"))]
        if hall is not None:
            scope = cases.filter(hall_id=hall)
            group, label, level = "window_id", Max("window__number"), "window"
            from halls.models import Hall

            hall_obj = Hall.objects.filter(pk=hall).select_related("department").first()
            if hall_obj is not None:
                trail.append((hall_obj.department.name, f"?department={hall_obj.department_id}"))
                trail.append((hall_obj.name, ""))
        elif department is not None:
            scope = cases.filter(department_id=department)
            group, label, level = "hall_id", Max("hall__name"), "hall"
            from permissions.models import Department

            name = Department.objects.filter(pk=department).values_list("name", flat=True).first()
            trail.append((name or "—", ""))
        else:
            scope = cases
            group, label, level = "department_id", Max("department__name"), "department"
        running = scope.filter(state__in=CLOCK_STATES)
        groups = []
        for row in running.order_by().values(group).annotate(label=label, **LIGHT_COUNTS).order_by("label"):
            key = row[group]
            if level == "department":
                link = f"?department={key}"
            elif level == "hall":
                link = f"?hall={key}" if key is not None else ""
            else:
                link = ""
            name = row["label"] or NO_HALL
            if level == "window" and key is not None:
                name = f"{row['label']}号窗口"
            groups.append({"label": name, "link": link, **{k: row[k] for k in LIGHT_COUNTS}})
        # The totals and the number of warned cases are sums of the groups: no second pass over the cases.
        totals = {key: sum(group[key] for group in groups) for key in LIGHT_COUNTS}
        warned = (
            running.filter(light__in=(Light.YELLOW, Light.RED))
            .select_related("department", "window", "window__hall")
            .order_by("due_date", "pk")
        )
        paginator = Paginator(warned, self.per_page)
        paginator.count = totals["yellow"] + totals["red"]
        page = paginator.get_page(params.get("p"))
        rows = [(case, clock.working_days_left(case, today)) for case in page.object_list]
        # From the few open orders to their cases (EXISTS per order: the planner starts from the small
        # side), not "case in (every visible case)": for the whole city that read a million rows.
        orders = (
            SupervisionOrder.objects.filter(state__in=(OrderState.OPEN, OrderState.ANSWERED))
            .filter(Exists(scope.filter(pk=OuterRef("case_id"))))
            .select_related("case", "case__department")
            .order_by("deadline", "pk")[:200]
        )
        query = "&".join(f"{k}={v}" for k, v in (("department", department), ("hall", hall)) if v is not None)
        context.update(
            groups=groups,
            level=level,
            level_label={"department": "部门", "hall": "大厅", "window": "窗口"}[level],
            totals=totals,
            trail=trail,
            rows=rows,
            page_obj=page,
            query=query,
            orders=orders,
            today=today,
            supervisor=may_supervise(user),
            warning_days=_warning_days(),
        )
        return context


def _warning_days() -> int:
    from django.conf import settings

    return settings.CASES_WARNING_DAYS


# ---- 督办 ---------------------------------------------------------------------------------------


class OrderForm(forms.Form):
    reason = forms.CharField(label="督办事由", max_length=500, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="回复期限", widget=forms.DateInput(attrs={"type": "date"}))


class ResponseForm(forms.Form):
    response = forms.CharField(label="回复内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))


def _form_error(form, error: CaseError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


class OrderAddView(WagtailAdminTemplateMixin, FormView):
    template_name = "cases/admin/order_form.html"
    form_class = OrderForm
    page_title = "督办"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not may_supervise(request.user):
            raise PermissionDenied
        self.case = visible_cases(request.user).select_related("department").filter(pk=kwargs["pk"]).first()
        if self.case is None:
            raise Http404("没有该办件，或您无权查看。")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.case.number

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, submit_label="发出督办", **kwargs)

    def form_valid(self, form):
        try:
            issue_order(self.case, self.request.user, form.cleaned_data["reason"], form.cleaned_data["deadline"])
        except CaseError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已对办件 {self.case.number} 发出督办。")
        return redirect("cases_supervision")


def _order_for(user, order_id: int) -> SupervisionOrder:
    order = (
        SupervisionOrder.objects.select_related("case", "case__department")
        .filter(pk=order_id, case_id__in=visible_cases(user).values("pk"))
        .first()
    )
    if order is None:
        raise Http404("没有该督办，或您无权查看。")
    return order


class OrderRespondView(WagtailAdminTemplateMixin, FormView):
    template_name = "cases/admin/order_form.html"
    form_class = ResponseForm
    page_title = "回复督办"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        self.order = _order_for(request.user, kwargs["order_id"])
        if not may_respond(request.user, self.order.case):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.order.case.number

    def get_initial(self):
        return {"response": self.order.response}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.order.case, order=self.order, submit_label="提交回复", **kwargs)

    def form_valid(self, form):
        try:
            respond(self.order, self.request.user, form.cleaned_data["response"])
        except CaseError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已回复办件 {self.order.case.number} 的督办。")
        return redirect("cases_supervision")


class OrderCloseView(View):
    http_method_names = ["post"]

    def post(self, request, order_id: int):
        if not may_supervise(request.user):
            raise PermissionDenied
        order = _order_for(request.user, order_id)
        try:
            close_order(order, request.user)
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"办件 {order.case.number} 的督办已办结。")
        return redirect("cases_supervision")


# ---- 办件统计 ----------------------------------------------------------------------------------

COLUMNS = [
    ("办结件数", "total", None),
    ("即办件占比", "immediate_share", _percent),
    ("当场办结率", "on_the_spot_rate", _percent),
    ("按时办结率", "on_time_rate", _percent),
    ("提前办结率", "early_rate", _percent),
    ("平均用时（工作日）", "avg_used", _days),
    ("平均承诺时限（工作日）", "avg_promised", _days),
    ("一次办成率", "once_rate", _percent),
    ("平均跑动次数", "avg_visits", _days),
    ("网上办理占比", "online_share", _percent),
    ("评价件数", "rated", None),
    ("满意率", "satisfaction_rate", _percent),
]
CHART_WIDTH, BAR_AREA = 640, 420


class RatesForm(forms.Form):
    start = forms.CharField(label="起始月份", widget=forms.TextInput(attrs={"type": "month"}))
    end = forms.CharField(label="截止月份", widget=forms.TextInput(attrs={"type": "month"}))
    by = forms.ChoiceField(label="统计维度", choices=list(case_rates.DIMENSIONS.items()))


def _trend_chart(rows) -> dict:
    """Vertical bars of completed cases per month, the 按时办结率 written above each."""
    height, top = 160, 20
    most = max((row.total for row in rows), default=0) or 1
    width = max(len(rows), 1)
    step = min(60, (CHART_WIDTH - 40) // width)
    bars = []
    for index, row in enumerate(rows):
        h = round(row.total / most * (height - top))
        bars.append(
            {
                "x": 30 + index * step,
                "y": height - h,
                "w": max(step - 10, 4),
                "h": h,
                "label": f"{row.key:%y.%m}" if row.key else "—",
                "value": row.total,
                "rate": _percent(row.on_time_rate),
            }
        )
    return {"bars": bars, "height": height + 40, "width": CHART_WIDTH, "base": height}


def _ranking_chart(rows) -> dict:
    """Horizontal bars of departments ranked by 按时办结率."""
    ranked = sorted(rows, key=lambda row: (-(row.on_time_rate or 0), row.label))
    bars = [
        {
            "y": 10 + index * 26,
            "w": round((row.on_time_rate or 0) * BAR_AREA),
            "label": row.label[:14],
            "rate": _percent(row.on_time_rate),
            "text_x": 190 + round((row.on_time_rate or 0) * BAR_AREA) + 6,
        }
        for index, row in enumerate(ranked)
    ]
    return {"bars": bars, "height": 20 + 26 * len(bars), "width": CHART_WIDTH}


def _table(rows) -> list[tuple[str, list[str]]]:
    return [
        (row.label, [str(getattr(row, name)) if fmt is None else fmt(getattr(row, name)) for _, name, fmt in COLUMNS])
        for row in rows
    ]


class RatesView(_Guarded, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/rates.html"
    page_title = "办件统计"
    header_icon = "table"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export") == "xlsx" and not context["error"]:
            return self.export(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        today = timezone.localdate()
        default_start, default_end = case_rates.default_months(today)
        values = {
            "start": params.get("start") or default_start,
            "end": params.get("end") or default_end,
            "by": params.get("by") or "department",
        }
        error = ""
        try:
            by = case_rates.check_dimension(values["by"])
            start, end = case_rates.period(values["start"], values["end"])
        except case_rates.RatesError as exc:
            error = exc.message.replace("参数 from", "起始月份").replace("参数 to", "截止月份")
            values = {"start": default_start, "end": default_end, "by": "department"}
            by = "department"
            start, end = case_rates.period(default_start, default_end)
        cases = visible_cases(user)
        rows = case_rates.rates(cases, by, start, end)
        trend = rows if by == "month" else case_rates.rates(cases, "month", start, end)
        departments = rows if by == "department" else case_rates.rates(cases, "department", start, end)
        total = case_rates.combine(rows)  # as case_rates.overall, without a second pass
        promised = self.catalog(user, cases)
        query = "&".join(f"{k}={v}" for k, v in values.items())
        context.update(
            form=RatesForm(initial=values),
            error=error,
            by=by,
            by_label=case_rates.DIMENSIONS[by],
            start=start,
            end=end,
            rows=rows,
            table=_table(rows),
            total_row=_table([total])[0],
            total=total,
            headings=[heading for heading, _, _ in COLUMNS],
            trend_chart=_trend_chart(trend),
            ranking_chart=_ranking_chart(departments),
            comparison=self.comparison(promised, total),
            query=query,
        )
        return context

    @staticmethod
    def catalog(user, cases):
        from matters import stats
        from matters.models import Matter

        if user.has_perm("cases.view_case"):
            return stats.overall()
        from permissions.policy import department_roles

        # The user's own departments (from the memberships, cached on the user); a window clerk's are
        # those of the cases of their windows — one list, not a subquery over the cases repeated in
        # every statistic of the catalog (with a department's 20,000 cases that took two seconds).
        departments = set(department_roles(user)) or set(
            cases.order_by().values_list("department_id", flat=True).distinct()
        )
        return stats.overall(Matter.objects.filter(department_id__in=departments))

    @staticmethod
    def comparison(promised, actual) -> list[tuple[str, str, str]]:
        """承诺 (the catalog in force) beside 实际 (the cases completed in the period)."""
        return [
            ("即办件占比", _percent(promised.immediate_share), _percent(actual.immediate_share)),
            ("平均承诺时限 / 平均实际用时（工作日）", _days(promised.average_promised), _days(actual.avg_used)),
            ("最多跑一次占比", _percent(promised.at_most_one_visit_share), _percent(actual.at_most_one_visit_share)),
            ("全程网办 / 网上办理占比", _percent(promised.fully_online_share), _percent(actual.online_share)),
        ]

    def export(self, context) -> HttpResponse:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from core.spreadsheets import neutralise

        book = Workbook()
        sheet = book.active
        sheet.title = "办件统计"
        sheet.append([f"办件统计（{context['start']:%Y-%m-%d} 至 {context['end']:%Y-%m-%d}，按{context['by_label']}）"])
        sheet.append([context["by_label"], *context["headings"]])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*context["rows"], context["total"]]:
            values = [neutralise(row.label)]
            for _, name, _fmt in COLUMNS:
                value = getattr(row, name)
                values.append(None if value is None else (round(value, 4) if isinstance(value, float) else value))
            sheet.append(values)
            for index, (_, _, fmt) in enumerate(COLUMNS, start=2):
                if fmt is _percent:
                    sheet.cell(row=sheet.max_row, column=index).number_format = "0.0%"
                elif fmt is _days:
                    sheet.cell(row=sheet.max_row, column=index).number_format = "0.0"
        sheet.append([])
        sheet.append(["指标", "承诺（事项目录）", "实际（办件）"])
        for line in context["comparison"]:
            sheet.append(list(line))
        sheet.column_dimensions["A"].width = 30
        stream = io.BytesIO()
        book.save(stream)
        name = f"cases-rates-{context['by']}-{context['start']:%Y%m}-{context['end']:%Y%m}.xlsx"
        response = HttpResponse(
            stream.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# ---- registration (``cases.wagtail_hooks``) ---------------------------------------------------


def register_supervision_urls():
    return [
        path("cases/supervision/", SupervisionView.as_view(), name="cases_supervision"),
        path("cases/rates/", RatesView.as_view(), name="cases_rates"),
        path("cases/<int:pk>/orders/add/", OrderAddView.as_view(), name="cases_order_add"),
        path("cases/orders/<int:order_id>/respond/", OrderRespondView.as_view(), name="cases_order_respond"),
        path("cases/orders/<int:order_id>/close/", OrderCloseView.as_view(), name="cases_order_close"),
    ]


def register_supervision_menu_item():
    return SupervisionMenuItem("电子监察", reverse("cases_supervision"), icon_name="warning", order=216)


def register_rates_menu_item():
    return SupervisionMenuItem("办件统计", reverse("cases_rates"), icon_name="table", order=217)
