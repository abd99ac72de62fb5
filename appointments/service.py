"""Every change to bookings and out-of-hours requests happens here, in one transaction each.

Capacity: a slot's places are a ``SlotCounter`` row taken with a conditional
``UPDATE … SET booked = booked + 1 WHERE booked < capacity`` in the same transaction as the
booking's insert. On PostgreSQL a second writer waits for the row lock and re-checks the
condition (READ COMMITTED re-evaluates the WHERE on the new row version); on SQLite the
IMMEDIATE transaction (cms/settings) queues writers. Either way no slot is ever booked beyond
its capacity, however many visitors press 确认 at the same instant. Cancelling gives the place
back with ``booked = booked - 1``; rescheduling takes the new place and frees the old one in one
transaction.

Days: a slot exists only on a working day of ``workdays.service`` (法定节假日 closed, 调休上班日
open; 《国务院办公厅关于2026年部分节假日安排的通知》), from now up to the schedule's days ahead.

No-shows: ``close_day`` (the ``close_appointment_day`` command) marks past bookings never checked
in as 爽约. ``APPOINTMENTS_NO_SHOW_LIMIT`` no-shows within ``APPOINTMENTS_NO_SHOW_PERIOD_DAYS``
block the phone number (by its keyed hash) from new bookings for ``APPOINTMENTS_BLOCK_DAYS`` after
the last one (the 信用承诺 practice of the halls' 预约服务 rules; GB/T 36112-2018 政务服务中心服务现场管理规范).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.identity import check_phone
from core.pii import keyed_hash, normalise
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

FULL_MESSAGE = "该时段已约满，请选择其他时段。"


class BookingError(Exception):
    """A refusal with a Chinese message and the field it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(BookingError):
    """The record changed meanwhile (already checked in, cancelled, decided by a colleague)."""


@dataclass(frozen=True)
class Slot:
    start: datetime.time
    end: datetime.time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        return f"{self.start:%H:%M}"


def now() -> datetime.datetime:
    return timezone.localtime()


