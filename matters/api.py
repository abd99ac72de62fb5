"""JSON API for matters: the public catalog for terminals, and writes by department systems.

Reads go through ``api.resources`` (caching, sync, per-record JSON). Writes never change the
version in force behind Wagtail's back: they save a revision (a draft, as the admin does)
and publish it only when asked and allowed. Every write names the revision it was based on;
a write based on an outdated revision is refused with 409 and changes nothing.
"""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from wagtail.log_actions import log

from api import collections, registry, scopes
from api.clients import KeyScopePermission
from api.resources import (
    ERROR_RESPONSES,
    MAX_ID,
    ErrorSerializer,
    IdFilter,
    Resource,
    ResourceViewSet,
    UpdatedFilterSet,
    document,
    register_source,
)
from permissions.drf import PolicyPermission
from permissions.models import Department
from permissions.policy import policy_for

from . import standards
from .models import Material, Matter, MatterType, Necessity
from .search import LIST_SEARCH

WRITE_MATTERS = scopes.register("write_matters", "新建和修改本部门事项", acts_as_user=True)

# ---- read: the public record -------------------------------------------------------------


class TermSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="编码。")
    name = serializers.CharField(help_text="名称。")


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="部门编号（与 /api/v1/departments/ 一致）。")
    credit_code = serializers.CharField(help_text="统一社会信用代码。")
    name = serializers.CharField(help_text="部门全称。")


class MaterialSerializer(serializers.ModelSerializer):
    necessity_name = serializers.CharField(source="get_necessity_display", read_only=True, help_text="必要性（中文）。")
    source_name = serializers.CharField(source="get_source_display", read_only=True, help_text="来源渠道（中文）。")
    blank_form_url = serializers.SerializerMethodField(help_text="空白表格下载地址；没有时为 null。")
    sample_url = serializers.SerializerMethodField(help_text="填写示例下载地址；没有时为 null。")

    class Meta:
        model = Material
        fields = [*Material.ELEMENT_FIELDS, "necessity_name", "source_name", "blank_form_url", "sample_url"]

    def get_blank_form_url(self, obj) -> str | None:
        return obj.blank_form.url if obj.blank_form_id else None

    def get_sample_url(self, obj) -> str | None:
        return obj.sample.url if obj.sample_id else None


def _children(model, fields):
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta, "__module__": __name__})


def _child(name: str) -> type:
    return Matter._meta.get_field(name).related_model


StepSerializer = _children(_child("steps"), ["name", "role", "time_limit", "criteria", "special_procedure"])
FeeSerializer = _children(_child("fees"), ["name", "standard", "basis", "reducible", "reduction_basis"])
LegalBasisSerializer = _children(_child("legal_bases"), ["law_name", "document_number", "article", "text"])
PlaceSerializer = _children(_child("places"), ["name", "address", "phone", "hours", "directions"])
FAQSerializer = _children(_child("faqs"), ["question", "answer"])


def _term(term) -> dict | None:
    return {"code": term.code, "name": term.name} if term is not None else None


