"""The booking rules: slots on the working-day calendar (国庆/中秋 2026), capacity, one booking per
phone/matter/day, cancel and reschedule before the slot, check-in, no-shows and the block."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from appointments import service
from appointments.models import Booking, BookingSchedule, BookingState, SlotCounter

from .conftest import NOW, PHONE, D, book

pytestmark = pytest.mark.django_db
T = datetime.time


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def counter(world, day, start, group="a") -> int:
    row = SlotCounter.objects.filter(group=world.groups[group], date=day, start=T.fromisoformat(start)).first()
    return row.booked if row else 0


# ---- the calendar ----------------------------------------------------------------------------


def test_bookable_days_skip_the_national_day_holiday_and_weekends_but_keep_the_make_up_saturday(appt):
    days = service.bookable_days(appt.schedules["a"], NOW)
    # Wed 30 Sep (slots left today), 1–7 Oct 国庆/中秋 closed, Thu 8, Fri 9, Sat 10 (调休上班), Sun 11 closed,
    # Mon 12, Tue 13; 14 days ahead from 30 Sep ends on 13 Oct.
    assert days == [D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12), D(2026, 10, 13)]


def test_the_mid_autumn_friday_is_closed_and_the_make_up_sunday_open(appt):
    days = service.bookable_days(appt.schedules["a"], at(D(2026, 9, 18), 8))
    assert D(2026, 9, 20) in days  # Sunday, 调休上班
    assert D(2026, 9, 25) not in days  # Friday, 中秋节
    assert D(2026, 9, 19) not in days and D(2026, 9, 26) not in days  # ordinary weekend days


def test_slots_of_a_day_are_cut_from_the_sessions_and_past_ones_are_gone(appt):
    schedule = appt.schedules["a"]
    assert len(schedule.slots()) == 6 + 7  # 09:00–12:00 and 13:30–17:00 in half hours
    today = service.slots_for(schedule, [appt.groups["a"]], D(2026, 9, 30), NOW)[appt.groups["a"].pk]
    assert today[0].start == T(10, 30)  # 10:00 started at 10:00, it is 10:10
    assert service.slots_for(schedule, [appt.groups["a"]], D(2026, 10, 1), NOW)[appt.groups["a"].pk] == []
    after_closing = at(D(2026, 9, 30), 16, 40)
    assert D(2026, 9, 30) not in service.bookable_days(schedule, after_closing)


@pytest.mark.parametrize(
    ("day", "start", "field", "words"),
    [
        (D(2026, 10, 1), "09:00", "date", "法定节假日"),
        (D(2026, 10, 11), "09:00", "date", "休息日"),
        (D(2026, 9, 29), "09:00", "date", "14 天内"),
        (D(2026, 10, 14), "09:00", "date", "14 天内"),
        (D(2026, 9, 30), "09:30", "slot", "已开始或已过"),
        (D(2026, 10, 8), "12:00", "slot", "没有这个预约时段"),
    ],
)
def test_booking_outside_the_slots_is_refused_naming_the_field(appt, day, start, field, words):
    with pytest.raises(service.BookingError) as refused:
        book(appt, day=day, start=start)
    assert refused.value.field == field and words in refused.value.message
    assert not Booking.objects.exists() and not SlotCounter.objects.filter(booked__gt=0).exists()


def test_the_make_up_saturday_takes_bookings(appt):
    booking = book(appt, day=D(2026, 10, 10), start="14:00")
    assert booking.state == BookingState.BOOKED and booking.end == T(14, 30)


# ---- capacity and the rules of a booking -------------------------------------------------------


def test_a_slot_takes_its_capacity_and_refuses_the_next_visitor_in_chinese(appt):
    book(appt, phone="13800000001")
    book(appt, phone="13800000002")
    assert counter(appt, D(2026, 10, 8), "09:00") == 2
    with pytest.raises(service.BookingError) as full:
        book(appt, phone="13800000003")
    assert full.value.message == service.FULL_MESSAGE and full.value.field == "slot"
    assert Booking.objects.count() == 2 and counter(appt, D(2026, 10, 8), "09:00") == 2


def test_a_booking_is_owned_by_the_hall_department_with_the_phone_encrypted(appt):
    booking = book(appt)
    assert booking.department == appt.dept_a and booking.hall == appt.halls["a"]
    assert len(booking.code) == 8 and booking.masked_name == "张**" and booking.masked_phone == "138****5678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM appointments_booking WHERE id = %s", [booking.pk])
        assert PHONE not in cursor.fetchone()[0]
    assert [e.label for e in booking.events.all()] == ["预约"]


def test_one_active_booking_per_phone_matter_and_day(appt):
    book(appt)
    with pytest.raises(service.BookingError) as twice:
        book(appt, start="10:00")
    assert twice.value.field == "phone" and "同一事项" in twice.value.message
    book(appt, matter="change", start="10:00")  # another matter the same day is fine
    book(appt, day=D(2026, 10, 9))  # the same matter another day too


def test_a_matter_the_group_does_not_handle_is_refused(appt):
    with pytest.raises(service.BookingError) as refused:
        book(appt, group="a_special", matter="licence")
    assert refused.value.field == "matter"
    book(appt, matter="extra")  # a matter added to the group by hand


@pytest.mark.parametrize(("name", "phone", "field"), [("", PHONE, "name"), ("张三", "12345", "phone")])
def test_name_and_phone_are_checked(appt, name, phone, field):
    with pytest.raises(service.BookingError) as refused:
        book(appt, name=name, phone=phone)
    assert refused.value.field == field


def test_an_inactive_schedule_or_group_takes_no_bookings(appt):
    BookingSchedule.objects.filter(pk=appt.schedules["a"].pk).update(is_active=False)
    with pytest.raises(service.BookingError) as closed:
        book(appt)
    assert closed.value.field == "hall"


# ---- cancel, reschedule -------------------------------------------------------------------------


def test_cancel_before_the_slot_gives_the_place_back(appt):
    booking = book(appt)
    service.cancel(booking)
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and counter(appt, D(2026, 10, 8), "09:00") == 0
    with pytest.raises(service.Conflict):
        service.cancel(booking)
    book(appt)  # the same phone may book again once cancelled


def test_cancel_after_the_slot_started_is_refused(appt):
    booking = book(appt, day=D(2026, 9, 30), start="10:30")
    with pytest.raises(service.BookingError) as late:
        service.cancel(booking, at=at(D(2026, 9, 30), 10, 30))
    assert "已开始" in late.value.message
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED


def test_reschedule_takes_the_new_place_and_frees_the_old_one(appt):
    booking = book(appt)
    moved = service.reschedule(booking, day=D(2026, 10, 10), start=T(15, 0))
    assert (moved.date, moved.start, moved.end, moved.code) == (D(2026, 10, 10), T(15), T(15, 30), booking.code)
    assert counter(appt, D(2026, 10, 8), "09:00") == 0 and counter(appt, D(2026, 10, 10), "15:00") == 1
    assert moved.reschedules == 1 and [e.label for e in moved.events.all()] == ["预约", "改约"]


def test_reschedule_to_a_full_slot_or_a_holiday_changes_nothing(appt):
    booking = book(appt)
    book(appt, phone="13800000001", start="11:00")
    book(appt, phone="13800000002", start="11:00")
    with pytest.raises(service.BookingError) as full:
        service.reschedule(booking, day=D(2026, 10, 8), start=T(11))
    assert full.value.message == service.FULL_MESSAGE
    with pytest.raises(service.BookingError) as holiday:
        service.reschedule(booking, day=D(2026, 10, 2), start=T(9))
    assert holiday.value.field == "date"
    booking.refresh_from_db()
    assert (booking.date, booking.start) == (D(2026, 10, 8), T(9))
    assert counter(appt, D(2026, 10, 8), "09:00") == 1 and counter(appt, D(2026, 10, 8), "11:00") == 2


# ---- check-in, no-shows, the block ---------------------------------------------------------------


def test_check_in_on_the_day_only_once(appt):
    booking = book(appt, day=D(2026, 10, 8), start="09:00")
    with pytest.raises(service.BookingError) as early:
        service.check_in(booking, at=at(D(2026, 10, 7), 9))
    assert early.value.field == "date"
    service.check_in(booking, at=at(D(2026, 10, 8), 8, 50))
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CHECKED_IN
    with pytest.raises(service.Conflict):
        service.check_in(booking, at=at(D(2026, 10, 8), 8, 55))
    with pytest.raises(service.Conflict):
        service.cancel(Booking.objects.get(pk=booking.pk), at=at(D(2026, 10, 8), 8, 56))


def test_close_day_marks_past_bookings_as_no_shows_once(appt, clock):
    done = book(appt, day=D(2026, 9, 30), start="10:30", phone="13800000001")
    missed = book(appt, day=D(2026, 9, 30), start="11:00", phone="13800000002")
    later = book(appt, day=D(2026, 9, 30), start="16:30", phone="13800000003")
    service.check_in(done, at=at(D(2026, 9, 30), 10, 35))
    clock.set(at(D(2026, 9, 30), 12, 0))
    call_command("close_appointment_day")
    states = dict(Booking.objects.values_list("pk", "state"))
    assert states == {done.pk: "checked_in", missed.pk: "no_show", later.pk: "booked"}
    assert service.close_day() == 0  # idempotent
    assert [e.actor_name for e in Booking.objects.get(pk=missed.pk).events.all()][-1] == "系统（日终）"


def _no_show(appt, day, phone=PHONE):
    booking = book(appt, day=day, start="16:30", phone=phone, at=at(day, 8))
    Booking.objects.filter(pk=booking.pk).update(state=BookingState.NO_SHOW)
    return booking


@override_settings(APPOINTMENTS_NO_SHOW_LIMIT=3, APPOINTMENTS_NO_SHOW_PERIOD_DAYS=90, APPOINTMENTS_BLOCK_DAYS=30)
def test_three_no_shows_in_ninety_days_block_the_phone_for_thirty_days_from_the_last(appt, clock):
    for day in (D(2026, 9, 21), D(2026, 9, 22), D(2026, 9, 23)):
        _no_show(appt, day)
    assert service.blocked_until(PHONE, D(2026, 9, 30)) == D(2026, 10, 23)
    with pytest.raises(service.BookingError) as blocked:
        book(appt)
    assert blocked.value.field == "phone" and "2026年10月23日前暂停网上预约" in blocked.value.message
    book(appt, phone="13900000000")  # another number is not affected
    # The day after the block ends, the number may book again.
    assert service.blocked_until(PHONE, D(2026, 10, 24)) is None


@override_settings(APPOINTMENTS_NO_SHOW_LIMIT=3, APPOINTMENTS_NO_SHOW_PERIOD_DAYS=90)
def test_two_no_shows_or_old_ones_do_not_block(appt):
    _no_show(appt, D(2026, 9, 22))
    _no_show(appt, D(2026, 9, 23))
    assert service.blocked_until(PHONE, D(2026, 9, 30)) is None
    Booking.objects.filter(state="no_show").update(date=D(2026, 6, 1))
    _no_show(appt, D(2026, 9, 28))
    assert service.blocked_until(PHONE, D(2026, 9, 30)) is None  # two of the three are older than 90 days
