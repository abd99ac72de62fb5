"""Admin console pieces for matters: listing filters and columns, the standardisation panel,
the submission gate, the lifecycle (state change) view, the dashboard panel and statistics."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, CharField, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.models import WorkflowState

from permissions.models import LEVEL_RANK, Department, DepartmentLevel
from permissions.policy import department_roles, policy_for
from permissions.viewsets import MANAGE_ACTIONS, DepartmentOwnedViewSet, guard_instance

from . import lifecycle, standards, stats
from .models import Material, Matter, MatterStatus, MatterType, Term, Vocabulary

REVIEWING = "reviewing"


def in_review_annotation():
    """True when the matter has a workflow in progress (待审核), as one subquery."""
    return Exists(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Matter),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
    )


# ---- listing -----------------------------------------------------------------------------


class MatterFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.active(), label="部门")
    department_level = django_filters.ChoiceFilter(
        field_name="department__level", choices=DepartmentLevel.choices, label="部门层级"
    )
    matter_type = django_filters.ModelChoiceFilter(queryset=MatterType.objects.filter(is_active=True), label="事项类型")
    status = django_filters.ChoiceFilter(
        choices=[*MatterStatus.choices, (REVIEWING, "审核中")], method="filter_status", label="事项状态"
    )
    exercise_level = django_filters.ModelChoiceFilter(
        field_name="exercise_levels", queryset=Term.objects.of(Vocabulary.LEVEL), label="行使层级"
    )
    handling_type = django_filters.ModelChoiceFilter(
        queryset=Term.objects.of(Vocabulary.HANDLING_TYPE), label="办件类型"
    )
    online_depth = django_filters.ModelChoiceFilter(
        queryset=Term.objects.of(Vocabulary.ONLINE_DEPTH), label="网上办理深度"
    )
    service_object = django_filters.ModelChoiceFilter(
        field_name="service_objects", queryset=Term.objects.of(Vocabulary.SERVICE_OBJECT), label="服务对象"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Term.objects.filter(
            vocabulary__in=[Vocabulary.NATURAL_THEME, Vocabulary.LEGAL_THEME], is_active=True
        ).order_by("vocabulary", "sort_order"),
        method="filter_theme",
        label="主题分类",
    )
    standards = django_filters.ChoiceFilter(
        choices=[("errors", "有标准化错误"), ("warnings", "有提醒"), ("clean", "无问题")],
        method="filter_standards",
        label="标准化检查",
    )

    class Meta:
        model = Matter
        fields = []

    def filter_status(self, queryset, name, value):
        if value == REVIEWING:
            return queryset.filter(in_review_annotation())
        return queryset.filter(status=value)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(natural_themes=value) | Q(legal_themes=value)).distinct()

    def filter_standards(self, queryset, name, value):
        if value == "errors":
            return queryset.filter(check_errors__gt=0)
        if value == "warnings":
            return queryset.filter(check_warnings__gt=0)
        return queryset.filter(check_errors=0, check_warnings=0)


class StatusColumn(Column):
    """事项状态, with 审核中 when a workflow is in progress (annotated, no query per row)."""

    def get_value(self, instance):
        label = instance.get_status_display()
        if getattr(instance, "in_review", False):
            return f"{label} · 审核中"
        if instance.live and instance.has_unpublished_changes:
            return f"{label} · 有未发布修改"
        return label


class StandardsColumn(Column):
    def get_value(self, instance):
        parts = []
        if instance.check_errors:
            parts.append(f"错误 {instance.check_errors}")
        if instance.check_warnings:
            parts.append(f"提醒 {instance.check_warnings}")
        parts.append(f"完整度 {instance.completeness}%")
        return " · ".join(parts)


# ---- editing -----------------------------------------------------------------------------


class StandardsPanel(Panel):
    """Shows the standardisation results of the version being edited, at the top of the form."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "matters/admin/standards_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            instance = self.instance
            if instance is not None and instance.pk:
                issues = standards.check(instance)
                score, missing = standards.completeness(instance)
            else:
                issues, score, missing = [], None, []
            context.update(
                errors=[i for i in issues if i.is_error],
                warnings=[i for i in issues if not i.is_error],
                score=score,
                missing=missing,
            )
            return context


class StandardsGateMixin:
    """Submitting for review or publishing is refused while hard standardisation errors remain."""

    gated_actions = frozenset({"submit", "publish"})

    def is_valid(self, form):
        valid = super().is_valid(form)
        if valid and getattr(self, "action", None) in self.gated_actions:
            errors = [i for i in standards.check(form.save(commit=False)) if i.is_error]
            if errors:
                for issue in errors:
                    form.add_error(None, f"{issue.field}：{issue.message}")
                self.produced_error_code = "validation_error"
                self.produced_error_message = "存在标准化错误，不能提交审核或发布，请先修正下列问题。"
                return False
        return valid

    def get_error_message(self):
        return getattr(self, "produced_error_message", None) or super().get_error_message()


class MatterEditView(StandardsGateMixin, DepartmentOwnedViewSet.edit_view_class):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if lifecycle.available_actions(self.request.user, self.live_object):
            buttons.append(
                Button(
                    "状态变更（暂停/取消/下放）",
                    url=reverse("matters_lifecycle", args=[self.live_object.pk]),
                    icon_name="cogs",
                    priority=30,
                )
            )
        return buttons


class MatterCreateView(StandardsGateMixin, DepartmentOwnedViewSet.add_view_class):
    pass


