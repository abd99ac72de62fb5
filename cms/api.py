"""The API router: every endpoint under /api/v1/ is registered here, plus the working-day calendar views."""

from __future__ import annotations

import datetime
import re

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from api.feeds import FeedViewSet
from matters.api import MatterViewSet

from . import workdays

router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")
router.register("feeds", FeedViewSet, basename="feed")


# ---- the working-day calendar (工作日历) -----------------------------------------------------

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INTEGER = re.compile(r"^-?[0-9]+$")


class _BadParameter(Exception):
    """A query parameter the client must fix; the message names it in Chinese."""


def _date_param(request: Request, name: str, label: str) -> datetime.date:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise _BadParameter(f"缺少参数 {name}（{label}），格式为 YYYY-MM-DD，例如 2025-09-26。")
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _BadParameter(
            f"参数 {name}（{label}）不是有效日期：“{value[:20]}”。格式应为 YYYY-MM-DD，例如 2025-09-26。"
        ) from None


def _days_param(request: Request) -> int:
    value = request.query_params.get("days", "").strip()
    if not value:
        raise _BadParameter(f"缺少参数 days（工作日天数），应为 0 到 {workdays.MAX_DAYS} 之间的整数。")
    if not _INTEGER.match(value):
        raise _BadParameter(f"参数 days（工作日天数）必须是整数，例如 20；收到的是“{value[:20]}”。")
    days = int(value)
    if not 0 <= days <= workdays.MAX_DAYS:
        raise _BadParameter(f"参数 days（工作日天数）必须在 0 到 {workdays.MAX_DAYS} 之间，收到的是 {days}。")
    return days


def _bad_request(message: str) -> Response:
    return Response({"detail": message}, status=400)


class DueDateSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="起算日期（第 0 天），如收到申请之日。")
    days = serializers.IntegerField(help_text="工作日天数。")
    due_date = serializers.DateField(help_text="期限届满日：起算日期之后第 days 个工作日；days 为 0 时即起算日期。")


class WorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="查询的日期。")
    is_working_day = serializers.BooleanField(help_text="是否为工作日（调休上班的周末为工作日，法定节假日不是）。")
    name = serializers.CharField(help_text="所属节日名称，如“国庆节”（放假日和调休上班日均给出）；普通日期为空字符串。")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明（中文），指出哪个参数有误或哪一年的安排尚未录入。")


_ERROR_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="参数缺失或格式错误、天数超出范围，或计算涉及的年份尚未录入法定节假日安排。",
)


class _PublicCalendarView(APIView):
    """Public and read-only: no session (so no CSRF) and no object policy to ask."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class DueDateView(_PublicCalendarView):
    @extend_schema(
        operation_id="workdays_due_date",
        tags=["工作日历"],
        summary="按工作日计算期限",
        description=(
            "从起算日期起数若干个工作日，得出期限届满日。起算日期本身为第 0 天，"
            "第 1 个工作日是起算日期之后的第一个工作日；法定节假日不计，调休上班的周末计入。"
            "所涉年份的节假日安排尚未录入时返回 400，不会按只除周末估算。"
        ),
        parameters=[
            OpenApiParameter(
                "start", datetime.date, required=True, description="起算日期（第 0 天），格式 YYYY-MM-DD。"
            ),
            OpenApiParameter(
                "days", int, required=True, description=f"工作日天数，0 到 {workdays.MAX_DAYS} 之间的整数。"
            ),
        ],
        responses={200: DueDateSerializer, 400: _ERROR_RESPONSE},
        examples=[
            OpenApiExample(
                "国庆节前起算",
                value={"start": "2025-09-26", "days": 5, "due_date": "2025-10-10"},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        try:
            start = _date_param(request, "start", "起算日期")
            days = _days_param(request)
            due = workdays.add_working_days(start, days)
        except (_BadParameter, workdays.UncoveredYearError) as exc:
            return _bad_request(str(exc))
        return Response(DueDateSerializer({"start": start, "days": days, "due_date": due}).data)


class WorkingDayView(_PublicCalendarView):
    @extend_schema(
        operation_id="workdays_is_working_day",
        tags=["工作日历"],
        summary="查询某日是否为工作日",
        description="按法定节假日和调休安排判断某一天是否上班，并给出所属节日名称。",
        parameters=[
            OpenApiParameter("date", datetime.date, required=True, description="要查询的日期，格式 YYYY-MM-DD。"),
        ],
        responses={200: WorkingDaySerializer, 400: _ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        try:
            day = _date_param(request, "date", "查询日期")
            calendar = workdays.current_calendar()
            data = {"date": day, "is_working_day": calendar.is_working_day(day), "name": calendar.day_name(day)}
        except (_BadParameter, workdays.UncoveredYearError) as exc:
            return _bad_request(str(exc))
        return Response(WorkingDaySerializer(data).data)
