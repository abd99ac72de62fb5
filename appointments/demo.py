"""Demo 预约: schedules and window groups for the demo halls, a week of bookings around today, and
out-of-hours requests in every state.

Past working days have their bookings checked in, a few no-shows and cancellations; today is
half done; the coming days are partly booked and the next working day's 10:00 slot of the first
city-centre group is full. One visitor (``DEMO_BLOCKED_PHONE``) has three no-shows and is barred
from booking; one booking is fixed for the README (``DEMO_BOOKING_CODE`` with ``DEMO_BOOKING_PHONE``).
Bookings, their events and the slot counters are written with ``bulk_create`` (what
``appointments.service`` would have written, place by place). Runs after the portal (order 85) so
the 预约服务 page can go under the home page; a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from core import demo
from core.pii import keyed_hash
from workdays import service as workdays

from .models import (
    Booking,
    BookingEvent,
    BookingSchedule,
    BookingState,
    OutOfHoursRequest,
    RequestState,
    ServiceGroup,
    SlotCounter,
)

SEED = 20261205
DEMO_BOOKING_CODE = "YYDEMO23"
DEMO_BOOKING_PHONE = "13800002345"
DEMO_BLOCKED_PHONE = "13900009999"
DEMO_REQUEST_CODE = "YSDEMO45"
SLUG = "yuyue"
BOOKING_HALLS = ("city-center", "donghu-center", "xishan-center", "hubin-center")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉力鹏飞"


def _group_name(window) -> str:
    if window.kind == "comprehensive":
        return "综合受理"
    return window.name.split("窗口")[0] or window.name


def _schedules_and_groups() -> dict[str, int]:
    from halls.models import Hall

    made = {"预约设置": 0, "预约分组": 0}
    for code in BOOKING_HALLS:
        hall = Hall.objects.filter(code=code, is_active=True).first()
        if hall is None or BookingSchedule.objects.filter(hall=hall).exists():
            continue
        schedule = BookingSchedule(
            hall=hall,
            sessions="09:00-12:00，13:30-17:00",
            slot_minutes=30,
            days_ahead=7,
            notes="请携带本人身份证件和办理事项所需材料，提前10分钟到达，在排队叫号机输入预约码签到。",
        )
        schedule._change_reason = "开通网上预约"
        schedule.save()
        made["预约设置"] += 1
        grouped: dict[str, list] = {}
        for window in (
            hall.windows.filter(is_open=True).exclude(matters=None).distinct().order_by("sort_order", "number")
        ):
            grouped.setdefault(_group_name(window), []).append(window)
        for order, (name, windows) in enumerate(list(grouped.items())[:4]):
            group = ServiceGroup(hall=hall, name=name, capacity=3 if hall.level == "city" else 2, sort_order=order)
            group._change_reason = "新建预约分组"
            group.save()
            group.windows.set(windows)
            made["预约分组"] += 1
    return made


def _days(today: datetime.date) -> tuple[list[datetime.date], list[datetime.date]]:
    """Four working days before today, and today with the five after it."""
    past, future = [], []
    day = today
    while len(past) < 4:
        day -= datetime.timedelta(days=1)
        if workdays.working_day(day).value:
            past.append(day)
    day = today
    while len(future) < 6:
        if workdays.working_day(day).value:
            future.append(day)
        day += datetime.timedelta(days=1)
    return sorted(past), future


def _room(group, days, slots, taken):
    """The first (day, slot) with a place left, else the first one (a demo may overbook a past day)."""
    for day in days:
        for slot in slots:
            if taken.get((group.pk, day, slot[0]), 0) < group.capacity:
                return day, slot
    return days[0], slots[0]


def _bookings(context: demo.DemoContext) -> dict[str, int]:
    if Booking.objects.exists():
        return {"预约": Booking.objects.count()}
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    now = timezone.localtime()
    today = now.date()
    past, future = _days(today)
    groups = list(
        ServiceGroup.objects.filter(hall__code__in=BOOKING_HALLS, is_active=True)
        .select_related("hall", "hall__booking_schedule")
        .prefetch_related("windows__matters")
        .order_by("hall__sort_order", "sort_order")
    )
    bookings: list[Booking] = []
    taken: dict[tuple[int, datetime.date, datetime.time], int] = {}
    used_codes: set[str] = set()

    def add(group, matter, day, start, end, state, phone=None, code=None, name=None):
        booking = Booking(
            department_id=group.department_id,
            hall_id=group.hall_id,
            group=group,
            matter=matter,
            date=day,
            start=start,
            end=end,
            name=name or rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
            phone=phone or rng.choice(("138", "139", "150", "186")) + f"{rng.randrange(10**8):08d}",
            state=state,
            created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
            - datetime.timedelta(days=rng.randint(1, 6)),
        )
        if code:
            booking.code = code
        while booking.code in used_codes:
            booking.code = Booking._meta.get_field("code").default()
        used_codes.add(booking.code)
        booking.phone_hash = keyed_hash(booking.phone)
        if state == BookingState.CHECKED_IN:
            booking.checked_in_at = timezone.make_aware(datetime.datetime.combine(day, start)) - datetime.timedelta(
                minutes=rng.randint(0, 15)
            )
        bookings.append(booking)
        if state != BookingState.CANCELLED:
            key = (group.pk, day, start)
            taken[key] = taken.get(key, 0) + 1
        return booking

    first_full = True
    for group in groups:
        matters = sorted({m for w in group.windows.all() for m in w.matters.all() if m.is_public}, key=lambda m: m.pk)
        if not matters:
            continue
        slots = group.hall.booking_schedule.slots()
        for day in past + future:
            for start, end in slots:
                slot_at = timezone.make_aware(datetime.datetime.combine(day, start))
                ended = timezone.make_aware(datetime.datetime.combine(day, end)) <= now
                full = first_full and day == future[1] and start == datetime.time(10)
                count = group.capacity if full else (rng.randint(0, group.capacity) if rng.random() < 0.55 else 0)
                for _ in range(count):
                    if ended:
                        roll = rng.random()
                        state = (
                            BookingState.NO_SHOW
                            if roll < 0.08
                            else BookingState.CANCELLED
                            if roll < 0.13
                            else BookingState.CHECKED_IN
                        )
                    elif slot_at <= now:
                        state = BookingState.CHECKED_IN
                    else:
                        state = BookingState.CANCELLED if rng.random() < 0.06 and not full else BookingState.BOOKED
                    add(group, rng.choice(matters), day, start, end, state)
        if first_full:
            first_full = False
            # The README's booking: the first free afternoon slot from the day after tomorrow on.
            day, (start, end) = _room(group, future[2:], slots[7:] + slots[:7], taken)
            add(group, matters[0], day, start, end, BookingState.BOOKED, DEMO_BOOKING_PHONE, DEMO_BOOKING_CODE, "陈静")
            # Three no-shows in the last days: this number is barred from booking for a while.
            for past_day in past[-3:]:
                day, (start, end) = _room(group, [past_day], slots[::-1], taken)
                add(group, matters[0], day, start, end, BookingState.NO_SHOW, DEMO_BLOCKED_PHONE, name="赵强")
    Booking.objects.bulk_create(bookings, batch_size=500)
    events = []
    for b in bookings:
        booked_at = b.created_at
        events.append(
            BookingEvent(booking=b, action="book", label="预约", to_state="booked", at=booked_at, actor_name="预约人")
        )
        if b.state == BookingState.CHECKED_IN:
            events.append(
                BookingEvent(
                    booking=b,
                    action="check_in",
                    label="签到",
                    from_state="booked",
                    to_state=b.state,
                    at=b.checked_in_at,
                    actor_name="终端：排队叫号机",
                )
            )
        elif b.state == BookingState.NO_SHOW:
            events.append(
                BookingEvent(
                    booking=b,
                    action="no_show",
                    label="记为爽约",
                    from_state="booked",
                    to_state=b.state,
                    at=b.ends_at,
                    actor_name="系统（日终）",
                )
            )
        elif b.state == BookingState.CANCELLED:
            events.append(
                BookingEvent(
                    booking=b,
                    action="cancel",
                    label="取消预约",
                    from_state="booked",
                    to_state=b.state,
                    at=min(b.starts_at - datetime.timedelta(hours=2), now),
                    actor_name="预约人",
                )
            )
    BookingEvent.objects.bulk_create(events, batch_size=1000)
    SlotCounter.objects.bulk_create(
        [SlotCounter(group_id=g, date=d, start=s, booked=n) for (g, d, s), n in taken.items()], batch_size=1000
    )
    context.notes.append(
        f"演示预约：预约码 {DEMO_BOOKING_CODE}，手机号码 {DEMO_BOOKING_PHONE}（门户“预约服务 → 我的预约”）；"
        f"手机号码 {DEMO_BLOCKED_PHONE} 爽约 3 次，暂停网上预约。"
    )
    return {
        "预约": len(bookings),
        "爽约": sum(1 for b in bookings if b.state == BookingState.NO_SHOW),
        "已签到": sum(1 for b in bookings if b.state == BookingState.CHECKED_IN),
    }


def _requests(context: demo.DemoContext) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from halls.models import Hall
    from permissions.models import Membership

    if OutOfHoursRequest.objects.exists():
        return {"延时预约申请": OutOfHoursRequest.objects.count()}
    hall = Hall.objects.filter(code="city-center").first()
    group = ServiceGroup.objects.filter(hall=hall).prefetch_related("windows__matters").first() if hall else None
    matters = (
        sorted({m for w in group.windows.all() for m in w.matters.all() if m.is_public}, key=lambda m: m.pk)
        if group
        else []
    )
    if not matters:
        return {"延时预约申请": 0}
    member = Membership.objects.filter(department_id=hall.department_id, role="owner").select_related("user").first()
    staff = member.user if member else get_user_model().objects.filter(is_superuser=True).first()
    today = timezone.localdate()
    next_holiday = next(
        (
            today + datetime.timedelta(days=n)
            for n in range(1, 40)
            if not workdays.working_day(today + datetime.timedelta(days=n)).value
        ),
        today + datetime.timedelta(days=6),
    )
    specs = [
        (
            RequestState.PENDING,
            "company",
            "示范市宏图建筑工程有限公司",
            "刘建国",
            "13700001111",
            next_holiday,
            datetime.time(10),
            "市重点项目开工在即，需在周末办理施工相关事项。",
            None,
            "",
            DEMO_REQUEST_CODE,
        ),
        (
            RequestState.CONFIRMED,
            "company",
            "示范市鑫源商贸有限公司",
            "王芳",
            "13700002222",
            today + datetime.timedelta(days=2),
            datetime.time(18, 0),
            "招商引资项目负责人白天在外地，只能下班后到场。",
            timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(18, 0))),
            "已安排A02窗口延时受理，请从中心北门进入，联系人 综合受理组。",
            "",
        ),
        (
            RequestState.DECLINED,
            "person",
            "",
            "张伟",
            "13700003333",
            today + datetime.timedelta(days=1),
            datetime.time(12, 30),
            "午休时间办理个人事项。",
            None,
            "该事项已开通全程网办，可在网上提交申请，无需到场。",
            "",
        ),
    ]
    for state, kind, org, name, phone, day, time, reason, arranged, note, code in specs:
        request = OutOfHoursRequest(
            department_id=hall.department_id,
            hall=hall,
            matter=matters[0],
            requester_kind=kind,
            organisation=org,
            name=name,
            phone=phone,
            wanted_date=day,
            wanted_time=time,
            reason=reason,
        )
        if code:
            request.code = code
        request._change_reason = "提交延时预约申请"
        request.save()
        if state != RequestState.PENDING:
            request.state, request.arranged_at, request.staff_note = state, arranged, note
            request.decided_by, request.decided_at, request.revision = staff, timezone.now(), 1
            request._change_reason = "确认延时预约" if state == RequestState.CONFIRMED else "未能安排延时预约"
            request._history_user = staff
            request.save()
    context.notes.append(f"演示延时预约申请：查询码 {DEMO_REQUEST_CODE}，手机号码 13700001111（待确认）")
    return {"延时预约申请": len(specs)}


def _page(context: demo.DemoContext) -> int:
    from django.apps import apps
    from django.conf import settings

    from .pages import AppointmentIndexPage

    if AppointmentIndexPage.objects.exists():
        return 0
    home = apps.get_model(settings.PORTAL_HOME_PAGE_MODEL).objects.first()
    if home is None:
        return 0
    page = AppointmentIndexPage(
        title="预约服务",
        slug=SLUG,
        intro="<p>网上预约到大厅办事的时段，到场后凭预约码在排队叫号机签到，免排队取号；也可申请延时、节假日预约服务。</p>",
        search_description="示范市政务服务大厅网上预约：选择大厅、事项、日期和时段，凭预约码和手机号码取消或改约。",
        show_in_menus=False,
    )
    home.add_child(instance=page)
    page.save_revision(user=context.admin, log_action=True).publish(user=context.admin)
    return 1


@demo.register("appointments", "预约", order=85)
def load(context: demo.DemoContext) -> dict[str, int]:
    made = _schedules_and_groups()
    made.update(_bookings(context))
    made.update(_requests(context))
    made["预约服务页面"] = _page(context)
    return made
