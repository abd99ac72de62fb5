"""The admin: the permission matrix (role × action × own/other department) for the day view and
desk actions, out-of-hours requests, schedules and groups; the dashboard panel; history; two
clerks answering at once; query counts that do not grow with the day's bookings."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments import service
from appointments.models import Booking, BookingSchedule, BookingState, OutOfHoursRequest, ServiceGroup

from .conftest import D, book

pytestmark = pytest.mark.django_db
DAY = D(2026, 10, 8)


@pytest.fixture
def bookings(appt):
    return {
        "own": book(appt, name="甲访客"),
        "other": book(appt, group="b", matter="other", name="乙访客"),
    }


@pytest.fixture
def requests(appt):
    def make(hall, matter):
        return service.submit_request(
            hall=appt.halls[hall],
            matter=appt.matters[matter],
            requester_kind="person",
            organisation="",
            name="申请人",
            phone="13700001111",
            wanted_date=D(2026, 10, 3),
            wanted_time=datetime.time(10),
            reason="国庆期间急需办理。",
        )

    return {"own": make("a", "licence"), "other": make("b", "other")}


def on_the_day(clock, hour=9, minute=5):
    clock.set(timezone.make_aware(datetime.datetime(2026, 10, 8, hour, minute)))


# role -> (bookings it sees and may mark at the desk, requests it sees, requests it may answer)
MATRIX = {
    "owner": ({"own"}, {"own"}, {"own"}),
    "reviewer": ({"own"}, {"own"}, {"own"}),
    "owner_b": ({"other"}, {"other"}, {"other"}),
    "clerk": ({"own"}, set(), set()),
    "clerk_b": ({"other"}, set(), set()),
    "sysadmin": ({"own", "other"}, {"own", "other"}, {"own", "other"}),
    "disclosure": (set(), set(), set()),
    "nodept": (set(), set(), set()),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_day_view_and_desk_check_in(client, appt, bookings, clock, role):
    sees, _, _ = MATRIX[role]
    on_the_day(clock)
    client.force_login(appt.users[role])
    for key, booking in bookings.items():
        response = client.get(reverse("appointments_day"), {"hall": booking.hall_id, "date": "2026-10-08"})
        if not sees:
            assert response.status_code in (302, 403)
        else:
            assert response.status_code == 200
            assert (booking.name in response.content.decode()) == (key in sees)
        detail = client.get(reverse("appointments_booking", args=[booking.pk]))
        assert detail.status_code == 200 if key in sees else detail.status_code in (302, 403, 404)
        acted = client.post(reverse("appointments_booking_action", args=[booking.pk]), {"action": "check_in"})
        state = Booking.objects.get(pk=booking.pk).state
        if key in sees:
            assert acted.status_code == 302 and state == BookingState.CHECKED_IN
        else:
            assert acted.status_code in (302, 403, 404) and state == BookingState.BOOKED


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_out_of_hours_requests(client, appt, requests, role):
    _, sees, answers = MATRIX[role]
    client.force_login(appt.users[role])
    listing = client.get(reverse("appointments_requests"))
    if not sees:
        assert listing.status_code in (302, 403)
    else:
        assert listing.status_code == 200
        assert {k for k, r in requests.items() if r.code in listing.content.decode()} == sees
    for key, item in requests.items():
        detail = client.get(reverse("appointments_request", args=[item.pk]))
        assert detail.status_code == (200 if key in sees else detail.status_code)
        if key not in sees:
            assert detail.status_code in (302, 403, 404)
        response = client.post(
            reverse("appointments_request", args=[item.pk]),
            {"decision": "confirm", "arranged_at": "2026-10-03T10:00", "staff_note": "请从北门进入。", "revision": 0},
        )
        state = OutOfHoursRequest.objects.get(pk=item.pk).state
        if key in answers:
            assert response.status_code == 302 and state == "confirmed"
        else:
            assert response.status_code in (302, 403, 404) and state == "pending"


# role -> (may edit A's schedule, may edit B's schedule, may add a schedule for A's hall)
SCHEDULE_MATRIX = {
    "owner": (True, False, True),
    "reviewer": (True, False, False),
    "owner_b": (False, True, False),
    "clerk": (False, False, False),
    "sysadmin": (True, True, True),
    "nodept": (False, False, False),
}


@pytest.mark.parametrize("role", SCHEDULE_MATRIX)
def test_permission_matrix_schedules_and_groups(client, appt, role):
    edit_a, edit_b, add_a = SCHEDULE_MATRIX[role]
    client.force_login(appt.users[role])
    for hall, allowed in (("a", edit_a), ("b", edit_b)):
        schedule = appt.schedules[hall]
        response = client.post(
            reverse("appointment-schedules:edit", args=[schedule.pk]),
            {
                "hall": schedule.hall_id,
                "sessions": "08:30-12:00",
                "slot_minutes": 30,
                "days_ahead": 7,
                "is_active": "on",
                "notes": "",
                "change_reason": "夏令时调整",
            },
        )
        schedule.refresh_from_db()
        if allowed:
            assert response.status_code == 302, response.content.decode()[:2000]
            assert schedule.sessions == "08:30-12:00"
            assert schedule.history.first().history_change_reason == "夏令时调整"
        else:
            assert response.status_code in (302, 403, 404) and schedule.sessions != "08:30-12:00"
        group = appt.groups[hall]
        response = client.get(reverse("appointment-groups:edit", args=[group.pk]))
        assert (response.status_code == 200) == allowed
    from ..halls.factories import HallFactory

    new_hall = HallFactory(department=appt.dept_a, code="hall-a2", name="甲局分厅")
    response = client.post(
        reverse("appointment-schedules:add"),
        {"hall": new_hall.pk, "sessions": "09:00-12:00", "slot_minutes": 20, "days_ahead": 5, "is_active": "on"},
    )
    created = BookingSchedule.objects.filter(hall=new_hall).first()
    assert (created is not None) == add_a, response.status_code
    if created:
        assert created.department == appt.dept_a


def test_a_schedule_with_bad_sessions_is_refused_naming_the_field(client, appt):
    client.force_login(appt.users["owner"])
    schedule = appt.schedules["a"]
    response = client.post(
        reverse("appointment-schedules:edit", args=[schedule.pk]),
        {
            "hall": schedule.hall_id,
            "sessions": "12:00-09:00",
            "slot_minutes": 30,
            "days_ahead": 40,
            "is_active": "on",
            "change_reason": "试",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "结束时间应晚于开始时间" in text and "1 到 30 天" in text


def test_a_group_may_only_take_windows_of_its_hall(client, appt):
    client.force_login(appt.users["sysadmin"])
    group = appt.groups["a"]
    foreign = appt.groups["b"].windows.get()
    response = client.post(
        reverse("appointment-groups:edit", args=[group.pk]),
        {
            "hall": group.hall_id,
            "name": group.name,
            "capacity": 2,
            "sort_order": 0,
            "windows": [foreign.pk],
            "is_active": "on",
            "change_reason": "调整",
        },
    )
    assert response.status_code == 200 and "只能选择本大厅的窗口" in response.content.decode()
    assert list(ServiceGroup.objects.get(pk=group.pk).windows.all()) != [foreign]


def test_the_desk_marks_a_no_show_only_after_the_slot_started(client, appt, bookings, clock):
    client.force_login(appt.users["clerk"])
    clock.set(timezone.make_aware(datetime.datetime(2026, 10, 8, 8, 30)))
    url = reverse("appointments_booking_action", args=[bookings["own"].pk])
    client.post(url, {"action": "no_show"})
    assert Booking.objects.get(pk=bookings["own"].pk).state == BookingState.BOOKED
    on_the_day(clock, 9, 40)
    response = client.post(url, {"action": "no_show"}, follow=True)
    assert Booking.objects.get(pk=bookings["own"].pk).state == BookingState.NO_SHOW
    assert "已记为爽约" in response.content.decode()
    events = list(Booking.objects.get(pk=bookings["own"].pk).events.values_list("label", "actor__username"))
    assert events[-1] == ("记为爽约", "clerk_a")
    history = client.get(reverse("appointments_booking", args=[bookings["own"].pk])).content.decode()
    assert "预约" in history and "记为爽约" in history and "booked → no_show" in history


def test_two_clerks_answering_one_request_the_second_is_told(client, appt, requests):
    item = requests["own"]
    service.decide(
        item, confirm=True, note="已安排。", user=appt.users["owner"], arranged_at=timezone.now(), expected_revision=0
    )
    client.force_login(appt.users["reviewer"])
    response = client.post(
        reverse("appointments_request", args=[item.pk]),
        {"decision": "decline", "staff_note": "无法安排。", "revision": 0},
    )
    assert OutOfHoursRequest.objects.get(pk=item.pk).state == "confirmed"
    assert response.status_code == 200 or response.status_code == 302
    with pytest.raises(service.Conflict):
        service.decide(
            OutOfHoursRequest.objects.get(pk=item.pk),
            confirm=False,
            note="x",
            user=appt.users["reviewer"],
            expected_revision=0,
        )


def test_confirming_needs_a_time_and_declining_a_reason(client, appt, requests):
    client.force_login(appt.users["owner"])
    url = reverse("appointments_request", args=[requests["own"].pk])
    text = client.post(url, {"decision": "confirm", "staff_note": "", "revision": 0}).content.decode()
    assert "请填写安排的日期和时间" in text
    text = client.post(url, {"decision": "decline", "staff_note": "", "revision": 0}).content.decode()
    assert "请说明理由" in text
    assert OutOfHoursRequest.objects.get(pk=requests["own"].pk).state == "pending"
    detail = client.get(url).content.decode()
    assert "13700001111" in detail  # the answering department calls back
    client.force_login(appt.users["sysadmin"])
    history = client.get(url).content.decode()
    assert "修改历史" in history


def test_the_dashboard_panel_counts_todays_bookings_and_pending_requests(client, appt, bookings, requests, clock):
    on_the_day(clock)
    service.check_in(Booking.objects.get(pk=bookings["own"].pk))
    book(appt, phone="13900000009", start="10:00")
    client.force_login(appt.users["owner"])
    text = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (
        "今日预约" in text and "甲局大厅" in text and "乙局大厅" not in text.split("今日预约")[1].split("</section>")[0]
    )
    assert 'id="appointments-pending">1<' in text
    client.force_login(appt.users["disclosure"])
    assert "今日预约" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_day_view_costs_the_same_queries_for_few_or_many_bookings(client, appt):
    client.force_login(appt.users["owner"])
    url = reverse("appointments_day")
    query = {"hall": appt.halls["a"].pk, "date": "2026-10-08"}
    book(appt, phone="13900000001")
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    for i, start in enumerate(("10:00", "10:30", "11:00", "11:30", "13:30", "14:00")):
        book(appt, phone=f"1390000010{i}", start=start)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, query)
    assert response.content.decode().count("</code></a></td>") == 7
    assert len(many) == len(few)
