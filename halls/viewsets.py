"""Admin of service halls (服务大厅): halls, their windows and the notices on hall screens.

Every view asks the one permission policy (``DepartmentOwnedModelViewSet``): a hall's
department edits the hall, its windows and its notices; nobody else sees them in the admin."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from core.columns import LocalTimeColumn
from permissions.models import Department
from permissions.policy import policy_for
from permissions.viewsets import MANAGE_ACTIONS, DepartmentOwnedModelViewSet, PolicyGuardMixin

from .forms import HallForm, NoticeForm, WindowForm
from .models import Hall, Notice, NoticeLevel, Window, WindowKind


def _checkboxes(name: str, **kwargs) -> FieldPanel:
    return FieldPanel(name, widget=forms.CheckboxSelectMultiple, **kwargs)


def manageable_halls(request):
    """Halls the user may manage (for filters): the policy decides, as everywhere."""
    if request is None:
        return Hall.objects.none()
    return policy_for(Hall).instances_user_has_any_permission_for(request.user, MANAGE_ACTIONS)


class NamesColumn(Column):
    """The names of a prefetched many-to-many relation, joined."""

    def __init__(self, name, attr="name", **kwargs):
        super().__init__(name, **kwargs)
        self.attr = attr

    def get_value(self, instance):
        return "、".join(getattr(obj, self.attr) for obj in getattr(instance, self.name).all()) or "—"


class HallEditView(PolicyGuardMixin, generic.EditView):
    """Edit a hall; when it passes to another department, its windows go with it."""

    instance_actions = ("change",)

    def save_instance(self):
        previous = Hall.objects.filter(pk=self.object.pk).values_list("department_id", flat=True).first()
        hall = super().save_instance()
        if previous != hall.department_id:
            for window in hall.windows.all():
                window._change_reason = f"随大厅移交{hall.department.name}"
                window.save()  # takes the hall's department and its grants
        return hall


class HallViewSet(DepartmentOwnedModelViewSet):
    model = Hall
    icon = "site"
    menu_label = "大厅"
    name = "halls"
    add_to_admin_menu = False
    edit_view_class = HallEditView
    list_display = [
        "name",
        "code",
        "level",
        Column("department", label="所属部门", accessor="department.short_name"),
        "phone",
        Column("window_count", label="窗口数", sort_key="window_count"),
        BooleanColumn("is_active", label="启用"),
    ]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code", "address"]
    search_backend_name = None
    ordering = ["sort_order", "code"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("code"), FieldPanel("level")]),
                    FieldPanel("department"),
                ],
                heading="大厅",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldPanel("hours"),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("sort_order")]),
                    FieldPanel("directions"),
                    FieldPanel("is_active"),
                ],
                heading="对外信息",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=HallForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(window_count=Count("windows"))


class WindowFilterSet(WagtailFilterSet):
    hall = django_filters.ModelChoiceFilter(label="所属大厅", queryset=manageable_halls)
    kind = django_filters.ChoiceFilter(label="窗口类型", choices=WindowKind.choices)
    is_open = django_filters.BooleanFilter(label="开放")
    department = django_filters.ModelChoiceFilter(
        label="进驻部门", field_name="departments", queryset=Department.objects.active()
    )

    class Meta:
        model = Window
        fields: list[str] = []


class WindowStatusColumn(StatusTagColumn):
    def get_value(self, instance):
        return "开放" if instance.is_open else "暂停服务"


class WindowViewSet(DepartmentOwnedModelViewSet):
    model = Window
    icon = "desktop"
    menu_label = "窗口"
    name = "hall-windows"
    add_to_admin_menu = False
    list_display = [
        "number",
        "name",
        Column("hall", label="所属大厅", accessor="hall.name", sort_key="hall__name"),
        "kind",
        NamesColumn("departments", label="进驻部门", attr="short_name"),
        Column("matter_count", label="事项数", sort_key="matter_count"),
        WindowStatusColumn("is_open", label="状态", primary=lambda w: w.is_open, sort_key="is_open"),
    ]
    filterset_class = WindowFilterSet
    search_fields = ["number", "name", "hall__name"]
    search_backend_name = None
    ordering = ["hall__sort_order", "hall__code", "sort_order", "number"]
    list_per_page = 50
    list_select_related = ("department", "hall")
    list_prefetch_related = ("departments",)
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("hall"), FieldPanel("number")]),
                    FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
                    FieldPanel("sort_order"),
                ],
                heading="窗口",
            ),
            MultiFieldPanel(
                [_checkboxes("departments"), _checkboxes("matters")],
                heading="进驻部门与可办理事项",
            ),
            MultiFieldPanel([_checkboxes("staff")], heading="窗口工作人员"),
            MultiFieldPanel(
                [FieldPanel("is_open"), FieldPanel("closed_reason")],
                heading="服务状态",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=WindowForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(matter_count=Count("matters", distinct=True))


class NoticeState:
    CURRENT = "current"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CHOICES = [
        (CURRENT, "显示中"),
        (SCHEDULED, "未开始"),
        (EXPIRED, "已过期"),
        (WITHDRAWN, "已撤下"),
    ]
    LABELS = dict(CHOICES)

    @classmethod
    def of(cls, notice: Notice, now=None) -> str:
        now = now or timezone.now()
        if not notice.is_active:
            return cls.WITHDRAWN
        if notice.starts_at > now:
            return cls.SCHEDULED
        if notice.ends_at is not None and notice.ends_at <= now:
            return cls.EXPIRED
        return cls.CURRENT

    @classmethod
    def q(cls, state: str, now=None) -> Q:
        now = now or timezone.now()
        return {
            cls.CURRENT: Q(is_active=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now)),
            cls.SCHEDULED: Q(is_active=True, starts_at__gt=now),
            cls.EXPIRED: Q(is_active=True, ends_at__lte=now),
            cls.WITHDRAWN: Q(is_active=False),
        }[state]


class NoticeFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label="显示状态", choices=NoticeState.CHOICES, method="filter_state")
    level = django_filters.ChoiceFilter(label="级别", choices=NoticeLevel.choices)
    hall = django_filters.ModelChoiceFilter(label="发布大厅", field_name="halls", queryset=manageable_halls)

    def filter_state(self, queryset, name, value):
        return queryset.filter(NoticeState.q(value)) if value else queryset

    class Meta:
        model = Notice
        fields: list[str] = []


class NoticeStateColumn(StatusTagColumn):
    def get_value(self, instance):
        return NoticeState.LABELS[NoticeState.of(instance)]


class NoticeViewSet(DepartmentOwnedModelViewSet):
    model = Notice
    icon = "warning"
    menu_label = "大厅公告"
    name = "hall-notices"
    add_to_admin_menu = False
    list_display = [
        "title",
        "level",
        NamesColumn("halls", label="发布大厅"),
        LocalTimeColumn("starts_at", label="开始显示", sort_key="starts_at"),
        LocalTimeColumn("ends_at", label="结束显示", empty="长期", sort_key="ends_at"),
        NoticeStateColumn("state", label="显示状态", primary=lambda n: NoticeState.of(n) == NoticeState.CURRENT),
        Column("department", label="所属部门", accessor="department.short_name"),
    ]
    filterset_class = NoticeFilterSet
    search_fields = ["title", "text"]
    search_backend_name = None
    ordering = ["-starts_at"]
    list_prefetch_related = ("halls",)
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("text"),
                    FieldRowPanel([FieldPanel("level"), FieldPanel("department")]),
                    _checkboxes("halls"),
                ],
                heading="公告",
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]), FieldPanel("is_active")],
                heading="显示时间",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=NoticeForm,
    )


class HallsGroup(ViewSetGroup):
    menu_label = "服务大厅"
    menu_icon = "site"
    menu_order = 240
    items = (HallViewSet, WindowViewSet, NoticeViewSet)


def register_halls_viewsets():
    return HallsGroup()