class MatterRecordSerializer(serializers.ModelSerializer):
    """The public elements of a matter in force (internal check results and drafts never appear)."""

    department = serializers.SerializerMethodField(help_text="实施主体。")
    matter_type = serializers.SerializerMethodField(help_text="事项类型。")
    handling_type = serializers.SerializerMethodField(help_text="办件类型（即办件、承诺件）；未填时为 null。")
    online_depth = serializers.SerializerMethodField(help_text="网上办理深度；未填时为 null。")
    service_scope = serializers.SerializerMethodField(help_text="通办范围；未填时为 null。")
    power_source = serializers.SerializerMethodField(help_text="权力来源；未填时为 null。")
    result_type = serializers.SerializerMethodField(help_text="审批结果类型；未填时为 null。")
    entrusting_department = serializers.SerializerMethodField(help_text="委托部门（受委托实施时）；否则为 null。")
    exercise_levels = TermSerializer(many=True, read_only=True, help_text="行使层级。")
    handling_forms = TermSerializer(many=True, read_only=True, help_text="办理形式。")
    service_objects = TermSerializer(many=True, read_only=True, help_text="服务对象。")
    natural_themes = TermSerializer(many=True, read_only=True, help_text="面向自然人主题分类。")
    legal_themes = TermSerializer(many=True, read_only=True, help_text="面向法人主题分类。")
    legal_bases = LegalBasisSerializer(many=True, read_only=True, help_text="设定依据。")
    materials = MaterialSerializer(many=True, read_only=True, help_text="申请材料，按顺序。")
    steps = StepSerializer(many=True, read_only=True, help_text="办理环节，按顺序。")
    fees = FeeSerializer(many=True, read_only=True, help_text="收费项目。")
    places = PlaceSerializer(many=True, read_only=True, help_text="办理地点与时间。")
    faqs = FAQSerializer(many=True, read_only=True, help_text="常见问题。")
    status_name = serializers.CharField(source="get_status_display", read_only=True, help_text="事项状态（中文）。")
    url = serializers.SerializerMethodField(help_text="门户网站上该事项的完整网址；门户未建事项目录时为 null。")

    class Meta:
        model = Matter
        fields = [
            "id",
            "implementation_code",
            "basic_code",
            "business_item_code",
            "name",
            "version",
            "status",
            "status_name",
            "department",
            "matter_type",
            "power_source",
            "entrusting_department",
            "joint_bodies",
            "exercise_levels",
            "acceptance_conditions",
            "no_materials_needed",
            "process_description",
            "handling_type",
            "statutory_limit",
            "statutory_limit_note",
            "promised_limit",
            "promised_limit_note",
            "is_charged",
            "online_payment",
            "visits",
            "visit_reason",
            "handling_forms",
            "online_depth",
            "online_url",
            "appointment",
            "daily_appointments",
            "express_delivery",
            "self_service",
            "in_hall",
            "service_scope",
            "service_objects",
            "natural_themes",
            "legal_themes",
            "consultation",
            "complaint",
            "result_type",
            "result_name",
            "rights",
            "obligations",
            "remedies",
            "quantity_limit",
            "special_procedures",
            "intermediary_exists",
            "intermediary_name",
            "intermediary_content",
            "planned_cancel_date",
            "legal_bases",
            "materials",
            "steps",
            "fees",
            "places",
            "faqs",
            "url",
            "updated_at",
        ]

    def get_department(self, obj) -> DepartmentRefSerializer:
        d = obj.department
        return {"id": d.pk, "credit_code": d.credit_code, "name": d.name}

    def get_matter_type(self, obj) -> TermSerializer:
        return {"code": obj.matter_type.code, "name": obj.matter_type.name}

    def get_handling_type(self, obj) -> TermSerializer(allow_null=True):
        return _term(obj.handling_type)

    def get_online_depth(self, obj) -> TermSerializer(allow_null=True):
        return _term(obj.online_depth)

    def get_service_scope(self, obj) -> TermSerializer(allow_null=True):
        return _term(obj.service_scope)

    def get_power_source(self, obj) -> TermSerializer(allow_null=True):
        return _term(obj.power_source)

    def get_result_type(self, obj) -> TermSerializer(allow_null=True):
        return _term(obj.result_type)

    def get_entrusting_department(self, obj) -> DepartmentRefSerializer(allow_null=True):
        d = obj.entrusting_department
        return {"id": d.pk, "credit_code": d.credit_code, "name": d.name} if d is not None else None

    def get_url(self, obj) -> str | None:
        base = self.context.get("catalog_url")
        return f"{base}item/{obj.implementation_code}/" if base else None


class MatterFilter(UpdatedFilterSet):
    department = django_filters.CharFilter(field_name="department__credit_code", label="部门（统一社会信用代码）")
    department_id = IdFilter(field_name="department_id", label="部门编号")
    level = django_filters.CharFilter(field_name="department__level", label="层级（city/county/town/community）")
    matter_type = django_filters.CharFilter(field_name="matter_type__code", label="事项类型编码")
    handling_type = django_filters.CharFilter(field_name="handling_type__code", label="办件类型编码")
    online_depth = django_filters.CharFilter(field_name="online_depth__code", label="网上办理深度编码")
    theme = django_filters.CharFilter(method="filter_theme", label="主题分类编码（自然人或法人主题）")
    hall = django_filters.CharFilter(
        field_name="windows__hall__code", label="大厅编码（在该大厅有窗口可办）", distinct=True
    )
    window = IdFilter(field_name="windows", label="窗口编号", distinct=True)
    code = django_filters.CharFilter(field_name="implementation_code", label="实施编码")
    # The names v1 first shipped with; kept so existing clients go on working.
    department__credit_code = django_filters.CharFilter(
        field_name="department__credit_code", label="部门（统一社会信用代码；同 department）"
    )
    matter_type__code = django_filters.CharFilter(
        field_name="matter_type__code", label="事项类型编码（同 matter_type）"
    )

    class Meta:
        model = Matter
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(natural_themes__code=value) | Q(legal_themes__code=value)).distinct()


