"""The rating API: the window's rating pad and kiosks post ratings; everyone reads the figures.

- ``POST /api/v1/ratings/`` (a key with ``write_ratings``): rate a case by its number, as the
  pad beside the window does when the applicant presses a face. The key's terminal stands in a
  hall: only cases taken in at that hall can be rated there (a terminal without a hall: its
  department's cases); any other number is “unknown” (404), so a pad cannot probe the register.
  Not completed yet: 409 naming the state; already rated on this channel: 409 (一次一评).
- ``GET /api/v1/ratings/options/``: the five levels and the 差评 reasons, for the pad's screen.
- ``GET /api/v1/ratings/figures/``: the public figures per department, hall, matter or month
  (counts and rates only; cached until the next rating).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import registry, scopes
from api.clients import request_client
from api.resources import ErrorSerializer
from api.throttling import AnonThrottle, TerminalThrottle, UserThrottle
from cases.models import Case
from cases.rates import RatesError, period

from . import figures, flow
from .models import Level, RatingChannel, Reason
from .public_views import public_figures

WRITE_RATINGS = scopes.register("write_ratings", "提交办件评价（窗口评价器、自助终端）")
PAD_CHANNELS = [(RatingChannel.PAD, RatingChannel.PAD.label), (RatingChannel.KIOSK, RatingChannel.KIOSK.label)]


class CanRate(BasePermission):
    message = "需要具有“提交办件评价”授权范围的接口密钥。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        return client is not None and client.has_scope(str(WRITE_RATINGS))


class RatingInSerializer(serializers.Serializer):
    case = serializers.CharField(
        max_length=32, help_text="办件编号，例如 2026-001-000123（评价器扫描受理通知书或由窗口系统带出）。"
    )
    level = serializers.IntegerField(help_text="评价等级：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。")
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        help_text="差评原因代码（不满意、非常不满意时至少一项），见 /api/v1/ratings/options/。",
    )
    comment = serializers.CharField(
        max_length=flow.COMMENT_MAX, required=False, allow_blank=True, default="", help_text="评价内容（选填）。"
    )
    anonymous = serializers.BooleanField(
        required=False, default=False, help_text="匿名评价：差评不回访。缺省为实名（办件申请人）。"
    )
    channel = serializers.ChoiceField(
        PAD_CHANNELS, required=False, default=RatingChannel.PAD, help_text="pad：窗口评价器（缺省）；kiosk：自助终端。"
    )
    rated_at = serializers.DateTimeField(
        required=False, help_text="评价时间（评价器离线后补传时填写），缺省为收到之时；不能早于办结日期。"
    )


class RatingOutSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="办件编号。")
    level = serializers.IntegerField(help_text="评价等级。")
    level_label = serializers.CharField(help_text="评价等级（中文）。")
    bad = serializers.BooleanField(help_text="是否差评（将由部门核实整改）。")
    rectify_due = serializers.DateField(allow_null=True, help_text="差评的整改期限（工作日计算）；好评为空。")
    rated_at = serializers.DateTimeField(help_text="评价时间。")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明（中文）。")
    field = serializers.CharField(help_text="出错的字段。")


class RatingCreateView(APIView):
    permission_classes = [CanRate]
    throttle_classes = [TerminalThrottle]

    @extend_schema(
        operation_id="ratings_create",
        tags=["好差评"],
        summary="提交办件评价（评价器）",
        description=(
            "窗口评价器或自助终端提交一个已办结办件的评价（需 write_ratings）。一次一评：同一办件同一渠道只能评价一次。"
            "终端所在大厅以外的办件按不存在处理。差评须选择原因，提交后进入部门核实整改。"
        ),
        request=RatingInSerializer,
        responses={
            201: RatingOutSerializer,
            400: OpenApiResponse(ErrorSerializer, description="字段缺失或不正确，field 指出哪一项。"),
            401: OpenApiResponse(ErrorSerializer, description="未提供接口密钥。"),
            403: OpenApiResponse(ErrorSerializer, description="密钥没有“提交办件评价”授权范围。"),
            404: OpenApiResponse(ErrorSerializer, description="没有该办件（或不是本大厅受理的办件）。"),
            409: OpenApiResponse(ConflictSerializer, description="办件尚未办结，或该渠道已评价过。"),
        },
    )
    def post(self, request: Request) -> Response:
        data = RatingInSerializer(data=request.data)
        if not data.is_valid():
            field, messages = next(iter(data.errors.items()))
            message = messages[0] if isinstance(messages, list) else str(messages)
            return Response({"detail": f"{field}：{message}", "field": field}, status=400)
        values = data.validated_data
        client = request_client(request)
        number = "".join(values["case"].split())
        case_id = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        if case_id is None:
            return Response({"detail": f"没有编号为 {number} 的办件。", "field": "case"}, status=404)
        submission = flow.Submission(
            level=values["level"],
            reasons=values["reasons"],
            comment=values["comment"],
            real_name=not values["anonymous"],
            source=str(getattr(client, "name", "") or ""),
        )
        hall_id = getattr(client, "hall_id", None)
        try:
            rating = flow.rate_case(
                case_id,
                values["channel"],
                submission,
                hall_id=hall_id,
                department_id=None if hall_id else getattr(client, "department_id", None),
                rated_at=values.get("rated_at"),
            )
        except flow.RatingNotFound:
            return Response({"detail": f"没有编号为 {number} 的办件。", "field": "case"}, status=404)
        except flow.RatingError as error:
            conflict = isinstance(error, flow.RatingConflict) or error.field == "state"
            return Response({"detail": error.message, "field": error.field}, status=409 if conflict else 400)
        return Response(
            {
                "case": number,
                "level": rating.level,
                "level_label": rating.get_level_display(),
                "bad": rating.is_bad,
                "rectify_due": rating.rectify_due.isoformat() if rating.rectify_due else None,
                "rated_at": timezone.localtime(rating.rated_at).isoformat(),
            },
            status=201,
        )


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="代码。")
    label = serializers.CharField(help_text="名称。")


class OptionsSerializer(serializers.Serializer):
    levels = ChoiceSerializer(many=True, help_text="评价等级，从非常满意到非常不满意。")
    bad_levels = serializers.ListField(child=serializers.IntegerField(), help_text="属于差评的等级（须选原因）。")
    reasons = ChoiceSerializer(many=True, help_text="差评原因。")


class RatingOptionsView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, TerminalThrottle, UserThrottle]

    @extend_schema(
        operation_id="ratings_options",
        tags=["好差评"],
        summary="评价等级与差评原因",
        description="评价器和自助终端显示的五级评价和差评原因（国办发〔2019〕51号、GB/T 39734-2020）。",
        responses={200: OptionsSerializer},
    )
    def get(self, request: Request) -> Response:
        response = Response(
            {
                "levels": [{"value": str(v), "label": label} for v, label in sorted(Level.choices, reverse=True)],
                "bad_levels": [1, 2],
                "reasons": [{"value": v, "label": label} for v, label in Reason.choices],
            }
        )
        response["Cache-Control"] = "public, max-age=3600"
        return response


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="分组键：部门、大厅、事项的编号，或月份 YYYY-MM。")
    label = serializers.CharField(help_text="分组名称。")
    total = serializers.IntegerField(help_text="评价数（申诉成立而剔除的不计）。")
    good = serializers.IntegerField(help_text="好评数（非常满意、满意、基本满意）。")
    bad = serializers.IntegerField(help_text="差评数（不满意、非常不满意）。")
    rectified = serializers.IntegerField(help_text="已整改的差评数。")
    good_rate = serializers.FloatField(allow_null=True, help_text="好评率（0–1）。")
    rectify_rate = serializers.FloatField(allow_null=True, help_text="整改率（0–1）：已整改差评占差评的比例。")
    average_level = serializers.FloatField(allow_null=True, help_text="平均评价等级（1–5）。")


class FiguresSerializer(serializers.Serializer):
    by = serializers.CharField(help_text="统计维度。")
    start = serializers.DateField(help_text="期间第一天。")
    end = serializers.DateField(help_text="期间最后一天。")
    rows = FigureRowSerializer(many=True, help_text="每个分组一行。")
    total = FigureRowSerializer(help_text="全部合计。")


class RatingFiguresView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, TerminalThrottle, UserThrottle]

    @extend_schema(
        operation_id="ratings_figures",
        tags=["好差评"],
        summary="好差评统计",
        description="按部门、大厅、事项或月份统计期间内的评价数、好评率、差评数和整改率。只含汇总数字，不含评价人和评价内容。",
        parameters=[
            OpenApiParameter(
                "by", str, required=False, enum=list(figures.DIMENSIONS), description="统计维度，缺省为 department。"
            ),
            OpenApiParameter("from", str, required=True, description="起始月份，格式 YYYY-MM。"),
            OpenApiParameter("to", str, required=True, description="截止月份（含），格式 YYYY-MM。"),
        ],
        responses={
            200: FiguresSerializer,
            400: OpenApiResponse(ErrorSerializer, description="参数缺失或格式错误，说明中指出哪个参数。"),
        },
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        by = params.get("by") or "department"
        if by not in figures.DIMENSIONS:
            return Response(
                {"detail": f"参数 by（统计维度）应为 {'、'.join(figures.DIMENSIONS)} 之一。", "field": "by"}, status=400
            )
        try:
            start, end = period(params.get("from") or "", params.get("to") or "")
        except RatesError as error:
            return Response({"detail": error.message, "field": error.field}, status=400)
        result = public_figures(by, start, end)
        data = {
            "by": by,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "rows": [row.as_public_dict() for row in result["rows"]],
            "total": result["total"].as_public_dict(),
        }
        response = Response(data)
        response["Cache-Control"] = "public, max-age=60"
        return response


registry.register_path("ratings/", RatingCreateView.as_view(), name="rating-create")
registry.register_path("ratings/options/", RatingOptionsView.as_view(), name="rating-options")
registry.register_path("ratings/figures/", RatingFiguresView.as_view(), name="rating-figures")
