"""The appointments API: free places (public) and check-in by the hall's queue machine.

``GET /api/v1/appointments/slots/?hall=<code>&date=<YYYY-MM-DD>`` lists, per window group, the
slots of that day with places free: counts only, no personal data, cacheable (ETag).

``POST /api/v1/appointments/checkin/`` with ``{"code": "…"}`` checks a booking in. Only a key with
the ``checkin_appointments`` scope whose terminal stands in the booking's hall may do it (a
booking of another hall is a 404, as if it did not exist); the answer gives the matter, the window
group and its windows, the slot and the visitor's name masked — never the phone number.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api import registry, scopes
from api.clients import request_client
from api.resources import ErrorSerializer
from api.throttling import AnonThrottle, TerminalThrottle, UserThrottle

from . import service
from .models import Booking, BookingSchedule, ServiceGroup

CHECKIN = scopes.register("checkin_appointments", "预约签到（排队叫号机核验本大厅的预约）")


def _error(detail: str, status: int, field: str = "") -> Response:
    body = {"detail": detail}
    if field:
        body["field"] = field
    return Response(body, status=status)


class CanCheckIn(BasePermission):
    message = "需要具有“预约签到”授权范围、且登记在大厅的终端接口密钥。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        return client is not None and client.has_scope(str(CHECKIN))


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="预约码（8位字母和数字，不区分大小写）。")


class WindowOutSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="窗口号。")
    name = serializers.CharField(help_text="窗口名称。")


class CheckInOutSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="预约码。")
    state = serializers.CharField(help_text="预约状态：checked_in 已签到。")
    matter_code = serializers.CharField(help_text="事项实施编码。")
    matter_name = serializers.CharField(help_text="事项名称。")
    group = serializers.CharField(help_text="窗口分组名称（叫号队列）。")
    windows = WindowOutSerializer(many=True, help_text="该分组的窗口。")
    date = serializers.DateField(help_text="预约日期。")
    start = serializers.CharField(help_text="时段开始（HH:MM）。")
    end = serializers.CharField(help_text="时段结束（HH:MM）。")
    name = serializers.CharField(help_text="预约人姓名（脱敏，如 张*）。")
    checked_in_at = serializers.DateTimeField(help_text="签到时间。")


class CheckInView(APIView):
    permission_classes = [CanCheckIn]
    throttle_classes = [TerminalThrottle]

    @extend_schema(
        summary="预约签到",
        description=(
            "大厅排队叫号机凭预约码为预约人签到（需 checkin_appointments 授权范围，终端须登记在该预约的大厅）。"
            "返回事项、窗口分组和时段，预约人姓名脱敏，不返回手机号码。"
        ),
        request=CheckInSerializer,
        responses={
            200: CheckInOutSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="预约码格式不对、不是今天的预约或时段已过（field 指明字段）。"
            ),
            401: OpenApiResponse(ErrorSerializer, description="未提供接口密钥。"),
            403: OpenApiResponse(ErrorSerializer, description="密钥没有 checkin_appointments 授权范围。"),
            404: OpenApiResponse(ErrorSerializer, description="本大厅没有该预约码的预约。"),
            409: OpenApiResponse(ErrorSerializer, description="该预约已签到、已取消或已记为爽约。"),
        },
        tags=["预约"],
    )
    def post(self, request):
        data = CheckInSerializer(data=request.data)
        if not data.is_valid():
            return _error("请给出预约码（code）。", 400, "code")
        code = "".join(data.validated_data["code"].split()).upper()[:8]
        hall_id = getattr(request_client(request), "hall_id", None)
        booking = (
            Booking.objects.select_related("matter", "group").filter(code=code, hall_id=hall_id).first()
            if hall_id
            else None
        )
        if booking is None:
            return _error(f"本大厅没有预约码为 {code} 的预约。", 404, "code")
        client = request_client(request)
        try:
            booking = service.check_in(booking, actor_name=f"终端：{client}")
        except service.Conflict as error:
            return _error(error.message, 409, error.field)
        except service.BookingError as error:
            return _error(error.message, 400, error.field)
        windows = [{"number": w.number, "name": w.name} for w in booking.group.windows.order_by("sort_order", "number")]
        return Response(
            {
                "code": booking.code,
                "state": booking.state,
                "matter_code": booking.matter.implementation_code,
                "matter_name": booking.matter.name,
                "group": booking.group.name,
                "windows": windows,
                "date": booking.date.isoformat(),
                "start": f"{booking.start:%H:%M}",
                "end": f"{booking.end:%H:%M}",
                "name": booking.masked_name,
                "checked_in_at": booking.checked_in_at.isoformat(),
            }
        )


class SlotOutSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="时段开始（HH:MM）。")
    end = serializers.CharField(help_text="时段结束（HH:MM）。")
    capacity = serializers.IntegerField(help_text="该时段可预约人数。")
    free = serializers.IntegerField(help_text="剩余可预约人数。")


class GroupSlotsSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="窗口分组名称。")
    group_id = serializers.IntegerField(help_text="窗口分组编号。")
    slots = SlotOutSerializer(many=True, help_text="当天尚未开始的时段。")


class SlotsOutSerializer(serializers.Serializer):
    hall = serializers.CharField(help_text="大厅编码。")
    date = serializers.DateField(help_text="日期。")
    open = serializers.BooleanField(help_text="当天是否开放预约（节假日、休息日或超出可预约天数为 false）。")
    groups = GroupSlotsSerializer(many=True, help_text="各窗口分组的时段和余量。")


class SlotsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonThrottle, TerminalThrottle, UserThrottle]

    @extend_schema(
        summary="预约时段余量",
        description="某大厅某天各窗口分组的预约时段和剩余名额（公开，只有数量，不含任何个人信息）。",
        parameters=[
            OpenApiParameter("hall", str, description="大厅编码，例如 city-center。", required=True),
            OpenApiParameter("date", str, description="日期（YYYY-MM-DD），不填为今天。"),
        ],
        responses={
            200: SlotsOutSerializer,
            304: OpenApiResponse(description="与 If-None-Match 相同，未变化。"),
            400: OpenApiResponse(ErrorSerializer, description="日期格式不对（field 指明字段）。"),
            404: OpenApiResponse(ErrorSerializer, description="没有该大厅，或该大厅未开放预约。"),
        },
        tags=["预约"],
    )
    def get(self, request):
        from halls.models import Hall

        code = (request.query_params.get("hall") or "")[:40]
        raw = (request.query_params.get("date") or "").strip()
        at = service.now()
        try:
            day = datetime.date.fromisoformat(raw) if raw else at.date()
        except ValueError:
            return _error(
                f"参数 date（日期）应为 YYYY-MM-DD，例如 {at.date():%Y-%m-%d}；收到的是“{raw[:20]}”。", 400, "date"
            )
        hall = Hall.public_queryset().filter(code=code).first() if code else None
        schedule = BookingSchedule.objects.filter(hall=hall, is_active=True).first() if hall else None
        if schedule is None:
            return _error(f"没有编码为 {code} 的大厅，或该大厅未开放预约。", 404, "hall")
        groups = list(ServiceGroup.objects.filter(hall=hall, is_active=True).order_by("sort_order", "pk"))
        by_group = service.slots_for(schedule, groups, day, at)
        body = {
            "hall": hall.code,
            "date": day.isoformat(),
            "open": day in service.bookable_days(schedule, at),
            "groups": [
                {
                    "group": group.name,
                    "group_id": group.pk,
                    "slots": [
                        {"start": s.key, "end": f"{s.end:%H:%M}", "capacity": s.capacity, "free": s.free}
                        for s in by_group[group.pk]
                    ],
                }
                for group in groups
            ],
        }
        etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32] + '"'
        response = Response(status=304) if request.headers.get("If-None-Match") == etag else Response(body)
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=30"
        return response


registry.register_path("appointments/checkin/", CheckInView.as_view(), name="appointments-checkin")
registry.register_path("appointments/slots/", SlotsView.as_view(), name="appointments-slots")
