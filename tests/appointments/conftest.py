"""Fixtures: department A's hall with two window groups (综合受理 for two places a slot, 专业 for
one), department B's hall with one group, a window clerk posted at A's hall, and the clock stopped
at Wednesday 2026-09-30 10:10 (the eve of 国庆/中秋: 1–7 October off, Saturday 10 October a
make-up working day)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from appointments import service
from appointments.models import BookingSchedule, ServiceGroup

from ..halls.factories import HallFactory, WindowFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import UserFactory

D = datetime.date
NOW = timezone.make_aware(datetime.datetime(2026, 9, 30, 10, 10))


@dataclass
class ApptWorld:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    halls: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)
    schedules: dict = field(default_factory=dict)


def make_schedule(hall, **values) -> BookingSchedule:
    values = {"sessions": "09:00-12:00，13:30-17:00", "slot_minutes": 30, "days_ahead": 14, **values}
    return BookingSchedule.objects.create(hall=hall, **values)


def make_group(hall, name: str, windows=(), matters=(), capacity: int = 2) -> ServiceGroup:
    group = ServiceGroup.objects.create(hall=hall, name=name, capacity=capacity)
    group.windows.set(windows)
    group.matters.set(matters)
    return group


@pytest.fixture
def clock(monkeypatch):
    """Stop the service's clock at NOW (``clock.set(dt)`` moves it)."""

    class Clock:
        at = NOW

        def set(self, value):
            self.at = value

    stopped = Clock()
    monkeypatch.setattr(service, "now", lambda: stopped.at)
    return stopped


@pytest.fixture
def appt(org, clock) -> ApptWorld:
    world = ApptWorld(org.dept_a, org.dept_b, users=dict(org.users))
    world.matters = {
        "licence": MatterFactory(department=org.dept_a, name="食品经营许可"),
        "change": MatterFactory(department=org.dept_a, name="营业执照变更登记"),
        "extra": MatterFactory(department=org.dept_a, name="档案查询"),
        "other": MatterFactory(department=org.dept_b, name="乙局许可事项"),
    }
    hall_a = HallFactory(department=org.dept_a, code="hall-a", name="甲局大厅")
    hall_b = HallFactory(department=org.dept_b, code="hall-b", name="乙局大厅")
    a01 = WindowFactory(
        hall=hall_a,
        number="A01",
        name="综合受理窗口",
        comprehensive=True,
        matters=[world.matters["licence"], world.matters["change"]],
    )
    a05 = WindowFactory(hall=hall_a, number="A05", name="市场监管窗口", matters=[world.matters["change"]])
    b01 = WindowFactory(hall=hall_b, number="B01", name="乙局窗口", matters=[world.matters["other"]])
    world.halls = {"a": hall_a, "b": hall_b}
    world.schedules = {"a": make_schedule(hall_a), "b": make_schedule(hall_b)}
    world.groups = {
        "a": make_group(hall_a, "综合受理", windows=[a01], matters=[world.matters["extra"]], capacity=2),
        "a_special": make_group(hall_a, "市场监管", windows=[a05], capacity=1),
        "b": make_group(hall_b, "乙局受理", windows=[b01], capacity=2),
    }
    clerk = UserFactory(username="clerk_a", window_staff=True)
    a01.staff.add(clerk)
    world.users.update(clerk=clerk, clerk_b=UserFactory(username="clerk_b", window_staff=True))
    b01.staff.add(world.users["clerk_b"])
    return world


PHONE = "13812345678"


def book(world, group="a", matter="licence", day=None, start="09:00", phone=PHONE, name="张三丰", at=None):
    """Book through the service (the clock's now unless ``at``)."""
    return service.book(
        group=world.groups[group],
        matter=world.matters[matter],
        day=day or D(2026, 10, 8),
        start=datetime.time.fromisoformat(start),
        name=name,
        phone=phone,
        at=at or service.now(),
    )
