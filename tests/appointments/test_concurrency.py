"""Capacity under concurrent bookings: ten visitors press 确认 for the last two places at the same
instant (real threads, each with its own connection and transaction; SQLite in WAL with IMMEDIATE
transactions, PostgreSQL with row locks: ``.ci/postgres-tests tests/appointments``).

The test runner's SQLite database is in memory with a shared cache, where a second writer gets
"database table is locked" at once (the busy timeout does not apply to shared-cache locks). The
deployed SQLite is a file, so on SQLite the race runs against a file copy of the test database
opened exactly as ``cms/settings`` opens it (WAL, IMMEDIATE transactions, 20 s timeout).
"""

from __future__ import annotations

import datetime

import pytest

from appointments import service
from appointments.models import Booking, BookingState, SlotCounter

from .. import concurrency
from .conftest import NOW, D

THREADS = 10
SLOT = datetime.time(9, 0)
DAY = D(2026, 10, 8)


def race(target, use_database, count: int = THREADS) -> tuple[list, list]:
    return concurrency.race(target, use_database, count, service.BookingError)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_visitors_racing_for_the_last_two_places_two_win(appt, real_database):
    group = appt.groups["a"]
    group.capacity = 3
    group.save()
    service.book(
        group=group, matter=appt.matters["licence"], day=DAY, start=SLOT, name="先到", phone="13700000000", at=NOW
    )

    def attempt(i):
        return service.book(
            group=group,
            matter=appt.matters["licence"],
            day=DAY,
            start=SLOT,
            name=f"访客{i}",
            phone=f"1380000{i:04d}",
            at=NOW,
        )

    results, errors = race(attempt, real_database)
    assert not errors, errors
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, service.BookingError)]
    assert len(won) == 2 and len(refused) == THREADS - 2
    assert {r.message for r in refused} == {service.FULL_MESSAGE}
    assert SlotCounter.objects.get(group=group, date=DAY, start=SLOT).booked == 3
    assert Booking.objects.filter(group=group, date=DAY, start=SLOT, state=BookingState.BOOKED).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancels_and_reschedules_racing_keep_the_counters_exact(appt, real_database):
    """Five bookings move from 09:00 to 10:00 (capacity 2) while five others cancel: the counters
    always equal the bookings holding the slot."""
    group = appt.groups["a"]
    group.capacity = 10
    group.save()
    bookings = [
        service.book(
            group=group, matter=appt.matters["licence"], day=DAY, start=SLOT, name="甲", phone=f"1390000{i:04d}", at=NOW
        )
        for i in range(10)
    ]
    group.capacity = 2
    group.save()

    def act(i):
        booking = Booking.objects.select_related("group").get(pk=bookings[i].pk)
        if i % 2:
            return service.cancel(booking, at=NOW)
        return service.reschedule(booking, day=DAY, start=datetime.time(10, 0), at=NOW)

    _results, errors = race(act, real_database)
    assert not errors, errors
    moved = Booking.objects.filter(state=BookingState.BOOKED, start=datetime.time(10, 0)).count()
    stayed = Booking.objects.filter(state=BookingState.BOOKED, start=SLOT).count()
    assert moved == 2 and stayed == 3
    assert SlotCounter.objects.get(group=group, date=DAY, start=datetime.time(10, 0)).booked == 2
    assert SlotCounter.objects.get(group=group, date=DAY, start=SLOT).booked == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_phone_booking_twice_at_once_gets_one_booking(appt, real_database):
    def attempt(i):
        start = datetime.time(9 + i % 3, 0)
        return service.book(
            group=appt.groups["a"],
            matter=appt.matters["licence"],
            day=DAY,
            start=start,
            name="乙",
            phone="13612345678",
            at=NOW,
        )

    results, errors = race(attempt, real_database, count=4)
    assert not errors, errors
    assert sum(isinstance(r, Booking) for r in results) == 1
    assert Booking.objects.count() == 1 and sum(SlotCounter.objects.values_list("booked", flat=True)) == 1
