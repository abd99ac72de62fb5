"""Fixtures: the ``org`` departments and roles (A's 内容维护员 and 审核员, B's 内容维护员), a second
审核员 of A, the 效能监察员, a public matter of A with its service guide, and the 政民互动 page."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from interaction.pages import InteractionIndexPage
from portal.models import HomePage

from ..guides.factories import GuidePageFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import UserFactory


@dataclass
class InteractionWorld:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)
    guide: object = None


@pytest.fixture
def iworld(org) -> InteractionWorld:
    world = InteractionWorld(org.dept_a, org.dept_b, users=dict(org.users))
    world.matters = {
        "own": MatterFactory(department=org.dept_a, name="甲局许可事项"),
        "other": MatterFactory(department=org.dept_b, name="乙局许可事项"),
    }
    world.users.update(
        reviewer2=UserFactory(username="reviewer2_a", reviewer_of=org.dept_a),
        reviewer_b=UserFactory(username="reviewer_b", reviewer_of=org.dept_b),
        supervisor=UserFactory(username="supervisor", supervisor=True),
    )
    return world


@pytest.fixture
def guide(iworld):
    iworld.guide = GuidePageFactory(matter=iworld.matters["own"])
    return iworld.guide


@pytest.fixture
def index_page(iworld) -> InteractionIndexPage:
    page = InteractionIndexPage(title="政民互动", slug="hudong")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page
