"""JSON API for matters: public reads, department writes through the permission policy.

Writes never change the version in force behind Wagtail's back: they save a revision
(a draft, as the admin does) and publish it only when asked and allowed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from wagtail.log_actions import log

from permissions.api import PolicyQuerysetMixin
from permissions.models import Department
from permissions.policy import policy_for

from . import standards
from .models import Matter, MatterType


class MatterSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(
        slug_field="credit_code",
        queryset=Department.objects.all(),
        help_text="所属部门的统一社会信用代码",
        error_messages={
            "does_not_exist": "没有统一社会信用代码为“{value}”的部门。",
            "invalid": "部门应填写统一社会信用代码。",
        },
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    matter_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MatterType.objects.filter(is_active=True),
        help_text="事项类型编码，如 01（行政许可）",
        error_messages={"does_not_exist": "没有编码为“{value}”的事项类型。"},
    )
    matter_type_name = serializers.CharField(source="matter_type.name", read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id",
            "implementation_code",
            "name",
            "matter_type",
            "matter_type_name",
            "department",
            "department_name",
            "live",
            "has_unpublished_changes",
            "updated_at",
        ]
        read_only_fields = ["live", "has_unpublished_changes", "updated_at"]


def _full_clean(instance: Matter) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise DRFValidationError(exc.message_dict) from exc


@extend_schema_view(
    create=extend_schema(parameters=[OpenApiParameter("publish", bool, description="有发布权限时同时发布")]),
    partial_update=extend_schema(parameters=[OpenApiParameter("publish", bool, description="有发布权限时同时发布")]),
    update=extend_schema(parameters=[OpenApiParameter("publish", bool, description="有发布权限时同时发布")]),
)
class MatterViewSet(PolicyQuerysetMixin, viewsets.ModelViewSet):
    """事项：公众可读已发布事项；部门人员可读写本部门事项（写入保存为草稿版本）。"""

    owned_model = Matter
    serializer_class = MatterSerializer
    filterset_fields = {"department__credit_code": ["exact"], "matter_type__code": ["exact"]}

    def optimise_queryset(self, queryset):
        return queryset.select_related("department", "matter_type").order_by("implementation_code")

    def _wants_publish(self) -> bool:
        return self.request.query_params.get("publish", "").lower() in {"1", "true", "yes"}

    def _publish_if_asked(self, instance: Matter, revision) -> None:
        if not self._wants_publish():
            return
        if not policy_for(Matter).user_has_permission_for_instance(self.request.user, "publish", instance):
            raise PermissionDenied("您没有发布该事项的权限，本次修改未保存。")
        errors = [issue for issue in standards.check(instance) if issue.is_error]
        if errors:
            raise DRFValidationError(
                {"standards": [f"{issue.field}：{issue.message}" for issue in errors]}, code="standards"
            )
        revision.publish(user=self.request.user)

    @transaction.atomic
    def perform_create(self, serializer):
        instance = Matter(**serializer.validated_data, live=False)
        if not policy_for(Matter).user_has_permission_for_instance(self.request.user, "add", instance):
            raise PermissionDenied("您无权在该部门新建事项。")
        _full_clean(instance)
        instance.save()
        revision = instance.save_revision(user=self.request.user)
        log(instance=instance, action="wagtail.create", user=self.request.user, revision=revision)
        self._publish_if_asked(instance, revision)
        instance.refresh_from_db()
        serializer.instance = instance

    @transaction.atomic
    def perform_update(self, serializer):
        live = serializer.instance
        draft = live.get_latest_revision_as_object()
        for field, value in serializer.validated_data.items():
            setattr(draft, field, value)
        if draft.department_id != live.department_id and not policy_for(Matter).user_has_permission_for_instance(
            self.request.user, "add", draft
        ):
            raise PermissionDenied("您无权把事项移到该部门。")
        _full_clean(draft)
        if not live.live:
            draft.save()
        revision = draft.save_revision(user=self.request.user, log_action=True)
        self._publish_if_asked(draft, revision)
        serializer.instance = draft

    @transaction.atomic
    def perform_destroy(self, instance):
        log(instance=instance, action="wagtail.delete", user=self.request.user)
        instance.delete()