# ---- lifecycle ---------------------------------------------------------------------------


class LifecycleForm(forms.Form):
    action = forms.ChoiceField(label="操作", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将记入事项历史；取消和下放的原因会在事项变更公告中公示。",
    )
    target_department = forms.ModelChoiceField(
        label="承接部门",
        required=False,
        queryset=Department.objects.none(),
        help_text="下放或委托时选择更低层级的部门。",
    )

    def __init__(self, *args, matter: Matter, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = actions
        rank = LEVEL_RANK[matter.department.level]
        lower = [lvl for lvl, r in LEVEL_RANK.items() if r > rank]
        self.fields["target_department"].queryset = Department.objects.active().filter(level__in=lower)

    def clean(self):
        data = super().clean()
        if data.get("action") in {"delegate", "entrust"} and not data.get("target_department"):
            self.add_error("target_department", "下放或委托须选择承接部门。")
        return data


class LifecycleView(WagtailAdminTemplateMixin, FormView):
    """Suspend, resume, cancel, delegate or entrust a matter, with a reason."""

    template_name = "matters/admin/lifecycle.html"
    form_class = LifecycleForm
    page_title = "事项状态变更"
    header_icon = "cogs"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.matter = get_object_or_404(Matter.objects.select_related("department"), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        guard_instance(request.user, self.matter, ("publish",))
        self.actions = lifecycle.available_actions(request.user, self.matter)
        if not self.actions:
            messages.error(request, f"事项当前状态为“{self.matter.get_status_display()}”，没有可执行的状态变更。")
            return redirect(Matter.snippet_viewset.get_url_name("edit"), self.matter.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.matter)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "matter": self.matter, "actions": self.actions}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            matter=self.matter, edit_url=reverse(Matter.snippet_viewset.get_url_name("edit"), args=[self.matter.pk])
        )
        return context

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        reason = form.cleaned_data["reason"]
        try:
            if action in {"delegate", "entrust"}:
                kind = "delegated" if action == "delegate" else "entrusted"
                record = lifecycle.delegate(
                    self.matter, self.request.user, form.cleaned_data["target_department"], kind, reason
                )
                messages.success(
                    self.request,
                    f"已{dict(self.actions)[action]}至{record.department.name}，"
                    f"承接部门的实施清单“{record.implementation_code}”待其审核发布。",
                )
            else:
                lifecycle.change_state(self.matter, self.request.user, action, reason)
                messages.success(self.request, f"事项“{self.matter}”已{dict(self.actions)[action]}。")
        except lifecycle.LifecycleError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return redirect(Matter.snippet_viewset.get_url_name("edit"), self.matter.pk)


# ---- dashboard ---------------------------------------------------------------------------


class DepartmentMattersPanel(Component):
    """Dashboard: per department counts, matters awaiting review, standardisation problems."""

    name = "department_matters"
    template_name = "matters/admin/dashboard_panel.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        policy = policy_for(Matter)
        visible = policy.instances_user_has_any_permission_for(user, MANAGE_ACTIONS)
        per_department = list(
            visible.order_by()
            .values("department__name", "department__sort_order")
            .annotate(
                total=Count("pk"),
                draft=Count("pk", filter=Q(status=MatterStatus.DRAFT)),
                in_force=Count("pk", filter=Q(status=MatterStatus.IN_FORCE)),
                suspended=Count("pk", filter=Q(status=MatterStatus.SUSPENDED)),
                cancelled=Count("pk", filter=Q(status=MatterStatus.CANCELLED)),
                with_errors=Count("pk", filter=Q(check_errors__gt=0)),
                with_warnings=Count("pk", filter=Q(check_warnings__gt=0)),
                completeness=Avg("completeness"),
                errors=Sum("check_errors"),
            )
            .order_by("department__sort_order", "department__name")
        )
        edit = Matter.snippet_viewset.get_url_name("edit")
        reviewing = list(
            visible.filter(in_review_annotation()).select_related("department").order_by("-updated_at")[:10]
        )
        problems = list(
            visible.filter(Q(check_errors__gt=0) | Q(check_warnings__gt=0))
            .select_related("department")
            .order_by("-check_errors", "completeness")[:10]
        )
        own_departments = list(department_roles(user))
        naming = []
        if own_departments:
            materials = Material.objects.filter(matter__department_id__in=own_departments).select_related("matter")
            naming = standards.inconsistent_material_names(materials)[:10]
        return {
            "per_department": per_department,
            "reviewing": [(m, reverse(edit, args=[m.pk])) for m in reviewing],
            "problems": [(m, reverse(edit, args=[m.pk])) for m in problems],
            "naming": naming,
            "list_url": reverse(Matter.snippet_viewset.get_url_name("list")),
            "stats_url": reverse("matters_stats"),
        }


# ---- statistics --------------------------------------------------------------------------


class StatsView(WagtailAdminTemplateMixin, TemplateView):
    """效率统计: per department, per level and overall, from the matters in force."""

    template_name = "matters/admin/stats.html"
    page_title = "事项效率统计"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not policy_for(Matter).user_has_any_permission(request.user, MANAGE_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(overall_rows=[stats.overall()], by_level=stats.by_level(), by_department=stats.by_department())
        return context


def lifecycle_listing_button(matter, user) -> Button | None:
    if not lifecycle.available_actions(user, matter):
        return None
    return Button("状态变更", url=reverse("matters_lifecycle", args=[matter.pk]), icon_name="cogs", priority=40)
