"""The working-day calendar's endpoints: due dates, single days and a year's schedule (工作日历)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import caching, collections, registry
from api.resources import ERROR_RESPONSES, ResourceViewSet, dumps

from . import service as workdays
from .models import CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, CalendarDay, CalendarYear

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


PROVISIONAL_HELP = (
    "是否为预计结果：所涉年份的国务院办公厅节假日安排尚未录入时，按《全国年节及纪念日放假办法》规定的"
    "法定节假日和周末推算（未含调休），应标注“预计”，待该年安排录入后以正式结果为准。"
)


def provisional_note(provisional: bool) -> str:
    """The sentence shown beside an estimated date (empty for an official one)."""
    return (
        "预计：所涉年份的节假日安排尚未公布或录入，按法定节假日和周末推算，未含调休，以正式安排为准。"
        if provisional
        else ""
    )


class DueDateSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="起算日期（第 0 天），如收到申请之日。")
    days = serializers.IntegerField(help_text="工作日天数。")
    due_date = serializers.DateField(help_text="期限届满日：起算日期之后第 days 个工作日；days 为 0 时即起算日期。")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)
    note = serializers.CharField(help_text="预计结果的说明；正式结果为空字符串。")


class WorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="查询的日期。")
    is_working_day = serializers.BooleanField(help_text="是否为工作日（调休上班的周末为工作日，法定节假日不是）。")
    name = serializers.CharField(help_text="所属节日名称，如“国庆节”（放假日和调休上班日均给出）；普通日期为空字符串。")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class CalendarErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明（中文），指出哪个参数有误或哪一年的安排尚未录入。")


_ERROR_RESPONSE = OpenApiResponse(
    CalendarErrorSerializer,
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
            "所涉年份的节假日安排尚未录入时，按法定节假日和周末推算并标明 provisional（预计），不会只除周末；"
            "超出 2000–2100 年时返回 400。"
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
                value={"start": "2025-09-26", "days": 5, "due_date": "2025-10-10", "provisional": False, "note": ""},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        try:
            start = _date_param(request, "start", "起算日期")
            days = _days_param(request)
            due = workdays.due_date(start, days)
        except (_BadParameter, workdays.UncoveredYearError) as exc:
            return _bad_request(str(exc))
        data = {
            "start": start,
            "days": days,
            "due_date": due.value,
            "provisional": due.provisional,
            "note": provisional_note(due.provisional),
        }
        return Response(DueDateSerializer(data).data)


class WorkingDayView(_PublicCalendarView):
    @extend_schema(
        operation_id="workdays_is_working_day",
        tags=["工作日历"],
        summary="查询某日是否为工作日",
        description="按法定节假日和调休安排判断某一天是否上班，并给出所属节日名称；"
        "该年安排尚未录入时按法定节假日和周末推算，provisional 为 true。",
        parameters=[
            OpenApiParameter("date", datetime.date, required=True, description="要查询的日期，格式 YYYY-MM-DD。"),
        ],
        responses={200: WorkingDaySerializer, 400: _ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        try:
            day = _date_param(request, "date", "查询日期")
            calendar = workdays.current_calendar()
            working, name = calendar.working_day(day), calendar.holiday_name(day)
            data = {
                "date": day,
                "is_working_day": working.value,
                "name": name.value,
                "provisional": working.provisional,
            }
        except (_BadParameter, workdays.UncoveredYearError) as exc:
            return _bad_request(str(exc))
        return Response(WorkingDaySerializer(data).data)


class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="日期。")
    weekday = serializers.IntegerField(help_text="星期：1 为星期一，7 为星期日。")
    is_working_day = serializers.BooleanField(help_text="是否上班。")
    kind = serializers.CharField(
        help_text="holiday：放假（法定节假日及其调休放假，含假期中的周末）；workday：调休上班的周末。"
    )
    name = serializers.CharField(help_text="所属节日名称，如“春节”；个别录入时未写名称的为空字符串。")


@extend_schema_serializer(many=False)  # served by a ``list`` action, but one document
class WorkdaysYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="年份。")
    provisional = serializers.BooleanField(
        help_text="该年安排是否为预计：国务院办公厅通知尚未录入时，只列出法律规定的法定节假日（及已录入的日子），"
        "不含调休，以正式安排为准。"
    )
    days = SpecialDaySerializer(
        many=True,
        help_text="该年与“周一至周五上班、周六周日休息”不同的日子（放假的工作日、调休上班的周末），"
        "以及节假日期间的周末，按日期排列。未列出的日子按周一至周五上班计。",
    )


def special_days(calendar: workdays.WorkingDayCalendar, year: int) -> list[dict]:
    """The days of ``year`` that are not plain Monday-Friday days (estimated for a year not yet entered)."""
    days = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        working = calendar.working_day(day).value
        weekend = day.weekday() >= 5
        name = calendar.holiday_name(day).value
        if working and weekend:
            days.append({"date": day, "kind": "workday", "is_working_day": True, "name": name})
        elif not working and (not weekend or name):
            days.append({"date": day, "kind": "holiday", "is_working_day": False, "name": name})
        day += datetime.timedelta(days=1)
    for item in days:
        item["weekday"] = item["date"].isoweekday()
    return days


def _year_param(request: Request) -> int:
    value = request.query_params.get("year", "").strip()
    if not value:
        return timezone.localdate().year
    if not _INTEGER.match(value):
        raise _BadParameter(f"参数 year（年份）必须是四位数字，例如 2026；收到的是“{value[:20]}”。")
    year = int(value)
    if not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        raise _BadParameter(
            f"参数 year（年份）必须在 {CALENDAR_MIN_YEAR} 到 {CALENDAR_MAX_YEAR} 之间，收到的是 {year}。"
        )
    return year


class WorkdaysViewSet(viewsets.ViewSet):
    """工作日历：某一年的法定节假日和调休上班日。"""

    authentication_classes = ResourceViewSet.authentication_classes
    permission_classes = ResourceViewSet.permission_classes
    throttle_classes = ResourceViewSet.throttle_classes
    renderer_classes = ResourceViewSet.renderer_classes

    @extend_schema(
        operation_id="workdays_year",
        tags=["工作日历"],
        summary="某一年的节假日和调休安排",
        description="列出该年放假的工作日、调休上班的周末和节假日期间的周末（按国务院办公厅通知及后台录入的安排）。"
        "带 ETag，工作日历修改后才变化。该年安排尚未录入时列出法律规定的法定节假日，provisional 为 true。",
        parameters=[
            OpenApiParameter(
                "year",
                int,
                description=f"年份，{CALENDAR_MIN_YEAR} 到 {CALENDAR_MAX_YEAR} 之间，例如 2026；不填为今年。",
            )
        ],
        responses={
            200: WorkdaysYearSerializer,
            400: _ERROR_RESPONSE,
            **{code: response for code, response in ERROR_RESPONSES.items() if code != 400},
        },
    )
    def list(self, request: Request) -> Response:
        try:
            year = _year_param(request)
        except _BadParameter as exc:
            return _bad_request(str(exc))
        state = caching.state_for(("workdays",), f"workdays|{request.get_host()}|{request.path}|{year}")
        if caching.is_not_modified(request, state):
            return caching.not_modified(state)
        body = caching.cached_body(request, state)
        if body is None:
            calendar = workdays.current_calendar()
            try:
                days = special_days(calendar, year)
            except workdays.UncoveredYearError as exc:
                return _bad_request(str(exc))
            data = {"year": year, "provisional": calendar.is_provisional(year), "days": days}
            body = dumps(WorkdaysYearSerializer(data).data)
            caching.store_body(state, body)
        return caching.json_response(body, state)


collections.register("workdays", "工作日历")
collections.track(CalendarYear, ("workdays",))
collections.track(CalendarDay, ("workdays",))
# Before the router's workdays/ routes, so its patterns cannot shadow these.
registry.register_path("workdays/due-date", DueDateView.as_view(), name="workdays-due-date")
registry.register_path("workdays/is-working-day", WorkingDayView.as_view(), name="workdays-is-working-day")
registry.register_viewset("workdays", WorkdaysViewSet, basename="workdays")