class MatterRecordResource(Resource):
    name = "matters"
    label = "事项"
    model = Matter
    serializer_class = MatterRecordSerializer
    filterset_class = MatterFilter
    depends_on = ("departments", "categories")
    ordering = ("department__sort_order", "implementation_code", "pk")
    search_fields = ("name", "implementation_code")
    # ?q= is the portal catalog's search (docs/search.md, “接口的 q 参数”).
    keyword_search = LIST_SEARCH
    feed_orderings = {
        "-updated": ("-updated_at", "-pk"),
        "name": ("name", "pk"),
        "-published": ("-last_published_at", "-pk"),
    }

    def queryset(self, request) -> QuerySet:
        # Signed-in department staff and keys with a drafts scope also see their own drafts.
        return policy_for(Matter).instances_user_may_read(request.user)

    def scope(self, request) -> str:
        user = request.user
        return f"user:{user.pk}" if user.is_authenticated else "public"

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return Matter.with_elements(queryset)

    def serializer_context(self, request) -> dict:
        return {"request": request, "catalog_url": _catalog_url()}

    def withdrawn_rows(self, request):
        """Matters once published that are no longer in force (cancelled, suspended, unpublished)."""
        return [
            (Matter.objects.filter(version__gt=0).exclude(pk__in=self.queryset(request).values("pk")), "updated_at")
        ]

    def feed_queryset(self, feed) -> QuerySet:
        queryset = super().feed_queryset(feed)
        halls = [h.pk for h in feed.halls.all()]
        if halls:
            queryset = queryset.filter(windows__hall__in=halls).distinct()
        types = [t.pk for t in feed.matter_types.all()]
        if types:
            queryset = queryset.filter(matter_type__in=types)
        by_vocabulary: dict[str, list[int]] = {}
        for term in feed.terms.all():
            by_vocabulary.setdefault(term.vocabulary, []).append(term.pk)
        for vocabulary, ids in by_vocabulary.items():
            queryset = queryset.filter(term_condition(vocabulary, ids)).distinct()
        return queryset


def term_condition(vocabulary: str, ids: list[int]):
    from django.db.models import Q

    from .models import Vocabulary

    single = {
        Vocabulary.HANDLING_TYPE: "handling_type",
        Vocabulary.ONLINE_DEPTH: "online_depth",
        Vocabulary.SERVICE_SCOPE: "service_scope",
        Vocabulary.POWER_SOURCE: "power_source",
        Vocabulary.RESULT_TYPE: "result_type",
        Vocabulary.BODY_NATURE: "body_nature",
    }
    many = {
        Vocabulary.NATURAL_THEME: "natural_themes",
        Vocabulary.LEGAL_THEME: "legal_themes",
        Vocabulary.SERVICE_OBJECT: "service_objects",
        Vocabulary.HANDLING_FORM: "handling_forms",
        Vocabulary.LEVEL: "exercise_levels",
    }
    field = single.get(vocabulary) or many.get(vocabulary)
    return Q(**{f"{field}__in": ids}) if field else Q()


def _catalog_url() -> str | None:
    from .pages import MatterCatalogPage

    page = MatterCatalogPage.objects.live().first()
    return page.full_url if page is not None else None


MATTERS = register_source("matters", MatterRecordResource())


# ---- write: department systems -----------------------------------------------------------


class MaterialWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = list(Material.ELEMENT_FIELDS)
        extra_kwargs = {"necessity": {"default": Necessity.REQUIRED}}


