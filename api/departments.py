"""The read API's department tree: /api/v1/departments/ (active departments).

Departments belong to the framework (``permissions``), so the API serves them itself; every
domain's records refer to them by these ids.
"""

from __future__ import annotations

import django_filters
from rest_framework import serializers

from permissions.models import Department, DepartmentLevel

from . import collections, registry
from .resources import IdFilter, Resource, UpdatedFilterSet, resource_viewset


class DepartmentRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="部门编号（其他接口中的部门引用使用同一编号）。")
    name = serializers.CharField(help_text="部门全称。")
    short_name = serializers.CharField(help_text="简称。")
    slug = serializers.CharField(help_text="网址标识（门户网址中使用）。")
    credit_code = serializers.CharField(help_text="统一社会信用代码（18位）。")
    level = serializers.CharField(
        help_text="层级：city 市级、county 县（区）级、town 镇（街道）级、community 村（社区）级。"
    )
    level_name = serializers.CharField(source="get_level_display", help_text="层级（中文）。")
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="上级部门编号；市级部门没有上级时为 null。"
    )
    sort_order = serializers.IntegerField(help_text="排序号，小的在前。")
    updated_at = serializers.DateTimeField(help_text="最后修改时间。")


class DepartmentFilter(UpdatedFilterSet):
    level = django_filters.ChoiceFilter(choices=DepartmentLevel.choices, label="层级（city/county/town/community）")
    parent = IdFilter(field_name="parent_id", label="上级部门编号")
    parent_code = django_filters.CharFilter(field_name="parent__credit_code", label="上级部门（统一社会信用代码）")
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="只列没有上级的部门（true）或只列有上级的部门（false）"
    )
    code = django_filters.CharFilter(field_name="credit_code", label="统一社会信用代码")

    class Meta:
        model = Department
        fields: list[str] = []


class DepartmentResource(Resource):
    """Active departments; a deactivated one is a withdrawal for terminals."""

    name = "departments"
    label = "部门"
    model = Department
    serializer_class = DepartmentRecordSerializer
    filterset_class = DepartmentFilter
    ordering = ("sort_order", "name", "pk")
    search_fields = ("name", "short_name", "credit_code")

    def queryset(self, request):
        return Department.objects.active()

    def withdrawn_rows(self, request):
        return [(Department.objects.filter(is_active=False), "updated_at")]


DEPARTMENTS = DepartmentResource()
DepartmentViewSet = resource_viewset(DEPARTMENTS)

collections.register("departments", "部门")
collections.track(Department, ("departments",), kind="departments")
registry.register_viewset("departments", DepartmentViewSet, basename="department")
