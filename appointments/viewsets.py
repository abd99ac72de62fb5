"""The admin of 预约, registered by ``wagtail_hooks``: the 预约 menu (当日预约, 延时预约申请,
预约设置, 预约分组), the schedule and group viewsets, the admin URLs and the dashboard panel.

Schedules and groups are edited by the hall department's owners (``DepartmentOwnedModelViewSet``
asks the one policy for every view; the department always follows the hall).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import path, reverse
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column

from permissions.forms import DepartmentOwnedModelForm
from permissions.policy import policy_for
from permissions.viewsets import DepartmentOwnedModelViewSet

from .models import Booking, BookingSchedule, OutOfHoursRequest, ServiceGroup

MENU_HOOK = "register_appointments_menu_item"
VIEW = ["view", "change"]


class ScheduleForm(DepartmentOwnedModelForm):
    default_reason_on_create = "开通预约"
    owned_choice_fields = {"hall": "change"}
    department_from = "hall"


class GroupForm(DepartmentOwnedModelForm):
    """A group's windows must be windows of its hall."""

    default_reason_on_create = "新建预约分组"
    owned_choice_fields = {"hall": "change"}
    department_from = "hall"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from halls.models import Hall, Window
        from matters.models import Matter

        windows = self.fields.get("windows")
        if windows is not None and self.for_user is not None:
            halls = policy_for(Hall).instances_user_has_any_permission_for(self.for_user, ["change"])
            current = list(self.instance.windows.values_list("pk", flat=True)) if self.instance.pk else []
            windows.queryset = (
                Window.objects.filter(Q(hall__in=halls) | Q(pk__in=current))
                .select_related("hall")
                .order_by("hall__sort_order", "hall__code", "sort_order", "number")
            )
            windows.label_from_instance = lambda w: f"{w.hall.name} {w.number} {w.name}"
        matters = self.fields.get("matters")
        if matters is not None:
            current = list(self.instance.matters.values_list("pk", flat=True)) if self.instance.pk else []
            matters.queryset = Matter.objects.filter(
                Q(pk__in=Matter.public_queryset().values("pk")) | Q(pk__in=current)
            ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        hall = cleaned.get("hall")
        stray = [w for w in cleaned.get("windows") or [] if hall is not None and w.hall_id != hall.pk]
        if stray:
            self.add_error("windows", "只能选择本大厅的窗口：" + "、".join(f"{w.hall.name} {w.number}" for w in stray))
        return cleaned


class ScheduleViewSet(DepartmentOwnedModelViewSet):
    model = BookingSchedule
    icon = "date"
    menu_label = "预约设置"
    name = "appointment-schedules"
    menu_hook = MENU_HOOK
    menu_order = 30
    list_display = [
        Column("hall", label="大厅", accessor="hall.name"),
        "sessions",
        "slot_minutes",
        "days_ahead",
        BooleanColumn("is_active", label="开放预约"),
        Column("department", label="所属部门", accessor="department.short_name"),
    ]
    list_select_related = ("department", "hall")
    ordering = ["hall__sort_order", "hall__code"]
    edit_handler = ObjectList(
        [
            FieldPanel("hall"),
            MultiFieldPanel(
                [FieldPanel("sessions"), FieldRowPanel([FieldPanel("slot_minutes"), FieldPanel("days_ahead")])],
                heading="时段",
            ),
            FieldPanel("notes"),
            FieldPanel("is_active"),
            FieldPanel("change_reason"),
        ],
        base_form_class=ScheduleForm,
    )


class GroupViewSet(DepartmentOwnedModelViewSet):
    model = ServiceGroup
    icon = "group"
    menu_label = "预约分组"
    name = "appointment-groups"
    menu_hook = MENU_HOOK
    menu_order = 40
    list_display = [
        "name",
        Column("hall", label="大厅", accessor="hall.name"),
        "capacity",
        BooleanColumn("is_active", label="开放预约"),
        Column("department", label="所属部门", accessor="department.short_name"),
    ]
    list_select_related = ("department", "hall")
    ordering = ["hall__sort_order", "hall__code", "sort_order"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("hall"), FieldPanel("name")]),
                    FieldRowPanel([FieldPanel("capacity"), FieldPanel("sort_order")]),
                ],
                heading="分组",
            ),
            FieldPanel("windows", widget=forms.CheckboxSelectMultiple),
            FieldPanel("matters"),
            FieldPanel("is_active"),
            FieldPanel("change_reason"),
        ],
        base_form_class=GroupForm,
    )


class PolicyMenuItem(MenuItem):
    """Shown when the policy lets the user view or change some records of ``model``."""

    def __init__(self, *args, model=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model

    def is_shown(self, request) -> bool:
        return policy_for(self.model).user_has_any_permission(request.user, VIEW)


class AppointmentsMenuItem(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        return any(
            policy_for(model).user_has_any_permission(request.user, VIEW)
            for model in (Booking, OutOfHoursRequest, BookingSchedule, ServiceGroup)
        )


def register_appointments_menu():
    return AppointmentsMenuItem("预约", Menu(register_hook_name=MENU_HOOK), icon_name="date", order=216)


def register_day_menu_item():
    return PolicyMenuItem("当日预约", reverse("appointments_day"), icon_name="date", order=10, model=Booking)


def register_requests_menu_item():
    return PolicyMenuItem(
        "延时预约申请", reverse("appointments_requests"), icon_name="time", order=20, model=OutOfHoursRequest
    )


def register_appointment_admin_urls():
    from . import admin_views as views

    return [
        path("appointments/day/", views.DayView.as_view(), name="appointments_day"),
        path(
            "appointments/bookings/<int:pk>/act/", views.BookingActionView.as_view(), name="appointments_booking_action"
        ),
        path("appointments/bookings/<int:pk>/", views.BookingDetailView.as_view(), name="appointments_booking"),
        path("appointments/requests/", views.RequestIndexView.as_view(), name="appointments_requests"),
        path("appointments/requests/<int:pk>/", views.RequestDetailView.as_view(), name="appointments_request"),
    ]


def register_schedule_viewset():
    return ScheduleViewSet()


def register_group_viewset():
    return GroupViewSet()


# ---- dashboard ---------------------------------------------------------------------------------


class AppointmentsPanel(Component):
    """Dashboard: today's bookings per hall and pending out-of-hours requests of the user's halls."""

    name = "appointments_today"
    template_name = "appointments/admin/dashboard_panel.html"
    order = 55

    def __init__(self, figures: dict):
        self.figures = figures

    def get_context_data(self, parent_context=None):
        return {
            **self.figures,
            "day_url": reverse("appointments_day"),
            "requests_url": reverse("appointments_requests") + "?state=pending",
        }


def add_appointments_panel(request, panels) -> None:
    from .admin_views import dashboard_figures

    user = request.user
    if not (
        policy_for(Booking).user_has_any_permission(user, VIEW)
        or policy_for(OutOfHoursRequest).user_has_any_permission(user, VIEW)
    ):
        return
    figures = dashboard_figures(user)
    if figures["halls"] or figures["pending"]:
        panels.append(AppointmentsPanel(figures))