class MatterWriteSerializer(serializers.ModelSerializer):
    """What a department system may write; the revision it read must come back with a change."""

    department = serializers.SlugRelatedField(
        slug_field="credit_code",
        queryset=Department.objects.all(),
        help_text="所属部门的统一社会信用代码",
        error_messages={
            "does_not_exist": "没有统一社会信用代码为“{value}”的部门。",
            "invalid": "部门应填写统一社会信用代码。",
        },
    )
    department_name = serializers.CharField(source="department.name", read_only=True, help_text="部门全称。")
    matter_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MatterType.objects.filter(is_active=True),
        help_text="事项类型编码，如 01（行政许可）",
        error_messages={"does_not_exist": "没有编码为“{value}”的事项类型。"},
    )
    matter_type_name = serializers.CharField(source="matter_type.name", read_only=True, help_text="事项类型名称。")
    materials = MaterialWriteSerializer(
        many=True, required=False, help_text="申请材料；提供时整体替换原有材料，按给出的顺序排列。"
    )
    revision = serializers.IntegerField(
        source="latest_revision_id",
        required=False,
        allow_null=True,
        help_text="修改时必填：读取时得到的版本号（revision）。与当前版本不一致时返回 409，不作任何修改。",
    )

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
            "acceptance_conditions",
            "statutory_limit",
            "promised_limit",
            "is_charged",
            "visits",
            "consultation",
            "complaint",
            "materials",
            "live",
            "has_unpublished_changes",
            "status",
            "version",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["live", "has_unpublished_changes", "status", "version", "updated_at"]


def _full_clean(instance: Matter) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise DRFValidationError(exc.message_dict) from exc


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = "修改事项时请提供 revision（读取事项时得到的版本号）或 If-Match 头，以免覆盖他人的修改。"


def _based_on(request, data: dict) -> int:
    """The revision the client read: ``revision`` in the body, or an ``If-Match: "<revision>"`` header."""
    value = data.get("latest_revision_id")
    if value is None:
        header = request.META.get("HTTP_IF_MATCH", "").strip().removeprefix("W/").strip('"')
        if header.isdigit():
            value = int(header)
    if value is None:
        raise PreconditionRequired()
    return value


_PUBLISH = OpenApiParameter("publish", bool, description="有发布权限时同时发布（发布前做标准化检查）")
_WRITE_RESPONSES = {
    400: OpenApiResponse(
        {"type": "object", "additionalProperties": {}}, description="数据有误：以字段名为键给出中文说明。"
    ),
    401: OpenApiResponse(ErrorSerializer, description="未认证：需要接口密钥或登录。"),
    403: OpenApiResponse(ErrorSerializer, description="无权在该部门新建、修改或发布事项。"),
    404: OpenApiResponse(ErrorSerializer, description="没有该事项，或无权查看。"),
    409: OpenApiResponse(ErrorSerializer, description="依据的版本已过时：事项已被他人修改，未作任何修改。"),
    428: OpenApiResponse(ErrorSerializer, description="缺少 revision 或 If-Match。"),
}


