"""The read API of service halls: /api/v1/halls/, /api/v1/windows/ and /api/v1/notices/.

Halls and windows are public while their hall is active; a notice while it is published and
inside its display window (``Notice.public_queryset``). Terminals that sync learn about what
left by tombstones: deletions are stored as they happen, deactivations and expiries are derived
here from the records themselves.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import DateTimeField, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from rest_framework import serializers

from api import collections, registry
from api.resources import Resource, UpdatedFilterSet, register_source, resource_viewset
from matters.api import DepartmentRefSerializer
from matters.api_reference import MatterRefSerializer, department_ref, matter_ref
from matters.models import Matter
from permissions.models import Department
from sitesearch.engine import TextListSearch

from .models import Hall, HallLevel, Notice, NoticeLevel, Window, WindowKind


class HallRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="大厅编号（与 /api/v1/halls/ 一致）。")
    code = serializers.CharField(help_text="大厅编码。")
    name = serializers.CharField(help_text="大厅名称。")


def hall_ref(hall: Hall) -> dict:
    return {"id": hall.pk, "code": hall.code, "name": hall.name}


# ---- halls ---------------------------------------------------------------------------------


class HallRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="大厅编号。")
    code = serializers.CharField(label="大厅编码", help_text="对接系统使用的固定编码，如 city-center。")
    name = serializers.CharField(label="大厅名称", help_text="大厅名称。")
    level = serializers.CharField(label="层级", help_text="层级：city、county、town、community。")
    level_name = serializers.CharField(source="get_level_display", label="层级名称", help_text="层级（中文）。")
    department = serializers.SerializerMethodField(label="管理部门", help_text="负责该大厅的部门。")
    address = serializers.CharField(label="地址", help_text="地址。")
    hours = serializers.CharField(label="办公时间", help_text="办公时间（可能多行）。")
    phone = serializers.CharField(label="咨询电话", help_text="咨询电话；没有时为空字符串。")
    directions = serializers.CharField(label="交通指引", help_text="交通指引；没有时为空字符串。")
    sort_order = serializers.IntegerField(label="排序", help_text="排序号，小的在前。")
    updated_at = serializers.DateTimeField(label="更新时间", help_text="最后修改时间。")

    def get_department(self, obj) -> DepartmentRefSerializer:
        return department_ref(obj.department)


class HallFilter(UpdatedFilterSet):
    code = django_filters.CharFilter(field_name="code", label="大厅编码")
    level = django_filters.ChoiceFilter(choices=HallLevel.choices, label="层级（city/county/town/community）")
    department = django_filters.CharFilter(field_name="department__credit_code", label="管理部门（统一社会信用代码）")

    class Meta:
        model = Hall
        fields: list[str] = []


class HallResource(Resource):
    name = "halls"
    label = "服务大厅"
    model = Hall
    serializer_class = HallRecordSerializer
    filterset_class = HallFilter
    depends_on = ("departments",)
    ordering = ("sort_order", "code", "pk")
    search_fields = ("name", "address")
    keyword_search = TextListSearch("name", body=("address",))  # the portal's analysis (docs/search.md)

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("department")

    def withdrawn_rows(self, request):
        return [(Hall.objects.filter(is_active=False), "updated_at")]


HALLS = HallResource()
HallViewSet = resource_viewset(HALLS)


# ---- windows -------------------------------------------------------------------------------


class WindowRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="窗口编号。")
    hall = serializers.SerializerMethodField(label="所属大厅", help_text="窗口所在的大厅。")
    number = serializers.CharField(label="窗口号", help_text="窗口号，如 A01。")
    name = serializers.CharField(label="窗口名称", help_text="窗口名称。")
    kind = serializers.CharField(
        label="窗口类型",
        help_text="窗口类型：comprehensive 综合窗口、departmental 专业窗口、collection 出件窗口、help 帮办代办窗口。",
    )
    kind_name = serializers.CharField(source="get_kind_display", label="窗口类型名称", help_text="窗口类型（中文）。")
    departments = serializers.SerializerMethodField(label="进驻部门", help_text="在该窗口派驻人员的部门。")
    matters = serializers.SerializerMethodField(
        label="可办理事项", help_text="该窗口可办理的在用事项（未发布、暂停或取消的事项不列）。"
    )
    is_open = serializers.BooleanField(label="开放", help_text="是否正在开放服务。")
    closed_reason = serializers.CharField(
        label="暂停说明", help_text="暂停服务时向群众显示的说明；开放时一般为空字符串。"
    )
    sort_order = serializers.IntegerField(label="排序", help_text="大厅内的排序号，小的在前。")
    updated_at = serializers.DateTimeField(label="更新时间", help_text="最后修改时间（含进驻部门和事项的变化）。")

    def get_hall(self, obj) -> HallRefSerializer:
        return hall_ref(obj.hall)

    def get_departments(self, obj) -> DepartmentRefSerializer(many=True):
        return [department_ref(d) for d in obj.departments.all()]

    def get_matters(self, obj) -> MatterRefSerializer(many=True):
        return [matter_ref(m) for m in obj.matters.all()]


class WindowFilter(UpdatedFilterSet):
    hall = django_filters.CharFilter(field_name="hall__code", label="大厅编码")
    kind = django_filters.ChoiceFilter(choices=WindowKind.choices, label="窗口类型")
    department = django_filters.CharFilter(
        field_name="departments__credit_code", distinct=True, label="进驻部门（统一社会信用代码）"
    )
    matter = django_filters.CharFilter(method="filter_matter", label="可办理的在用事项（实施编码）")
    is_open = django_filters.BooleanFilter(field_name="is_open", label="是否开放（true/false）")

    class Meta:
        model = Window
        fields: list[str] = []

    def filter_matter(self, queryset, name, value):
        in_force = Matter.public_queryset().filter(implementation_code=value)
        return queryset.filter(matters__in=in_force).distinct()


class WindowResource(Resource):
    name = "windows"
    label = "窗口"
    model = Window
    serializer_class = WindowRecordSerializer
    filterset_class = WindowFilter
    depends_on = ("halls", "departments", "matters")
    ordering = ("hall__sort_order", "hall__code", "sort_order", "number", "pk")
    search_fields = ("name", "number")
    keyword_search = TextListSearch("name", names=("number",))
    feed_orderings = {
        "-updated": ("-updated_at", "-pk"),
        "name": ("hall__sort_order", "hall__code", "sort_order", "number", "pk"),
        "-published": ("-created_at", "-pk"),
    }

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("hall").prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("sort_order", "name", "pk")),
            Prefetch("matters", queryset=Matter.public_queryset().order_by("implementation_code", "pk")),
        )

    def withdrawn_rows(self, request):
        """Windows of a deactivated hall (deleted windows have stored tombstones)."""
        return [(Window.objects.filter(hall__is_active=False), "hall__updated_at")]

    def feed_queryset(self, feed) -> QuerySet:
        queryset = Window.public_queryset()
        halls = [h.pk for h in feed.halls.all()]
        if halls:
            queryset = queryset.filter(hall__in=halls)
        departments = [d.pk for d in feed.departments.all()]
        if departments:
            # The hall's department, or a department present at the window.
            queryset = queryset.filter(Q(department__in=departments) | Q(departments__in=departments)).distinct()
        if feed.keyword:
            queryset = self.search(queryset, feed.keyword)
        return queryset


WINDOWS = register_source("windows", WindowResource())
WindowViewSet = resource_viewset(WINDOWS)


# ---- notices -------------------------------------------------------------------------------


class NoticeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="公告编号。")
    title = serializers.CharField(label="标题", help_text="标题。")
    text = serializers.CharField(label="内容", help_text="公告内容（纯文本，可能多行）。")
    level = serializers.CharField(label="级别", help_text="级别：info 一般、important 重要、urgent 紧急。")
    level_name = serializers.CharField(source="get_level_display", label="级别名称", help_text="级别（中文）。")
    halls = serializers.SerializerMethodField(label="发布大厅", help_text="显示该公告的大厅（已停用的大厅不列）。")
    department = serializers.SerializerMethodField(label="发布部门", help_text="发布公告的部门。")
    starts_at = serializers.DateTimeField(label="开始显示时间", help_text="开始显示时间。")
    ends_at = serializers.DateTimeField(
        allow_null=True, label="结束显示时间", help_text="结束显示时间；null 表示一直显示，直到撤下。"
    )
    updated_at = serializers.DateTimeField(label="更新时间", help_text="最后修改时间。")

    def get_halls(self, obj) -> HallRefSerializer(many=True):
        return [hall_ref(h) for h in obj.halls.all()]

    def get_department(self, obj) -> DepartmentRefSerializer:
        return department_ref(obj.department)


class NoticeFilter(UpdatedFilterSet):
    hall = django_filters.CharFilter(field_name="halls__code", distinct=True, label="大厅编码")
    level = django_filters.ChoiceFilter(choices=NoticeLevel.choices, label="级别（info/important/urgent）")
    department = django_filters.CharFilter(field_name="department__credit_code", label="发布部门（统一社会信用代码）")

    class Meta:
        model = Notice
        fields: list[str] = []


class NoticeResource(Resource):
    """Notices on screens now. A notice that starts later enters the list when it starts: its
    sync time is the later of its last change and its start (``shown_at``), so a terminal
    syncing after the start receives it even though nobody edited it."""

    name = "notices"
    label = "大厅公告"
    model = Notice
    serializer_class = NoticeRecordSerializer
    filterset_class = NoticeFilter
    depends_on = ("halls", "departments")
    updated_field = "shown_at"
    ordering = ("-starts_at", "-pk")
    search_fields = ("title", "text")
    keyword_search = TextListSearch("title", body=("text",))
    feed_orderings = {
        "-updated": ("-updated_at", "-pk"),
        "name": ("title", "pk"),
        "-published": ("-starts_at", "-pk"),
    }

    @staticmethod
    def _annotated(queryset: QuerySet) -> QuerySet:
        return queryset.annotate(shown_at=Greatest("updated_at", "starts_at", output_field=DateTimeField()))

    def queryset(self, request) -> QuerySet:
        return self._annotated(Notice.public_queryset())

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("department").prefetch_related(
            Prefetch("halls", queryset=Hall.objects.filter(is_active=True).order_by("sort_order", "code", "pk"))
        )

    def withdrawn_rows(self, request):
        """Notices that expired, and notices taken down (unpublished)."""
        return [
            (Notice.objects.filter(is_active=True), "ends_at"),
            (Notice.objects.filter(is_active=False), "updated_at"),
        ]

    def feed_queryset(self, feed) -> QuerySet:
        queryset = Notice.public_queryset()
        halls = [h.pk for h in feed.halls.all()]
        if halls:
            queryset = queryset.filter(halls__in=halls).distinct()
        departments = [d.pk for d in feed.departments.all()]
        if departments:
            queryset = queryset.filter(department__in=departments)
        if feed.keyword:
            queryset = self.search(queryset, feed.keyword)
        return self._annotated(queryset)


NOTICES = register_source("notices", NoticeResource())
NoticeViewSet = resource_viewset(NOTICES)


def notice_transitions(now: datetime.datetime) -> datetime.datetime | None:
    """Notices appear and disappear by the clock (their validity window)."""
    active = Notice.objects.filter(is_active=True)
    return collections.earliest(
        active.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        active.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
    )


collections.register("halls", "服务大厅")
collections.register("windows", "窗口")
collections.register("notices", "大厅公告", notice_transitions)
collections.track(Hall, ("halls",), kind="halls")
collections.track(Window, ("windows",), kind="windows", m2m=("departments", "matters"))
collections.track(Notice, ("notices",), kind="notices", m2m=("halls",))
registry.register_viewset("halls", HallViewSet, basename="hall")
registry.register_viewset("windows", WindowViewSet, basename="window")
registry.register_viewset("notices", NoticeViewSet, basename="notice")
