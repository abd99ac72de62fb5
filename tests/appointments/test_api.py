"""The appointments API: check-in by the hall's queue machine (scope, own hall, every refusal) and
the public free places (counts only, ETag, the holiday calendar)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.api import CHECKIN
from appointments.models import Booking, BookingState
from terminals.models import TerminalKind

from ..terminals.factories import TerminalFactory
from ..terminals.factories import key_header as header
from .conftest import PHONE, D, book

CHECKIN_URL = "/api/v1/appointments/checkin/"
SLOTS_URL = "/api/v1/appointments/slots/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def queue_machine(world, hall="a", scopes=None, name=""):
    department = world.halls[hall].department
    return TerminalFactory(
        department=department,
        hall=world.halls[hall],
        kind=TerminalKind.QUEUE,
        scopes=[CHECKIN.value] if scopes is None else scopes,
        with_key=True,
        name=name or f"{hall}排队叫号机",
    )


def on_the_day(clock, hour=8, minute=50):
    """Thursday 8 October 2026, the first working day after the holiday."""
    clock.set(timezone.make_aware(datetime.datetime(2026, 10, 8, hour, minute)))


def checkin(api, terminal, code):
    response = api.post(CHECKIN_URL, {"code": code}, format="json", **header(terminal))
    return response.status_code, json.loads(response.content or b"{}")


def test_the_queue_machine_checks_a_booking_in_and_gets_matter_group_and_windows(api, appt, clock):
    booking = book(appt)
    on_the_day(clock)
    status, data = checkin(api, queue_machine(appt), booking.code.lower())
    assert status == 200, data
    assert data["state"] == "checked_in" and data["matter_name"] == "食品经营许可"
    assert data["matter_code"] == appt.matters["licence"].implementation_code
    assert data["group"] == "综合受理" and data["windows"] == [{"number": "A01", "name": "综合受理窗口"}]
    assert (data["start"], data["end"], data["date"]) == ("09:00", "09:30", "2026-10-08")
    assert data["name"] == "张**"
    assert PHONE not in json.dumps(data) and "张三丰" not in json.dumps(data, ensure_ascii=False)
    booking.refresh_from_db()
    assert booking.state == BookingState.CHECKED_IN
    assert booking.events.last().actor_name == "终端：a排队叫号机"


def test_checking_in_twice_or_a_cancelled_booking_is_409(api, appt, clock):
    first, cancelled = book(appt), book(appt, phone="13900000001")
    from appointments import service

    service.cancel(cancelled)
    on_the_day(clock)
    machine = queue_machine(appt)
    assert checkin(api, machine, first.code)[0] == 200
    status, data = checkin(api, machine, first.code)
    assert status == 409 and "已签到" in data["detail"]
    status, data = checkin(api, machine, cancelled.code)
    assert status == 409 and "已取消" in data["detail"] and data["field"] == "code"


def test_a_booking_of_another_day_is_400_naming_the_date(api, appt, clock):
    booking = book(appt, day=D(2026, 10, 9))
    on_the_day(clock)
    status, data = checkin(api, queue_machine(appt), booking.code)
    assert status == 400 and data["field"] == "date" and "2026年10月9日" in data["detail"]
    clock.set(timezone.make_aware(datetime.datetime(2026, 10, 9, 9, 45)))
    status, data = checkin(api, queue_machine(appt, name="第二台"), booking.code)
    assert status == 400 and data["field"] == "slot"  # 09:00–09:30 is over


def test_another_halls_machine_or_an_unknown_code_gets_404(api, appt, clock):
    booking = book(appt)
    on_the_day(clock)
    status, data = checkin(api, queue_machine(appt, hall="b"), booking.code)
    assert status == 404 and data["field"] == "code"
    assert checkin(api, queue_machine(appt), "ZZZZZZZZ")[0] == 404
    no_hall = TerminalFactory(department=appt.dept_a, scopes=[CHECKIN.value], with_key=True)
    assert checkin(api, no_hall, booking.code)[0] == 404
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED


def test_a_key_without_the_scope_or_no_key_cannot_check_in(api, appt, clock):
    booking = book(appt)
    on_the_day(clock)
    status, _ = checkin(api, queue_machine(appt, scopes=[]), booking.code)
    assert status == 403
    assert api.post(CHECKIN_URL, {"code": booking.code}, format="json").status_code in (401, 403)
    status, data = checkin(api, queue_machine(appt, name="第三台"), "")
    assert status == 400 and data["field"] == "code"


# ---- free places -----------------------------------------------------------------------------


def slots(api, **query):
    response = api.get(SLOTS_URL, query)
    return response, json.loads(response.content or b"{}")


def test_free_places_count_bookings_and_show_no_personal_data(api, appt):
    book(appt)
    book(appt, phone="13900000001")
    book(appt, phone="13900000002", start="10:00")
    response, data = slots(api, hall="hall-a", date="2026-10-08")
    assert response.status_code == 200 and data["open"] is True
    group = next(g for g in data["groups"] if g["group"] == "综合受理")
    free = {s["start"]: s["free"] for s in group["slots"]}
    assert free["09:00"] == 0 and free["10:00"] == 1 and free["11:30"] == 2 and len(free) == 13
    text = response.content.decode()
    assert PHONE not in text and "张" not in text and "code" not in text
    assert response["Cache-Control"].startswith("public") and response["ETag"]
    again = api.get(SLOTS_URL, {"hall": "hall-a", "date": "2026-10-08"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    book(appt, phone="13900000003", start="11:30")
    changed = api.get(SLOTS_URL, {"hall": "hall-a", "date": "2026-10-08"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200


def test_no_slots_on_the_national_day_slots_on_the_make_up_saturday(api, appt):
    _, holiday = slots(api, hall="hall-a", date="2026-10-05")
    assert holiday["open"] is False and all(g["slots"] == [] for g in holiday["groups"])
    _, saturday = slots(api, hall="hall-a", date="2026-10-10")
    assert saturday["open"] is True and all(len(g["slots"]) == 13 for g in saturday["groups"])


def test_bad_date_and_unknown_hall(api, appt):
    response, data = slots(api, hall="hall-a", date="10/08/2026")
    assert response.status_code == 400 and data["field"] == "date"
    response, data = slots(api, hall="nope")
    assert response.status_code == 404 and data["field"] == "hall"