@document
class MatterRecordViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ResourceViewSet):
    """事项：公众和终端读取在用事项；部门系统以部门凭据写入本部门事项（保存为草稿版本）。"""

    resource = MATTERS
    owned_model = Matter
    permission_classes = [KeyScopePermission, PolicyPermission]
    write_scope = WRITE_MATTERS

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update", "destroy"}:
            return MatterWriteSerializer
        return MatterRecordSerializer

    def get_object(self):
        """For writes: the record must be readable (else 404) and the policy asked (else 403)."""
        pk = self.kwargs["pk"]
        readable = policy_for(Matter).instances_user_may_read(self.request.user)
        obj = readable.filter(pk=pk).first() if int(pk) <= MAX_ID else None
        if obj is None:
            raise exceptions.NotFound(f"没有编号为 {pk} 的事项，或您无权查看。")
        self.check_object_permissions(self.request, obj)
        return obj

    @extend_schema(
        summary="单个事项",
        description="公众和终端读取在用版本；可修改该事项的部门系统或编辑读取最新版本（含 revision 和 ETag）。",
        responses={
            200: MatterRecordSerializer,
            404: OpenApiResponse(ErrorSerializer, description="没有该记录，或它已删除、撤下、尚未公开。"),
            **ERROR_RESPONSES,
        },
    )
    def retrieve(self, request, *args, **kwargs):
        """Editors read what they would write onto: the latest revision, with its ``revision``.

        Writes go onto the latest revision (a draft while a published matter has pending
        changes); a caller that may change the matter — a key with ``write_matters`` or
        ``read_drafts`` acting as its department, a signed-in editor — therefore reads that
        revision's content, its ``revision`` id and an ``ETag: "<revision>"`` to send back as
        ``revision`` or ``If-Match``. Anyone else reads the version in force, cached as before.
        A read-modify-write then never silently drops pending draft changes (issue 14 item 10;
        GB/T 22239-2019 8.1.4.7 数据完整性).
        """
        pk = kwargs[self.lookup_field]
        user = request.user
        if user.is_authenticated and int(pk) <= MAX_ID:
            matter = self.resource.queryset(request).filter(pk=pk).first()
            if matter is not None and policy_for(Matter).user_has_permission_for_instance(user, "change", matter):
                return self._latest_revision_response(request, matter)
        return super().retrieve(request, *args, **kwargs)

    def _latest_revision_response(self, request, matter: Matter) -> Response:
        latest = matter.get_latest_revision_as_object()
        latest.pk = matter.pk
        latest.live = matter.live
        latest.latest_revision_id = matter.latest_revision_id
        latest.has_unpublished_changes = matter.has_unpublished_changes
        data = dict(MatterRecordSerializer(latest, context=self.resource.serializer_context(request)).data)
        data["revision"] = matter.latest_revision_id
        data["has_unpublished_changes"] = matter.has_unpublished_changes
        response = Response(data)
        response["ETag"] = f'"{matter.latest_revision_id}"'
        response["Cache-Control"] = "private, no-store"
        return response

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

    @staticmethod
    def _set_materials(instance: Matter, materials: list[dict] | None) -> None:
        if materials is not None:
            instance.materials = [Material(**item) for item in materials]

    @extend_schema(
        parameters=[_PUBLISH], request=MatterWriteSerializer, responses={201: MatterWriteSerializer, **_WRITE_RESPONSES}
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[_PUBLISH], request=MatterWriteSerializer, responses={200: MatterWriteSerializer, **_WRITE_RESPONSES}
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        parameters=[_PUBLISH], request=MatterWriteSerializer, responses={200: MatterWriteSerializer, **_WRITE_RESPONSES}
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(responses={204: None, **_WRITE_RESPONSES})
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        materials = data.pop("materials", None)
        data.pop("latest_revision_id", None)
        instance = Matter(**data, live=False)
        if not policy_for(Matter).user_has_permission_for_instance(self.request.user, "add", instance):
            raise PermissionDenied("您无权在该部门新建事项。")
        self._set_materials(instance, materials)
        _full_clean(instance)
        instance.save()
        revision = instance.save_revision(user=self.request.user)
        log(instance=instance, action="wagtail.create", user=self.request.user, revision=revision)
        self._publish_if_asked(instance, revision)
        instance.refresh_from_db()
        serializer.instance = instance

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        based_on = _based_on(self.request, data)
        data.pop("latest_revision_id", None)
        materials = data.pop("materials", None)
        live = Matter.objects.select_for_update().get(pk=serializer.instance.pk)
        if based_on != live.latest_revision_id:
            raise Conflict(
                f"该事项已被修改：您依据的版本是 {based_on}，当前版本是 {live.latest_revision_id}。"
                "请重新读取事项后再提交，本次未作任何修改。"
            )
        department_before = live.department_id
        draft = live.get_latest_revision_as_object()  # may be ``live`` itself: compare with the id kept above
        for field, value in data.items():
            setattr(draft, field, value)
        self._set_materials(draft, materials)
        if draft.department_id != department_before and not policy_for(Matter).user_has_permission_for_instance(
            self.request.user, "add", draft
        ):
            raise PermissionDenied("您无权把事项移到该部门。")
        _full_clean(draft)
        if not live.live:
            draft.save()
        revision = draft.save_revision(user=self.request.user, log_action=True)
        self._publish_if_asked(draft, revision)
        draft.latest_revision_id = revision.pk
        serializer.instance = draft

    @transaction.atomic
    def perform_destroy(self, instance):
        log(instance=instance, action="wagtail.delete", user=self.request.user)
        instance.delete()


# ---- registration with the API --------------------------------------------------------------


def matter_transitions(now: datetime.datetime) -> datetime.datetime | None:
    """The matters collection changes by the clock at a planned cancellation or a scheduled go-live."""
    cancel = (
        Matter.public_queryset()
        .filter(planned_cancel_date__gt=timezone.localdate(now))
        .aggregate(d=Min("planned_cancel_date"))["d"]
    )
    cancel_at = (
        timezone.make_aware(datetime.datetime.combine(cancel, datetime.time.min)) if cancel is not None else None
    )
    return collections.earliest(cancel_at, collections.scheduled_revisions(Matter, now))


collections.register("matters", "事项", matter_transitions)
collections.track(Matter, ("matters",), kind="matters")
collections.track_revisions(Matter, "matters")
collections.track_records_changed(Matter, ("matters",))
registry.register_viewset("matters", MatterRecordViewSet, basename="matter")

from . import api_reference  # noqa: E402, F401  (registers categories, matter types and statistics)
