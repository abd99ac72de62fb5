"""The 12345 hand-off: the city's hotline system creates, reads and closes its items (docs/interaction.md).

A key with the ``hotline`` scope stands for the hotline system itself, not for a department user:
the hotline is a city-level system that forwards 工单 to every department (国办发〔2020〕53号 on
归并政务服务便民热线). So the scope does not act as a user; what the key may reach is answered here
from the one rule "a hotline sees only the items it created" (404 for any other).

- ``POST /api/v1/interactions/``: create an item from a 工单 (idempotent on ``ticket``: the same
  ticket again returns the item it made, 200 instead of 201); the department by ``department``
  (its code or 统一社会信用代码) or derived from ``matter`` (the matter's 实施编码).
- ``GET /api/v1/interactions/<number>/``: state, due date, and the reply once it is approved.
- ``POST /api/v1/interactions/<number>/close/``: the hotline closes (办结) an answered item with the
  回访 result.

Answers carry the visitor's name masked and never the phone number or e-mail address.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api import registry, scopes
from api.clients import request_client
from api.resources import ErrorSerializer
from api.throttling import TerminalThrottle

from . import flow
from .models import ANSWERED_STATES, Interaction, Kind, Satisfaction, Source

HOTLINE = scopes.register("hotline", "12345热线：转入咨询投诉并办结本系统转入的工单")


class IsHotline(BasePermission):
    """A key with the ``hotline`` scope."""

    message = "需要具有“12345热线”授权范围的接口密钥。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        return client is not None and client.has_scope(str(HOTLINE))


class InteractionInSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=40, help_text="12345工单号；重复提交同一工单号返回已建事项。")
    kind = serializers.ChoiceField(Kind.choices, help_text="类型：consultation 咨询、complaint 投诉、suggestion 建议。")
    subject = serializers.CharField(max_length=100, help_text="主题（不超过100字）。")
    body = serializers.CharField(max_length=2000, help_text="内容（不超过2000字）。")
    name = serializers.CharField(max_length=50, help_text="来电人姓名（返回时脱敏）。")
    phone = serializers.CharField(max_length=30, help_text="来电人联系电话（加密保存，从不返回）。")
    email = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="电子邮箱（可选，加密保存）。"
    )
    consent = serializers.BooleanField(
        required=False, default=False, help_text="来电人是否同意答复后在问答公开中公开（姓名隐去）。"
    )
    department = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="承办部门代码（部门标识 slug）或统一社会信用代码；给出 matter 时可省略。",
    )
    matter = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="相关事项实施编码（可选），据此确定承办部门。",
    )
    submitted_at = serializers.DateTimeField(required=False, help_text="来电时间，缺省为收到之时。")


class CloseInSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        [c for c in Satisfaction.choices if c[0]],
        help_text="回访结果：satisfied 满意、basic 基本满意、unsatisfied 不满意、unreachable 未回访成功。",
    )
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="回访说明（可选）。"
    )
    revision = serializers.IntegerField(required=False, min_value=0, help_text="读取时的版本；已被改动则返回 409。")


class InteractionStepOutSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="环节代码（submit_new、accept、transfer、approve、reject、close）。")
    label = serializers.CharField(help_text="环节名称。")
    on = serializers.DateField(help_text="日期。")


class InteractionOutSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="编号（如 ZX2026-000123）。")
    ticket = serializers.CharField(help_text="12345工单号。")
    kind = serializers.CharField(help_text="类型代码。")
    subject = serializers.CharField(help_text="主题。")
    name = serializers.CharField(help_text="来电人（脱敏）。")
    department = serializers.CharField(help_text="当前承办部门。")
    state = serializers.CharField(
        help_text="状态代码：submitted、transferred、handling、review、returned、answered、closed、rejected。"
    )
    state_label = serializers.CharField(help_text="状态（中文）。")
    submitted_at = serializers.DateTimeField(help_text="提交时间。")
    due_date = serializers.DateField(help_text="答复期限（工作日计算）。")
    due_provisional = serializers.BooleanField(help_text="期限为预计：所在年度的节假日安排尚未公布。")
    light = serializers.CharField(help_text="监察状态：green、yellow、red；已答复或不予受理为空。")
    answered_on = serializers.DateField(help_text="答复日期（未答复为空）。")
    reply = serializers.CharField(help_text="经审核的答复内容（未答复为空）。")
    refusal = serializers.CharField(help_text="不予受理理由（如有）。")
    satisfaction = serializers.CharField(help_text="回访结果（办结后）。")
    revision = serializers.IntegerField(help_text="版本号；办结时带上，已被改动则返回 409。")
    steps = InteractionStepOutSerializer(many=True, help_text="办理环节（来电人可见的），按时间顺序。")


VISIBLE_STEPS = ("submit_new", "accept", "transfer", "approve", "reject", "close")


def item_json(item: Interaction) -> dict:
    answered = item.state in ANSWERED_STATES
    return {
        "number": item.number,
        "ticket": item.hotline_ticket,
        "kind": item.kind,
        "subject": item.subject,
        "name": item.masked_name,
        "department": item.department.name,
        "state": item.state,
        "state_label": item.get_state_display(),
        "submitted_at": timezone.localtime(item.submitted_at).isoformat(),
        "due_date": item.due_date.isoformat(),
        "due_provisional": item.due_provisional,
        "light": item.light,
        "answered_on": item.answered_on.isoformat() if item.answered_on else None,
        "reply": item.reply if answered else "",
        "refusal": item.refusal,
        "satisfaction": item.satisfaction,
        "revision": item.revision,
        "steps": [
            {"action": s.action, "label": s.label, "on": s.on.isoformat()}
            for s in item.steps.filter(action__in=VISIBLE_STEPS)
        ],
    }


def _problem(error: flow.InteractionError) -> exceptions.ValidationError:
    return exceptions.ValidationError({error.field or "detail": [error.message]})


def _own_item(request, number: str) -> Interaction:
    client = request_client(request)
    item = (
        Interaction.objects.select_related("department")
        .filter(number=number[:20].upper(), hotline_client_id=client.pk)
        .first()
    )
    if item is None:
        raise exceptions.NotFound(f"没有编号为 {number[:20]} 的本系统转入事项。")
    return item


AUTH_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="未提供接口密钥。"),
    403: OpenApiResponse(ErrorSerializer, description="密钥没有“12345热线”授权范围。"),
}
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="编号，例如 ZX2026-000123。")


class HotlineBase(APIView):
    permission_classes = [IsHotline]
    throttle_classes = [TerminalThrottle]


def _department(values: dict):
    """The department and matter named by the hotline; 400 naming the field when unknown."""
    from matters.models import Matter
    from permissions.models import Department

    matter = None
    if values.get("matter"):
        matter = (
            Matter.public_queryset()
            .select_related("department")
            .filter(implementation_code=values["matter"])
            .order_by()
            .first()
        )
        if matter is None:
            raise exceptions.ValidationError({"matter": [f"没有实施编码为 {values['matter']} 的在用事项。"]})
    code = values.get("department") or ""
    if code:
        department = Department.objects.filter(Q(slug=code) | Q(credit_code=code)).first()
        if department is None:
            raise exceptions.ValidationError({"department": [f"没有代码为 {code} 的部门。"]})
        return department, matter
    if matter is None:
        raise exceptions.ValidationError({"department": ["请给出承办部门代码，或相关事项的实施编码。"]})
    return matter.department, matter


class InteractionListView(HotlineBase):
    @extend_schema(
        summary="12345工单转入",
        description=(
            "12345热线把一个工单转为咨询、投诉或建议（需 hotline 授权范围）。同一工单号重复提交返回已建事项（200）。"
            "承办部门由 department 给出，或由 matter 的实施编码确定。"
        ),
        request=InteractionInSerializer,
        responses={
            **AUTH_ERRORS,
            201: InteractionOutSerializer,
            200: InteractionOutSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="字段不正确（指明字段）：未知部门或事项、电话有误、超长等。"
            ),
        },
        tags=["政民互动"],
    )
    def post(self, request):
        data = InteractionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        department, matter = _department(values)
        try:
            submission = flow.clean_submission(values)
            item, created = flow.submit(
                submission,
                department=department,
                matter=matter,
                source=Source.HOTLINE,
                hotline_ticket=values["ticket"],
                hotline_client_id=request_client(request).pk,
                submitted_at=values.get("submitted_at"),
            )
        except flow.InteractionError as error:
            raise _problem(error) from error
        return Response(item_json(item), status=201 if created else 200)


class InteractionRecordView(HotlineBase):
    @extend_schema(
        summary="工单办理情况",
        description="本系统转入事项的状态、答复期限和（审核通过后的）答复；不含来电人联系方式。",
        parameters=[NUMBER],
        responses={
            **AUTH_ERRORS,
            200: InteractionOutSerializer,
            404: OpenApiResponse(ErrorSerializer, description="没有该事项，或不是本系统转入的。"),
        },
        tags=["政民互动"],
    )
    def get(self, request, number: str):
        return Response(item_json(_own_item(request, number)))


class InteractionCloseView(HotlineBase):
    @extend_schema(
        summary="回访并办结",
        description="12345热线回访来电人后办结本系统转入的、已答复的事项。未答复时返回 400；revision 已过时返回 409。",
        parameters=[NUMBER],
        request=CloseInSerializer,
        responses={
            **AUTH_ERRORS,
            200: InteractionOutSerializer,
            400: OpenApiResponse(ErrorSerializer, description="当前状态不能办结，或字段有误。"),
            404: OpenApiResponse(ErrorSerializer, description="没有该事项，或不是本系统转入的。"),
            409: OpenApiResponse(ErrorSerializer, description="事项已被改动，未作任何修改。"),
        },
        tags=["政民互动"],
    )
    def post(self, request, number: str):
        item = _own_item(request, number)
        data = CloseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        step = flow.Step(
            "close",
            note=values.get("note", ""),
            satisfaction=values["satisfaction"],
            expected_revision=values.get("revision"),
        )
        try:
            item = flow.act(item.pk, step, system="12345热线")
        except flow.InteractionConflict as error:
            return Response({"detail": error.message}, status=409)
        except flow.InteractionError as error:
            raise _problem(error) from error
        return Response(item_json(item))


registry.register_path("interactions/", InteractionListView.as_view(), name="interaction-list")
registry.register_path("interactions/<str:number>/", InteractionRecordView.as_view(), name="interaction-detail")
registry.register_path("interactions/<str:number>/close/", InteractionCloseView.as_view(), name="interaction-close")
