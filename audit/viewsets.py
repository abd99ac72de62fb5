"""The auditor's view of the log (安全审计): list, filters, search, inspect, CSV/XLSX export.

Read-only: the viewset has no add, edit, delete, copy, history or usage URLs at all, and the
policy (``audit.policy``) refuses those actions to everyone. Reading and exporting the log is
itself recorded (GB/T 22239-2019 8.1.4.3 c): the audit records are protected — who read them is on
record too), and so is a refused attempt to read it.
"""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.columns import LocalTimeColumn

from . import kinds
from .log import record
from .models import AuditEvent, Result
from .policy import is_auditor

# Cells a spreadsheet program would run as a formula (CSV/formula injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Filters whose values go into the "viewed/exported" record (no free text: it may be anything).
RECORDED_FILTERS = ("kind", "result", "object_type", "occurred_at_from", "occurred_at_to")


def neutralise(value):
    """A text cell starting like a formula gets a leading apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def object_type_choices():
    return [(t, t) for t in AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct() if t]


class AuditEventFilterSet(WagtailFilterSet):
    occurred_at = django_filters.DateFromToRangeFilter(label="时间", widget=DateRangePickerWidget)
    kind = django_filters.ChoiceFilter(label="事件类型", choices=kinds.choices)
    actor_username = django_filters.CharFilter(label="操作人用户名", lookup_expr="iexact")
    result = django_filters.ChoiceFilter(label="结果", choices=Result.choices)
    object_type = django_filters.ChoiceFilter(label="对象类型", choices=object_type_choices)
    client_address = django_filters.CharFilter(
        label="客户端地址", lookup_expr="startswith", widget=forms.TextInput(attrs={"placeholder": "如 10.0.0."})
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []


class AuditorOnlyMixin:
    """Refusals are recorded before they are raised (the listing, the inspect page, the export)."""

    def dispatch(self, request, *args, **kwargs):
        if not is_auditor(request.user):
            record(kinds.AUDIT_VIEWED, request=request, result=Result.DENIED, view=self.audit_view_name)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuditEventIndexView(AuditorOnlyMixin, generic.IndexView):
    audit_view_name = "index"

    def filters_recorded(self) -> dict:
        return {f"filter_{k}": self.request.GET[k][:50] for k in RECORDED_FILTERS if self.request.GET.get(k)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            page = context.get("page_obj")
            record(
                kinds.AUDIT_VIEWED,
                request=self.request,
                obj=AuditEvent,
                view="index",
                searched=bool(self.request.GET.get("q")),
                page=page.number if page else 1,
                **self.filters_recorded(),
            )
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        record(
            kinds.AUDIT_EXPORTED,
            request=self.request,
            obj=AuditEvent,
            format=spreadsheet_format,
            count=queryset.count(),
            searched=bool(self.request.GET.get("q")),
            **self.filters_recorded(),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def preprocess_field_value(self, field, value, export_format):
        if field == "occurred_at":
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        if field == "detail":
            return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "")
        return neutralise(super().preprocess_field_value(field, value, export_format))


class AuditEventInspectView(AuditorOnlyMixin, generic.InspectView):
    audit_view_name = "inspect"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record(kinds.AUDIT_VIEWED, request=self.request, obj=self.object, view="inspect")
        return context

    def get_occurred_at_display_value(self):
        return LocalTimeColumn("occurred_at").get_value(self.object)

    def get_detail_display_value(self):
        return json.dumps(self.object.detail, ensure_ascii=False, sort_keys=True) if self.object.detail else "—"


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = "安全审计"
    menu_name = "security-audit"
    menu_order = 9500
    add_to_admin_menu = True
    url_prefix = "audit"
    name = "audit"
    index_view_class = AuditEventIndexView
    inspect_view_class = AuditEventInspectView
    inspect_view_enabled = True
    filterset_class = AuditEventFilterSet
    search_fields = ["actor_username", "object_repr", "object_id", "client_address", "kind"]
    search_backend_name = None  # plain icontains on indexed columns; the log is not in the search index
    ordering = ["-occurred_at", "-pk"]
    list_per_page = 50
    list_display = [
        LocalTimeColumn("occurred_at", label="时间", sort_key="occurred_at"),
        Column("kind", label="事件类型", accessor="kind_label"),
        Column("actor_username", label="操作人"),
        Column("client_address", label="客户端地址"),
        Column("object_type", label="对象类型"),
        Column("object_repr", label="对象"),
        Column("result", label="结果", accessor="get_result_display"),
    ]
    list_export = [
        "occurred_at",
        "kind",
        "kind_label",
        "actor_username",
        "client_address",
        "object_type",
        "object_id",
        "object_repr",
        "get_result_display",
        "detail",
    ]
    export_headings = {
        "occurred_at": "时间",
        "kind": "事件类型代码",
        "kind_label": "事件类型",
        "actor_username": "操作人用户名",
        "client_address": "客户端地址",
        "object_type": "对象类型",
        "object_id": "对象编号",
        "object_repr": "对象",
        "get_result_display": "结果",
        "detail": "详情",
    }
    export_filename = "security-audit"
    inspect_view_fields = [
        "occurred_at",
        "kind",
        "actor_username",
        "client_address",
        "object_type",
        "object_id",
        "object_repr",
        "result",
        "detail",
    ]

    def get_urlpatterns(self):
        """Only the listing (with its results fragment) and the inspect page exist: no add, edit,
        delete, copy, history or usage URL, so no view that writes is ever built."""
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{self.pk_path_converter}:pk>/", self.inspect_view, name="inspect"),
        ]
