"""Fixtures: the ``org`` departments with a 10-day 承诺件 and a 即办件 of department A, a matter of B,
a hall of A with a comprehensive window staffed by a window clerk, and the 效能监察员."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ..halls.factories import HallFactory, WindowFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import UserFactory


@dataclass
class CaseWorld:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)
    windows: dict = field(default_factory=dict)


@pytest.fixture
def case_world(org) -> CaseWorld:
    world = CaseWorld(org.dept_a, org.dept_b, users=dict(org.users))
    world.matters = {
        "promised": MatterFactory(department=org.dept_a, name="甲局许可事项"),
        "immediate": MatterFactory(department=org.dept_a, name="甲局即办事项", immediate=True),
        "other": MatterFactory(department=org.dept_b, name="乙局许可事项"),
    }
    hall = HallFactory(department=org.dept_a, code="hall-a", name="甲局大厅")
    other_hall = HallFactory(department=org.dept_b, code="hall-b", name="乙局大厅")
    world.windows = {
        "own": WindowFactory(hall=hall, number="A01", name="综合受理窗口", comprehensive=True),
        "other": WindowFactory(hall=other_hall, number="B01", name="乙局综合窗口", comprehensive=True),
    }
    clerk = UserFactory(username="clerk_a", window_staff=True)
    world.windows["own"].staff.add(clerk)
    clerk_b = UserFactory(username="clerk_b", window_staff=True)
    world.windows["other"].staff.add(clerk_b)
    world.users.update(
        clerk=clerk,
        clerk_b=clerk_b,
        supervisor=UserFactory(username="supervisor", supervisor=True),
    )
    return world
