"""Reference data of the catalog for terminals: the editable lists (/api/v1/categories/) and the
efficiency statistics (/api/v1/stats/, one document, not a list).

``MatterRefSerializer`` is the short form of a matter other records embed (guides, windows).
"""

from __future__ import annotations

import django_filters
from django.db.models import DateTimeField, QuerySet, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets

from api import caching, collections, registry
from api.models import CollectionVersion
from api.resources import ERROR_RESPONSES, Resource, ResourceViewSet, UpdatedFilterSet, dumps, resource_viewset
from sitesearch.engine import TextListSearch

from . import stats
from .api import DepartmentRefSerializer
from .models import MatterType, Term, Vocabulary


class MatterRefSerializer(serializers.Serializer):
    """A matter as other records refer to it (the full record is at /api/v1/matters/<id>/)."""

    id = serializers.IntegerField(help_text="事项编号（与 /api/v1/matters/ 一致）。")
    implementation_code = serializers.CharField(help_text="实施编码。")
    name = serializers.CharField(help_text="事项名称。")


def matter_ref(matter) -> dict:
    return {"id": matter.pk, "implementation_code": matter.implementation_code, "name": matter.name}


def department_ref(department) -> dict | None:
    if department is None:
        return None
    return {"id": department.pk, "credit_code": department.credit_code, "name": department.name}


# ---- categories: the values of every editable list -----------------------------------------


class CategoryRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="列表值编号。")
    vocabulary = serializers.CharField(
        help_text="所属列表标识，如 handling_type（办件类型）、natural_theme（面向自然人主题分类）。"
    )
    vocabulary_name = serializers.CharField(source="get_vocabulary_display", help_text="所属列表名称（中文）。")
    code = serializers.CharField(help_text="编码：事项记录和筛选参数中使用的值。")
    name = serializers.CharField(help_text="名称。")
    sort_order = serializers.IntegerField(help_text="列表内的排序号，小的在前。")
    updated_at = serializers.DateTimeField(help_text="最后修改时间。")


class CategoryFilter(UpdatedFilterSet):
    vocabulary = django_filters.ChoiceFilter(
        choices=Vocabulary.choices, label="所属列表（如 handling_type、online_depth、natural_theme）"
    )
    code = django_filters.CharFilter(field_name="code", label="编码")

    class Meta:
        model = Term
        fields: list[str] = []


class CategoryResource(Resource):
    """The enabled values of every editable list of a matter; a disabled value is withdrawn."""

    name = "categories"
    label = "分类"
    model = Term
    serializer_class = CategoryRecordSerializer
    filterset_class = CategoryFilter
    ordering = ("vocabulary", "sort_order", "code", "pk")
    search_fields = ("name", "code")
    keyword_search = TextListSearch("name")  # the portal's analysis (docs/search.md)

    def queryset(self, request):
        return Term.objects.filter(is_active=True)

    def withdrawn_rows(self, request):
        return [(Term.objects.filter(is_active=False), "updated_at")]


CATEGORIES = CategoryResource()
CategoryViewSet = resource_viewset(CATEGORIES)


# ---- matter types --------------------------------------------------------------------------
#
# ``MatterType`` has no timestamp of its own; its changes bump the "categories" collection. A
# type's update time is therefore the time that collection last changed: after any change to
# the lists a sync resends the (few) types and withdraws the disabled ones, and terminals
# converge. (A deleted type is not reported; types are protected while matters use them.)


def _stamped(queryset: QuerySet) -> QuerySet:
    changed_at = CollectionVersion.objects.filter(name="categories").values("changed_at")[:1]
    return queryset.annotate(updated_at=Subquery(changed_at, output_field=DateTimeField()))


class MatterTypeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="事项类型编号。")
    code = serializers.CharField(help_text="编码，如 01（行政许可）；事项记录中的 matter_type.code。")
    name = serializers.CharField(help_text="名称。")
    applied_for = serializers.BooleanField(help_text="是否依申请事项（由群众或企业申请办理，有办事指南）。")
    sort_order = serializers.IntegerField(help_text="排序号，小的在前。")
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="事项类型和分类列表最后一次变化的时间（同步以它为更新时间）。"
    )


class MatterTypeFilter(UpdatedFilterSet):
    code = django_filters.CharFilter(field_name="code", label="编码")
    applied_for = django_filters.BooleanFilter(field_name="applied_for", label="是否依申请事项（true/false）")

    class Meta:
        model = MatterType
        fields: list[str] = []


class MatterTypeResource(Resource):
    name = "matter_types"
    label = "事项类型"
    model = MatterType
    serializer_class = MatterTypeRecordSerializer
    filterset_class = MatterTypeFilter
    depends_on = ("categories",)
    ordering = ("sort_order", "code", "pk")
    search_fields = ("name", "code")
    keyword_search = TextListSearch("name")  # the portal's analysis (docs/search.md)

    @property
    def collections(self) -> tuple[str, ...]:
        return ("categories",)

    def queryset(self, request) -> QuerySet:
        return _stamped(MatterType.objects.filter(is_active=True))

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return _stamped(queryset)

    def withdrawn_rows(self, request):
        return [(_stamped(MatterType.objects.filter(is_active=False)), "updated_at")]


MATTER_TYPES = MatterTypeResource()
MatterTypeViewSet = resource_viewset(MATTER_TYPES)