def at_time(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def is_open_day(day: datetime.date) -> bool:
    """A working day (estimated, flagged elsewhere, for a year nobody has entered yet)."""
    return workdays.working_day(day).value


def bookable_days(schedule: BookingSchedule, at: datetime.datetime | None = None) -> list[datetime.date]:
    """Working days from today to the last day ahead on which a slot is still to come."""
    at = at or now()
    today = at.date()
    if not schedule.is_active:
        return []
    slots = schedule.slots()
    if not slots:
        return []
    days = []
    for offset in range(schedule.days_ahead):
        day = today + datetime.timedelta(days=offset)
        if day == today and at_time(day, slots[-1][0]) <= at:
            continue
        if is_open_day(day):
            days.append(day)
    return days


def slots_for(
    schedule: BookingSchedule, groups: list[ServiceGroup], day: datetime.date, at: datetime.datetime | None = None
) -> dict[int, list[Slot]]:
    """Group id → its slots on ``day`` still to come, with places taken (one query for all groups)."""
    at = at or now()
    if day not in bookable_days(schedule, at):
        return {group.pk: [] for group in groups}
    taken = {
        (group_id, start): booked
        for group_id, start, booked in SlotCounter.objects.filter(
            group__in=[g.pk for g in groups], date=day
        ).values_list("group_id", "start", "booked")
    }
    result = {}
    for group in groups:
        result[group.pk] = [
            Slot(start, end, group.capacity, taken.get((group.pk, start), 0))
            for start, end in schedule.slots()
            if at_time(day, start) > at
        ]
    return result


def groups_for_matter(hall, matter_id: int) -> list[ServiceGroup]:
    """The active groups of a hall taking bookings for a matter."""
    from matters.models import Matter

    through = Matter.windows.through
    windows = through.objects.filter(matter_id=matter_id).values("window_id")
    return list(
        ServiceGroup.objects.filter(hall=hall, is_active=True)
        .filter(Q(matters=matter_id) | Q(windows__in=windows))
        .distinct()
        .order_by("sort_order", "pk")
    )


def blocked_until(phone: str, today: datetime.date | None = None) -> datetime.date | None:
    """The last day a phone number is barred from booking after too many no-shows (None: not barred)."""
    today = today or now().date()
    since = today - datetime.timedelta(days=settings.APPOINTMENTS_NO_SHOW_PERIOD_DAYS)
    dates = list(
        Booking.objects.filter(phone_hash=keyed_hash(phone), state=BookingState.NO_SHOW, date__gt=since)
        .order_by("-date")
        .values_list("date", flat=True)
    )
    if len(dates) < settings.APPOINTMENTS_NO_SHOW_LIMIT:
        return None
    until = dates[0] + datetime.timedelta(days=settings.APPOINTMENTS_BLOCK_DAYS)
    return until if until >= today else None


def clean_phone(phone: str) -> str:
    phone = normalise(phone or "")
    try:
        check_phone(phone)
    except ValidationError as error:
        raise BookingError(error.messages[0], "phone") from None
    return phone


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BookingError("请填写姓名。", "name")
    if len(name) > 50:
        raise BookingError("姓名不能超过 50 个字。", "name")
    return name


def _log(booking: Booking, action: str, label: str, from_state: str, user=None, actor_name: str = "", note: str = ""):
    BookingEvent.objects.create(
        booking=booking,
        action=action,
        label=label,
        from_state=from_state,
        to_state=booking.state,
        actor=user if user is not None and user.is_authenticated else None,
        actor_name=actor_name or (user.get_full_name() or user.username if user is not None else "预约人"),
        note=note[:300],
    )


def _check_slot(group: ServiceGroup, day: datetime.date, start: datetime.time, at: datetime.datetime):
    """The (start, end) of a slot the group offers on ``day`` and that is still to come."""
    schedule = BookingSchedule.objects.filter(hall_id=group.hall_id).first()
    if schedule is None or not schedule.is_active or not group.is_active:
        raise BookingError("该大厅暂未开放预约。", "hall")
    if day not in bookable_days(schedule, at):
        if day < at.date() or day >= at.date() + datetime.timedelta(days=schedule.days_ahead):
            raise BookingError(f"只能预约今天起 {schedule.days_ahead} 天内的工作日。", "date")
        if not is_open_day(day):
            raise BookingError(f"{day:%Y年%-m月%-d日}是休息日或法定节假日，不开放预约。", "date")
        raise BookingError("今天的预约时段已过，请选择其他日期。", "date")
    for slot_start, slot_end in schedule.slots():
        if slot_start == start:
            if at_time(day, start) <= at:
                raise BookingError("该时段已开始或已过，请选择其他时段。", "slot")
            return slot_start, slot_end
    raise BookingError("没有这个预约时段，请重新选择。", "slot")


def _take_place(group: ServiceGroup, day: datetime.date, start: datetime.time) -> None:
    """Take one place of the slot or raise BookingError (the caller holds the transaction)."""
    SlotCounter.objects.bulk_create([SlotCounter(group=group, date=day, start=start)], ignore_conflicts=True)
    taken = SlotCounter.objects.filter(group=group, date=day, start=start, booked__lt=group.capacity).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise BookingError(FULL_MESSAGE, "slot")


def _free_place(group_id: int, day: datetime.date, start: datetime.time) -> None:
    SlotCounter.objects.filter(group_id=group_id, date=day, start=start, booked__gt=0).update(booked=F("booked") - 1)


def book(
    *, group: ServiceGroup, matter, day: datetime.date, start: datetime.time, name: str, phone: str, at=None
) -> Booking:
    """Book a place; BookingError (with its field) when anything is wrong or the slot is full."""
    at = at or now()
    name, phone = clean_name(name), clean_phone(phone)
    if matter is None or matter.pk not in group.matter_ids():
        raise BookingError("该事项不在所选窗口分组办理，请重新选择事项。", "matter")
    slot_start, slot_end = _check_slot(group, day, start, at)
    until = blocked_until(phone, at.date())
    if until is not None:
        raise BookingError(
            f"该手机号码近 {settings.APPOINTMENTS_NO_SHOW_PERIOD_DAYS} 天内爽约已达 "
            f"{settings.APPOINTMENTS_NO_SHOW_LIMIT} 次，{until:%Y年%-m月%-d日}前暂停网上预约，可到大厅现场取号办理。",
            "phone",
        )
    duplicate = BookingError("您已预约当天同一事项，如需更换时段请在“我的预约”中改约。", "phone")
    if Booking.objects.filter(
        phone_hash=keyed_hash(phone), matter=matter, date=day, state=BookingState.BOOKED
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            _take_place(group, day, slot_start)
            booking = Booking.objects.create(
                department_id=group.department_id,
                hall_id=group.hall_id,
                group=group,
                matter=matter,
                date=day,
                start=slot_start,
                end=slot_end,
                name=name,
                phone=phone,
            )
            _log(booking, "book", "预约", "", actor_name="预约人")
    except IntegrityError:
        raise duplicate from None
    return booking


def find_booking(code: str, phone: str) -> Booking | None:
    """The booking with this code and phone number; None for every wrong pair alike."""
    import secrets

    code = normalise(code or "")[:8]
    booking = Booking.objects.select_related("hall", "group", "matter").filter(code=code).first() if code else None
    if booking is None:
        secrets.compare_digest(keyed_hash(phone or "-"), keyed_hash("-"))
        return None
    if phone and secrets.compare_digest(booking.phone_hash, keyed_hash(phone)):
        return booking
    return None


def find_request(code: str, phone: str) -> OutOfHoursRequest | None:
    import secrets

    code = normalise(code or "")[:8]
    found = OutOfHoursRequest.objects.select_related("hall", "matter").filter(code=code).first() if code else None
    if found is None:
        secrets.compare_digest(keyed_hash(phone or "-"), keyed_hash("-"))
        return None
    if phone and secrets.compare_digest(found.phone_hash, keyed_hash(phone)):
        return found
    return None


def _move_state(booking: Booking, to: str, allowed=(BookingState.BOOKED,), **values) -> Booking:
    """Change the state only if it is still one of ``allowed`` (a colleague or terminal may have acted)."""
    changed = Booking.objects.filter(pk=booking.pk, state__in=allowed).update(
        state=to, updated_at=timezone.now(), **values
    )
    if not changed:
        current = Booking.objects.filter(pk=booking.pk).values_list("state", flat=True).first()
        raise Conflict(f"该预约当前为“{BookingState(current).label}”，不能再操作。", "state")
    return booking


def cancel(booking: Booking, *, user=None, at=None, note: str = "") -> Booking:
    """Cancel before the slot starts and give the place back."""
    at = at or now()
    if booking.state == BookingState.BOOKED and booking.starts_at <= at:
        raise BookingError("预约时段已开始，不能再取消。", "state")
    with transaction.atomic():
        _move_state(booking, BookingState.CANCELLED)
        _free_place(booking.group_id, booking.date, booking.start)
        previous, booking.state = booking.state, BookingState.CANCELLED
        _log(booking, "cancel", "取消预约", previous, user=user, note=note)
    return booking


def reschedule(booking: Booking, *, day: datetime.date, start: datetime.time, at=None, user=None) -> Booking:
    """Move to another slot of the same group: take the new place, free the old one, in one transaction."""
    at = at or now()
    if booking.state != BookingState.BOOKED:
        raise Conflict(f"该预约当前为“{booking.get_state_display()}”，不能改约。", "state")
    if booking.starts_at <= at:
        raise BookingError("预约时段已开始，不能再改约。", "state")
    if (day, start) == (booking.date, booking.start):
        raise BookingError("新时段与原时段相同。", "slot")
    group = booking.group
    slot_start, slot_end = _check_slot(group, day, start, at)
    old = f"{booking.date:%Y-%m-%d} {booking.start:%H:%M}"
    try:
        with transaction.atomic():
            _take_place(group, day, slot_start)
            moved = Booking.objects.filter(
                pk=booking.pk, state=BookingState.BOOKED, date=booking.date, start=booking.start
            )
            if not moved.update(
                date=day, start=slot_start, end=slot_end, reschedules=F("reschedules") + 1, updated_at=timezone.now()
            ):
                raise Conflict("该预约已被改动，请重新查询。", "state")
            _free_place(group.pk, booking.date, booking.start)
            booking.date, booking.start, booking.end = day, slot_start, slot_end
            _log(
                booking,
                "reschedule",
                "改约",
                BookingState.BOOKED,
                user=user,
                note=f"由 {old} 改为 {day:%Y-%m-%d} {slot_start:%H:%M}",
            )
    except IntegrityError:
        raise BookingError("您已预约当天同一事项，不能再改到这一天。", "date") from None
    booking.refresh_from_db()
    return booking


def check_in(booking: Booking, *, at=None, user=None, actor_name: str = "") -> Booking:
    """签到 on the booked day (from the slot's morning until its end; early arrivals are welcome)."""
    at = at or now()
    if booking.state in (BookingState.CHECKED_IN, BookingState.CANCELLED):
        raise Conflict(f"该预约{booking.get_state_display()}，不能签到。", "code")
    if booking.state == BookingState.NO_SHOW:
        raise Conflict("该预约已记为爽约，不能签到，请现场取号。", "code")
    if booking.date != at.date():
        raise BookingError(f"该预约的日期是 {booking.date:%Y年%-m月%-d日}，不是今天。", "date")
    if booking.ends_at <= at:
        raise BookingError(f"该预约的时段 {booking.start:%H:%M}-{booking.end:%H:%M} 已过，请现场取号。", "slot")
    with transaction.atomic():
        _move_state(booking, BookingState.CHECKED_IN, checked_in_at=at)
        booking.state, booking.checked_in_at = BookingState.CHECKED_IN, at
        _log(booking, "check_in", "签到", BookingState.BOOKED, user=user, actor_name=actor_name)
    return booking


def mark_no_show(booking: Booking, *, at=None, user=None) -> Booking:
    """爽约, marked at the desk once the slot has started without the visitor."""
    at = at or now()
    if booking.state == BookingState.BOOKED and booking.starts_at > at:
        raise BookingError("预约时段尚未开始，不能记为爽约。", "state")
    with transaction.atomic():
        _move_state(booking, BookingState.NO_SHOW)
        booking.state = BookingState.NO_SHOW
        _log(booking, "no_show", "记为爽约", BookingState.BOOKED, user=user)
    return booking


def close_day(at=None) -> int:
    """Mark every booking whose slot has ended without a check-in as 爽约 (idempotent)."""
    at = at or now()
    today, time = at.date(), at.time()
    overdue = Booking.objects.filter(state=BookingState.BOOKED).filter(Q(date__lt=today) | Q(date=today, end__lte=time))
    count = 0
    for pk in overdue.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            booking = Booking.objects.get(pk=pk)
            if Booking.objects.filter(pk=pk, state=BookingState.BOOKED).update(
                state=BookingState.NO_SHOW, updated_at=timezone.now()
            ):
                booking.state = BookingState.NO_SHOW
                _log(booking, "no_show", "记为爽约", BookingState.BOOKED, actor_name="系统（日终）")
                count += 1
    return count


# ---- out-of-hours requests (延时预约) ----------------------------------------------------------


def submit_request(
    *,
    hall,
    matter,
    requester_kind: str,
    organisation: str,
    name: str,
    phone: str,
    wanted_date: datetime.date,
    wanted_time: datetime.time,
    reason: str,
    at=None,
) -> OutOfHoursRequest:
    at = at or now()
    name, phone = clean_name(name), clean_phone(phone)
    if wanted_date < at.date():
        raise BookingError("希望日期不能早于今天。", "wanted_date")
    if wanted_date > at.date() + datetime.timedelta(days=60):
        raise BookingError("只能申请 60 天内的延时服务。", "wanted_date")
    if not (reason or "").strip():
        raise BookingError("请说明需要延时或节假日办理的事由。", "reason")
    if requester_kind == "company" and not (organisation or "").strip():
        raise BookingError("企业或其他组织申请请填写单位名称。", "organisation")
    return OutOfHoursRequest.objects.create(
        department_id=hall.department_id,
        hall=hall,
        matter=matter,
        requester_kind=requester_kind,
        organisation=(organisation or "").strip()[:100],
        name=name,
        phone=phone,
        wanted_date=wanted_date,
        wanted_time=wanted_time,
        reason=reason.strip()[:500],
    )


def decide(
    request: OutOfHoursRequest,
    *,
    confirm: bool,
    note: str,
    user,
    arranged_at=None,
    expected_revision: int | None = None,
) -> OutOfHoursRequest:
    """Confirm (with the arranged time) or decline (with the reason) a pending request, once."""
    note = (note or "").strip()
    if confirm and arranged_at is None:
        raise BookingError("确认时请填写安排的日期和时间。", "arranged_at")
    if not confirm and not note:
        raise BookingError("未能安排时请说明理由。", "staff_note")
    revision = request.revision if expected_revision is None else expected_revision
    with transaction.atomic():
        # Row-locked on PostgreSQL, IMMEDIATE on SQLite: two clerks answering at once, one wins.
        current = (
            OutOfHoursRequest.objects.select_for_update().filter(pk=request.pk).values("state", "revision").first()
        )
        if current is None or current["state"] != RequestState.PENDING or current["revision"] != revision:
            raise Conflict("该申请已被他人答复或修改，请刷新后查看。", "state")
        request.state = RequestState.CONFIRMED if confirm else RequestState.DECLINED
        request.arranged_at = arranged_at if confirm else None
        request.staff_note = note[:300]
        request.decided_by = user
        request.decided_at = timezone.now()
        request.revision = revision + 1
        request._change_reason = "确认延时预约" if confirm else "未能安排延时预约"
        request.save()
    return request
