"""The push API for hall and approval systems: create cases and report their steps (docs/cases.md).

``POST /api/v1/cases/`` opens a case (idempotent on the system's own ``external_id``: the same id
again returns the case it made, 200 instead of 201); ``GET /api/v1/cases/<number>/`` reads it;
``POST /api/v1/cases/<number>/steps/`` reports a step (idempotent on the step's ``external_id``).
A key with the ``write_cases`` scope acts as its system's service user, a member of its
department, so the one permission policy decides: a case of another department is a 404, an
unknown matter, hall or window or an illegal step a 400 naming the field, a stale ``revision``
a 409. Answers carry the applicant masked; personal data never leaves in full.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api import registry, scopes
from api.clients import request_client
from api.resources import ErrorSerializer
from api.throttling import FixedWindowThrottle, UserThrottle
from permissions.policy import policy_for

from . import flow
from .models import ApplicantKind, Case, Channel
from .rates_api import CaseRatesView
from .states import ACTIONS

# What opening a case reads of its matter (cases.flow.open_case): the rest of a matter's hundred
# columns are not loaded on the hot path of a push.
MATTER_FIELDS = (
    "name",
    "implementation_code",
    "promised_limit",
    "statutory_limit",
    "live",
    "status",
    "live_revision_id",
    "department__name",
    "department__short_name",
    "department__is_active",
)

WRITE_CASES = scopes.register("write_cases", "推送本部门办件及其办理环节", acts_as_user=True)


class CasePushThrottle(FixedWindowThrottle):
    """Pushes per key: a hall system catching up on a backlog may send many (``CASES_PUSH_RATE``)."""

    scope = "cases_push"

    def get_rate(self):
        from django.conf import settings

        return settings.CASES_PUSH_RATE

    def get_cache_key(self, request, view):
        client = request_client(request)
        return None if client is None else self.cache_format % {"scope": self.scope, "ident": client.pk}


class CanPushCases(BasePermission):
    """A key with ``write_cases`` (acting as its department) or a signed-in department user."""

    message = "需要具有“推送本部门办件”授权范围的接口密钥。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        if client is not None and not client.has_scope(str(WRITE_CASES)):
            return False
        return bool(request.user and request.user.is_authenticated)


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ApplicantKind.choices, help_text="person：自然人；organisation：法人或其他组织。")
    name = serializers.CharField(max_length=100, help_text="姓名或名称。")
    id_type = serializers.CharField(help_text="证件类型：resident_id、passport、hk_macao、taiwan、credit_code、other。")
    id_number = serializers.CharField(max_length=40, help_text="证件号码（加密保存，返回时脱敏）。")
    phone = serializers.CharField(max_length=30, help_text="联系电话（加密保存）。")
    email = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="电子邮箱（可选，加密保存；用于办理通知）。"
    )


class CaseInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64, help_text="推送系统自己的办件号；重复推送同一号码返回已建办件。")
    matter = serializers.CharField(max_length=50, help_text="事项实施编码。")
    channel = serializers.ChoiceField(
        Channel.choices, default=Channel.PUSHED, help_text="申请渠道，缺省为业务系统推送（pushed）。"
    )
    hall = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text="大厅编码。")
    window = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="窗口号（需同时给出大厅）。"
    )
    applied_at = serializers.DateTimeField(required=False, help_text="申请时间，缺省为收到推送之时。")
    applicant = ApplicantSerializer(help_text="申请人（姓名或名称、证件、联系电话）。")
    materials_received = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="已收取材料在事项材料清单中的序号（从 0 起）；缺省为全部已收取。",
    )


class StepInSerializer(serializers.Serializer):
    action = serializers.ChoiceField([(key, a.label) for key, a in ACTIONS.items()], help_text="办理环节。")
    on = serializers.DateField(required=False, help_text="办理日期，缺省为今天。")
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="意见或理由（不予受理、不予许可、撤回时必填）。",
    )
    defects = serializers.DictField(
        child=serializers.CharField(max_length=300), required=False, help_text="补正告知：材料序号 → 需补正内容。"
    )
    extra_defects = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="补正告知：材料清单以外需补正的内容。"
    )
    special_kind = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="启动特别程序时的种类：inspection、testing、quarantine、appraisal、expert_review、hearing、publicity。",
    )
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="推送系统的环节号；重复报告同一环节号不再处理。",
    )
    revision = serializers.IntegerField(required=False, min_value=0, help_text="读取时的版本；已被他人改动则返回 409。")


class StepOutSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="环节代码（如 accept、amend、approve）。")
    label = serializers.CharField(help_text="环节名称。")
    state = serializers.CharField(source="to_state", help_text="该环节后的办件状态。")
    on = serializers.DateField(help_text="办理日期。")
    note = serializers.CharField(help_text="意见或理由。")
    external_id = serializers.CharField(help_text="推送系统的环节号（如有）。")


class CaseOutSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="办件编号（年度-部门-序号）。")
    lookup_code = serializers.CharField(help_text="查询码，申请人凭此和办件编号查询进度。")
    external_id = serializers.CharField(help_text="推送系统的办件号。")
    matter = serializers.CharField(source="matter_code", help_text="事项实施编码（申请时的版本）。")
    matter_name = serializers.CharField(help_text="事项名称（申请时的版本）。")
    department = serializers.CharField(source="department.name", help_text="办理部门。")
    channel = serializers.CharField(help_text="申请渠道：window、online、kiosk、mobile、pushed。")
    applicant = serializers.CharField(source="masked_name", help_text="申请人（脱敏）。")
    state = serializers.CharField(help_text="办件状态代码。")
    state_label = serializers.CharField(source="get_state_display", help_text="办件状态（中文）。")
    applied_at = serializers.DateTimeField(help_text="申请时间。")
    accepted_on = serializers.DateField(help_text="受理日期（未受理为空）。")
    due_date = serializers.DateField(help_text="承诺办结日期（工作日计算；未受理为空）。")
    due_provisional = serializers.BooleanField(help_text="期限为预计：所在年度的节假日安排尚未公布。")
    completed_on = serializers.DateField(help_text="办结日期（未办结为空）。")
    light = serializers.CharField(help_text="电子监察：green 绿灯、yellow 黄灯预警、red 红灯超期；未计时为空。")
    revision = serializers.IntegerField(help_text="版本号；报告环节时带上，已被他人改动则返回 409。")
    steps = StepOutSerializer(many=True, help_text="办理环节，按时间顺序。")


def _problem(error: flow.CaseError) -> exceptions.ValidationError:
    return exceptions.ValidationError({error.field or "detail": [error.message]})


def _case_for(request, number: str) -> Case:
    readable = policy_for(Case).instances_user_has_any_permission_for(request.user, ["view", "change"])
    case = readable.select_related("department").filter(number=number[:32]).first()
    if case is None:
        raise exceptions.NotFound(f"没有编号为 {number[:32]} 的办件，或不属于本部门。")
    return case


def case_json(case: Case) -> dict:
    """What ``CaseOutSerializer`` documents, built as a plain dict (a push answers it every time)."""

    def day(value):
        return value.isoformat() if value else None

    steps = getattr(case, "opening_steps", None) or case.steps.all()  # (at, pk) order; no query right after opening
    return {
        "number": case.number,
        "lookup_code": case.lookup_code,
        "external_id": case.external_id,
        "matter": case.matter_code,
        "matter_name": case.matter_name,
        "department": case.department.name,
        "channel": case.channel,
        "applicant": case.masked_name,
        "state": case.state,
        "state_label": case.get_state_display(),
        "applied_at": timezone.localtime(case.applied_at).isoformat(),
        "accepted_on": day(case.accepted_on),
        "due_date": day(case.due_date),
        "due_provisional": case.due_provisional,
        "completed_on": day(case.completed_on),
        "light": case.light,
        "revision": case.revision,
        "steps": [
            {
                "action": step.action,
                "label": step.label,
                "state": step.to_state,
                "on": step.on.isoformat(),
                "note": step.note,
                "external_id": step.external_id,
            }
            for step in steps
        ],
    }


def _answer(case: Case, status: int = 200) -> Response:
    """The case as the caller sees it (its department already loaded; one query for the steps)."""
    return Response(case_json(case), status=status)


# Every case endpoint needs a key with write_cases (or a signed-in department user).
AUTH_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="未提供接口密钥或未登录。"),
    403: OpenApiResponse(ErrorSerializer, description="密钥没有“推送本部门办件”授权范围，或无权办理。"),
}
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="办件编号，例如 2026-001-000123。")


class CaseBase(APIView):
    permission_classes = [CanPushCases]
    throttle_classes = [CasePushThrottle, UserThrottle]


class CaseListView(CaseBase):
    @extend_schema(
        summary="推送办件",
        description="大厅或审批系统推送一个办件（需 write_cases）。同一 external_id 重复推送返回已建办件（200）。",
        request=CaseInSerializer,
        responses={
            **AUTH_ERRORS,
            201: CaseOutSerializer,
            200: CaseOutSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="字段不正确：未知事项、大厅、窗口或申请人信息有误，指明字段。"
            ),
            403: OpenApiResponse(ErrorSerializer, description="密钥没有 write_cases，或不能为该部门建件。"),
        },
        tags=["办件"],
    )
    def post(self, request):
        case, created = Pusher(request).open(request.data)
        return _answer(case, 201 if created else 200)


BATCH_MAX = 100


class CaseBatchInSerializer(serializers.Serializer):
    cases = CaseInSerializer(many=True, help_text=f"至多 {BATCH_MAX} 个办件，格式与单个推送相同。")


class BatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="在请求 cases 中的序号（从 0 起）。")
    external_id = serializers.CharField(help_text="该办件的推送系统办件号。")
    status = serializers.IntegerField(
        help_text="201 新建；200 已存在（重复推送）；400 字段有误；403 不能为该部门建件。"
    )
    case = CaseOutSerializer(required=False, help_text="办件（status 为 201 或 200 时）。")
    errors = serializers.DictField(required=False, help_text="字段 → 错误说明（status 为 400 或 403 时）。")


class BatchOutSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="新建的办件数。")
    existing = serializers.IntegerField(help_text="已推送过（按 external_id）的办件数。")
    refused = serializers.IntegerField(help_text="被拒绝（字段有误或无权）的办件数。")
    results = BatchResultSerializer(many=True, help_text="逐个办件的结果，按请求顺序。")


class CaseBatchView(CaseBase):
    @extend_schema(
        summary="批量推送办件",
        description=(
            f"大厅或审批系统一次推送至多 {BATCH_MAX} 个办件（补传积压时用）。每个办件单独校验、单独保存："
            "一个有误不影响其他；结果按请求顺序逐个给出状态。"
        ),
        request=CaseBatchInSerializer,
        responses={
            **AUTH_ERRORS,
            200: BatchOutSerializer,
            400: OpenApiResponse(ErrorSerializer, description="请求不是 cases 列表，或超过上限。"),
        },
        tags=["办件"],
    )
    def post(self, request):
        items = request.data.get("cases") if isinstance(request.data, dict) else None
        if not isinstance(items, list) or not items:
            raise exceptions.ValidationError({"cases": ["请以 cases 列表给出要推送的办件。"]})
        if len(items) > BATCH_MAX:
            raise exceptions.ValidationError({"cases": [f"一次至多推送 {BATCH_MAX} 个办件，本次 {len(items)} 个。"]})
        pusher = Pusher(request)
        results, counts = [], {"created": 0, "existing": 0, "refused": 0}
        for index, item in enumerate(items):
            external_id = str(item.get("external_id", ""))[:64] if isinstance(item, dict) else ""
            try:
                case, created = pusher.open(item)
            except (exceptions.ValidationError, exceptions.PermissionDenied) as error:
                detail = error.detail if isinstance(error.detail, dict) else {"detail": error.detail}
                status = 400 if isinstance(error, exceptions.ValidationError) else 403
                results.append({"index": index, "external_id": external_id, "status": status, "errors": detail})
                counts["refused"] += 1
                continue
            counts["created" if created else "existing"] += 1
            results.append(
                {
                    "index": index,
                    "external_id": case.external_id,
                    "status": 201 if created else 200,
                    "case": case_json(case),
                }
            )
        return Response({**counts, "results": results})


class Pusher:
    """Opens pushed cases for one request; the matters, halls and windows of a batch are read once."""

    def __init__(self, request) -> None:
        self.request = request
        self.matters: dict[str, object] = {}
        self.halls: dict[str, object] = {}
        self.windows: dict[tuple[int, str], object] = {}

    def _matter(self, code: str):
        from matters.models import Matter

        if code not in self.matters:
            matches = (
                Matter.public_queryset()
                .select_related("department")
                .only(*MATTER_FIELDS)
                .prefetch_related("materials", "exercise_levels")  # read once for every case of a batch
                .filter(implementation_code=code)
                .order_by()[:1]
            )
            self.matters[code] = next(iter(matches), None)
        return self.matters[code]

    def _hall(self, code: str):
        from halls.models import Hall

        if code not in self.halls:
            self.halls[code] = Hall.objects.filter(code=code).first()
        return self.halls[code]

    def _window(self, hall, number: str):
        from halls.models import Window

        key = (hall.pk, number)
        if key not in self.windows:
            self.windows[key] = Window.objects.select_related("hall").filter(hall=hall, number=number).first()
        return self.windows[key]

    def open(self, raw) -> tuple[Case, bool]:
        """Validate one pushed case and open it; ValidationError (400) or PermissionDenied (403)."""
        data = CaseInSerializer(data=raw)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        matter = self._matter(values["matter"])
        if matter is None:
            raise exceptions.ValidationError({"matter": [f"没有实施编码为 {values['matter']} 的在用事项。"]})
        hall = window = None
        if values.get("hall"):
            hall = self._hall(values["hall"])
            if hall is None:
                raise exceptions.ValidationError({"hall": [f"没有编码为 {values['hall']} 的大厅。"]})
        if values.get("window"):
            window = self._window(hall, values["window"]) if hall else None
            if window is None:
                raise exceptions.ValidationError(
                    {"window": [f"大厅中没有窗口号 {values['window']}（须同时给出大厅编码）。"]}
                )
        user = self.request.user
        probe = Case(department=matter.department, window=window)
        if not policy_for(Case).user_has_permission_for_instance(user, "add", probe):
            raise exceptions.PermissionDenied(f"不能为“{matter.department}”推送办件：事项不属于本部门。")
        try:
            intake = flow.Intake(
                matter=matter,
                applicant=flow.clean_applicant(values["applicant"]),
                channel=values["channel"],
                hall=hall,
                window=window,
                received=values.get("materials_received"),  # None: every material received
                applied_at=values.get("applied_at"),
                external_id=values["external_id"],
            )
            return flow.open_case(intake, source_user=user)
        except flow.CaseError as error:
            raise _problem(error) from error


class CaseRecordView(CaseBase):
    @extend_schema(
        summary="办件详情",
        description="本部门办件的状态、期限和办理环节（申请人脱敏）。",
        parameters=[NUMBER],
        responses={
            **AUTH_ERRORS,
            200: CaseOutSerializer,
            404: OpenApiResponse(ErrorSerializer, description="没有该办件，或不属于本部门。"),
        },
        tags=["办件"],
    )
    def get(self, request, number: str):
        return _answer(_case_for(request, number))


class CaseStepView(CaseBase):
    @extend_schema(
        summary="报告办理环节",
        parameters=[NUMBER],
        description="报告一个办理环节（受理、补正告知、办结等）。非法环节返回 400 并说明；revision 已过时返回 409。",
        request=StepInSerializer,
        responses={
            **AUTH_ERRORS,
            200: CaseOutSerializer,
            400: OpenApiResponse(ErrorSerializer, description="当前状态不能进行该环节，或字段有误。"),
            404: OpenApiResponse(ErrorSerializer, description="没有该办件，或不属于本部门。"),
            409: OpenApiResponse(ErrorSerializer, description="办件已被他人办理，未作任何修改。"),
        },
        tags=["办件"],
    )
    def post(self, request, number: str):
        case = _case_for(request, number)
        if not policy_for(Case).user_has_permission_for_instance(request.user, "change", case):
            raise exceptions.PermissionDenied("您没有办理该办件的权限。")
        data = StepInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            defects = {int(k): v for k, v in (values.get("defects") or {}).items()}
        except ValueError as error:
            raise exceptions.ValidationError({"defects": ["材料序号应为整数。"]}) from error
        step = flow.Step(
            action=values["action"],
            on=values.get("on"),
            note=values.get("note", ""),
            defects=defects,
            extra_defects=values.get("extra_defects", ""),
            special_kind=values.get("special_kind", ""),
            expected_revision=values.get("revision"),
            external_id=values.get("external_id", ""),
        )
        try:
            case = flow.act(case.pk, step, user=request.user)
        except flow.CaseConflict as error:
            return Response({"detail": error.message}, status=409)
        except flow.CaseError as error:
            raise _problem(error) from error
        return _answer(case)


registry.register_path("cases/", CaseListView.as_view(), name="case-list")
registry.register_path("cases/rates/", CaseRatesView.as_view(), name="case-rates")  # before <number>
registry.register_path("cases/batch/", CaseBatchView.as_view(), name="case-batch")  # before <number>
registry.register_path("cases/<str:number>/", CaseRecordView.as_view(), name="case-detail")
registry.register_path("cases/<str:number>/steps/", CaseStepView.as_view(), name="case-steps")
