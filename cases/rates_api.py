"""``GET /api/v1/cases/rates/``: the public 办件统计 (aggregates only, never a case or a person).

Registered in ``cases.api`` ahead of ``cases/<str:number>/`` so the number route cannot shadow it.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.resources import ErrorSerializer
from api.throttling import AnonThrottle, TerminalThrottle, UserThrottle
from core.cache import cached

from . import rates
from .flow import RATES_VERSION
from .models import Case


class RateRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="分组键：部门、大厅、窗口、事项的编号，层级名称，或月份 YYYY-MM。"
    )
    label = serializers.CharField(help_text="分组名称。")
    total = serializers.IntegerField(help_text="期间内办结件数（撤回、不予受理不计）。")
    immediate = serializers.IntegerField(help_text="其中即办件数。")
    on_the_spot = serializers.IntegerField(help_text="当场办结件数。")
    on_time = serializers.IntegerField(help_text="按时办结件数（办结日期不晚于承诺办结日期）。")
    early = serializers.IntegerField(help_text="提前办结件数（办结日期早于承诺办结日期）。")
    once = serializers.IntegerField(help_text="一次办成件数（未经补正）。")
    online = serializers.IntegerField(help_text="网上、移动端、自助终端申请的件数。")
    immediate_share = serializers.FloatField(allow_null=True, help_text="即办件占比（0–1）。")
    on_the_spot_rate = serializers.FloatField(allow_null=True, help_text="当场办结率（0–1）。")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="按时办结率（0–1）。")
    early_rate = serializers.FloatField(allow_null=True, help_text="提前办结率（0–1）。")
    once_rate = serializers.FloatField(allow_null=True, help_text="一次办成率（0–1）。")
    online_share = serializers.FloatField(allow_null=True, help_text="网上办理占比（0–1）。")
    average_used_days = serializers.FloatField(allow_null=True, help_text="平均实际用时（工作日，特别程序不计）。")
    average_promised_days = serializers.FloatField(allow_null=True, help_text="平均承诺时限（工作日）。")
    average_visits = serializers.FloatField(allow_null=True, help_text="平均到现场次数。")
    rated = serializers.IntegerField(help_text="已评价的办件数（好差评；申诉成立而剔除的评价不计）。")
    satisfied = serializers.IntegerField(help_text="其中评价为基本满意及以上的件数。")
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="满意率（0–1）：基本满意及以上的评价占已评价办件的比例；无评价时为 null。"
    )


class RatesSerializer(serializers.Serializer):
    by = serializers.CharField(help_text="统计维度。")
    start = serializers.DateField(help_text="期间第一天。")
    end = serializers.DateField(help_text="期间最后一天。")
    rows = RateRowSerializer(many=True, help_text="每个分组一行，按所选维度。")
    total = RateRowSerializer(help_text="全部合计。")


class CaseRatesView(APIView):
    """Public and read-only aggregates; anonymous callers are throttled per address."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, TerminalThrottle, UserThrottle]

    @extend_schema(
        operation_id="cases_rates",
        tags=["办件"],
        summary="办件统计（办结率）",
        description=(
            "按部门、大厅、窗口、事项、行使层级或月份统计期间内办结的办件：即办件占比、当场办结率、按时办结率、"
            "提前办结率、平均用时与平均承诺时限、一次办成率、平均跑动次数、网上办理占比、满意率（好差评）。只含汇总数字，不含任何个人信息；"
            "撤回和不予受理的办件不计入办结率。"
        ),
        parameters=[
            OpenApiParameter(
                "by", str, required=False, enum=list(rates.DIMENSIONS), description="统计维度，缺省为 department。"
            ),
            OpenApiParameter("from", str, required=True, description="起始月份，格式 YYYY-MM。"),
            OpenApiParameter(
                "to", str, required=True, description=f"截止月份（含），格式 YYYY-MM，最长 {rates.MAX_MONTHS} 个月。"
            ),
        ],
        responses={
            200: RatesSerializer,
            400: OpenApiResponse(ErrorSerializer, description="参数缺失或格式错误，说明中指出哪个参数。"),
        },
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            by = rates.check_dimension(params.get("by") or "department")
            start, end = rates.period(params.get("from") or "", params.get("to") or "")
        except rates.RatesError as error:
            return Response({"detail": error.message, "field": error.field}, status=400)

        def build() -> dict:
            cases = Case.objects.all()
            rows = rates.rates(cases, by, start, end)
            total = rates.combine(rows)  # the same figures as rates.overall, from the rows
            data = {"by": by, "start": start, "end": end, "rows": [r.as_dict() for r in rows], "total": total.as_dict()}
            return RatesSerializer(data).data

        # The city's figures read every completed case of the period (a few hundred ms at a million
        # cases): cached until a case is completed (``cases.flow`` bumps the version) or for
        # ``CASES_RATES_CACHE_SECONDS``, whichever comes first.
        data = cached(f"cases:rates:{by}:{start}:{end}", build, (RATES_VERSION,), settings.CASES_RATES_CACHE_SECONDS)
        response = Response(data)
        response["Cache-Control"] = "public, max-age=60"
        return response
