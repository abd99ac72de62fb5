"""The demo 预约 (``appointments.demo``) on the demo departments and halls, loaded twice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from appointments import demo as appointments_demo
from appointments import service
from appointments.models import Booking, BookingEvent, BookingSchedule, OutOfHoursRequest, ServiceGroup, SlotCounter
from appointments.pages import AppointmentIndexPage
from core.demo import DemoContext
from halls.demo import load_halls
from permissions import demo as permissions_demo

from ..factories import MatterFactory

pytestmark = pytest.mark.django_db
MODELS = (BookingSchedule, ServiceGroup, Booking, BookingEvent, SlotCounter, OutOfHoursRequest, AppointmentIndexPage)


def counts() -> dict:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


def test_demo_bookings_make_the_figures_meaningful_and_load_once():
    departments = permissions_demo._departments()
    admin = get_user_model().objects.create_superuser("admin", "admin@example.gov.cn", "x-Correct-Horse-42")
    context = DemoContext(departments=departments, admin=admin)
    for name in ("食品经营许可", "企业设立登记"):
        MatterFactory(department=departments["market"], name=name)
    MatterFactory(department=departments["health"], name="医师执业注册")
    load_halls(departments, admin)
    made = appointments_demo.load(context)
    assert made["预约设置"] >= 1 and made["预约分组"] >= 1 and made["预约服务页面"] == 1
    assert made["预约"] > 20 and made["爽约"] >= 3 and made["已签到"] > 5
    assert set(OutOfHoursRequest.objects.values_list("state", flat=True)) == {"pending", "confirmed", "declined"}
    # Counters equal the places held (booked, checked in, no-show), and one slot is full.
    for counter in SlotCounter.objects.select_related("group"):
        held = Booking.objects.filter(group=counter.group, date=counter.date, start=counter.start).exclude(
            state="cancelled"
        )
        assert counter.booked == held.count()
    assert any(c.booked >= c.group.capacity for c in SlotCounter.objects.select_related("group"))
    readme = service.find_booking(appointments_demo.DEMO_BOOKING_CODE, appointments_demo.DEMO_BOOKING_PHONE)
    assert readme is not None and readme.state == "booked"
    assert service.blocked_until(appointments_demo.DEMO_BLOCKED_PHONE) is not None
    assert service.find_request(appointments_demo.DEMO_REQUEST_CODE, "13700001111").state == "pending"
    before = counts()
    appointments_demo.load(context)
    assert counts() == before