# ---- statistics: one document --------------------------------------------------------------


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


class EfficiencySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="在用事项数。")
    immediate = serializers.IntegerField(help_text="即办件数。")
    immediate_share = serializers.FloatField(allow_null=True, help_text="即办件占比（0-1）；没有事项时为 null。")
    promised_count = serializers.IntegerField(help_text="同时填有法定和承诺时限的承诺件数。")
    average_promised = serializers.FloatField(
        allow_null=True, help_text="这些承诺件的平均承诺时限（工作日）；没有时为 null。"
    )
    average_statutory = serializers.FloatField(
        allow_null=True, help_text="这些承诺件的平均法定时限（工作日）；没有时为 null。"
    )
    compression = serializers.FloatField(
        allow_null=True, help_text="时限压缩比例：1 − 承诺时限合计 / 法定时限合计（0-1）；无法计算时为 null。"
    )
    at_most_one_visit = serializers.IntegerField(help_text="最多跑一次（到现场不超过1次）的事项数。")
    at_most_one_visit_share = serializers.FloatField(allow_null=True, help_text="最多跑一次的占比（0-1）。")
    zero_visits = serializers.IntegerField(help_text="零跑动（无需到现场）的事项数。")
    zero_visits_share = serializers.FloatField(allow_null=True, help_text="零跑动的占比（0-1）。")
    fully_online = serializers.IntegerField(help_text="全程网办（网上办理深度Ⅳ级）的事项数。")
    fully_online_share = serializers.FloatField(allow_null=True, help_text="全程网办的占比（0-1）。")
    in_hall = serializers.IntegerField(help_text="进驻政务大厅的事项数。")
    in_hall_share = serializers.FloatField(allow_null=True, help_text="进驻大厅的占比（0-1）。")


class LevelEfficiencySerializer(EfficiencySerializer):
    level = serializers.CharField(help_text="层级：city、county、town、community。")
    level_name = serializers.CharField(help_text="层级（中文）。")


class DepartmentEfficiencySerializer(EfficiencySerializer):
    department = DepartmentRefSerializer(help_text="实施主体。")


@extend_schema_serializer(many=False)  # served by a ``list`` action, but one document
class StatsSerializer(serializers.Serializer):
    overall = EfficiencySerializer(help_text="全部在用事项。")
    by_level = LevelEfficiencySerializer(many=True, help_text="按部门层级，从市级到村（社区）级；没有事项的层级不列。")
    by_department = DepartmentEfficiencySerializer(many=True, help_text="按实施部门，按部门排序；没有事项的部门不列。")


def _figures(row: stats.Efficiency) -> dict:
    return {
        "total": row.total,
        "immediate": row.immediate,
        "immediate_share": _share(row.immediate_share),
        "promised_count": row.promised_count,
        "average_promised": _share(row.average_promised),
        "average_statutory": _share(row.average_statutory),
        "compression": _share(row.compression),
        "at_most_one_visit": row.at_most_one_visit,
        "at_most_one_visit_share": _share(row.at_most_one_visit_share),
        "zero_visits": row.zero_visits,
        "zero_visits_share": _share(row.zero_visits_share),
        "fully_online": row.fully_online,
        "fully_online_share": _share(row.fully_online_share),
        "in_hall": row.in_hall,
        "in_hall_share": _share(row.in_hall_share),
    }


def stats_document() -> dict:
    """The statistics of the matters in force (five aggregate queries, whatever the catalog size)."""
    return {
        "overall": _figures(stats.overall()),
        "by_level": [{"level": level, "level_name": row.label, **_figures(row)} for level, row in stats.level_rows()],
        "by_department": [
            {"department": department_ref(department), **_figures(row)} for department, row in stats.department_rows()
        ],
    }


class StatsViewSet(viewsets.ViewSet):
    """办事效率统计：由在用事项实时计算。"""

    # As every read endpoint: terminal keys, sessions or tokens; open to all; the same throttles.
    authentication_classes = ResourceViewSet.authentication_classes
    permission_classes = ResourceViewSet.permission_classes
    throttle_classes = ResourceViewSet.throttle_classes
    renderer_classes = ResourceViewSet.renderer_classes
    collections = ("matters", "departments", "categories")

    @extend_schema(
        operation_id="stats_retrieve",
        summary="办事效率统计",
        description="在用事项的即办件占比、时限压缩、最多跑一次、全程网办、进驻大厅等统计，"
        "分全部、按层级、按部门给出。一个文档（不分页）；带 ETag，事项或部门变化时才变化。",
        responses={
            200: StatsSerializer,
            **{code: response for code, response in ERROR_RESPONSES.items() if code != 400},
        },
    )
    def list(self, request, *args, **kwargs):
        state = caching.state_for(self.collections, f"stats|{request.get_host()}|{request.path}")
        if caching.is_not_modified(request, state):
            return caching.not_modified(state)
        body = caching.cached_body(request, state)
        if body is None:
            body = dumps(StatsSerializer(stats_document()).data)
            caching.store_body(state, body)
        return caching.json_response(body, state)


collections.register("categories", "分类")
collections.track(Term, ("categories",), kind="categories")
collections.track(MatterType, ("categories",))
registry.register_viewset("categories", CategoryViewSet, basename="category")
registry.register_viewset("matter-types", MatterTypeViewSet, basename="matter-type")
registry.register_viewset("stats", StatsViewSet, basename="stats")
