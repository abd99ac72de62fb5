"""Fixtures: departments A and B with a user per role, and one hall, window, notice, terminal
and feed of each department (no matters: the admin matrix does not need them)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from halls.models import Hall, Notice, Window
from permissions.roles import DISCLOSURE_EDITOR, SYSTEM_ADMINISTRATOR
from terminals.models import Feed, Terminal

from ..conftest import make_user
from ..factories import DepartmentFactory


@dataclass
class HallWorld:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)  # (model name, "own" | "other") -> record


def make_hall(department, code: str, name: str, **extra) -> Hall:
    return Hall.objects.create(
        department=department,
        code=code,
        name=name,
        level=extra.pop("level", "city"),
        address="示范市人民大道1号",
        hours="工作日 9:00-17:00",
        **extra,
    )


def make_records(department, suffix: str, tag: str) -> dict:
    hall = make_hall(department, f"hall-{suffix}", f"{tag}大厅")
    window = Window.objects.create(hall=hall, number="A01", name=f"{tag}综合窗口", kind="comprehensive")
    notice = Notice.objects.create(
        department=department,
        title=f"{tag}公告",
        text="大厅公告内容。",
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    notice.halls.set([hall])
    terminal = Terminal.objects.create(department=department, name=f"{tag}叫号机", kind="queue")
    feed = Feed.objects.create(department=department, slug=f"feed-{suffix}", title=f"{tag}订阅", source="matters")
    return {"hall": hall, "window": window, "notice": notice, "terminal": terminal, "feed": feed}


@pytest.fixture
def hall_world(db) -> HallWorld:
    """Departments A and B; owner and reviewer of A, owner of B, the disclosure office editor,
    the system administrator (group member, not superuser), a user with no department."""
    dept_a = DepartmentFactory(name="示范市甲局", short_name="甲局", slug="jia")
    dept_b = DepartmentFactory(name="示范市乙局", short_name="乙局", slug="yi")
    world = HallWorld(dept_a, dept_b)
    world.users = {
        "owner": make_user("owner_a", department=dept_a, role="owner"),
        "reviewer": make_user("reviewer_a", department=dept_a, role="reviewer"),
        "owner_b": make_user("owner_b", department=dept_b, role="owner"),
        "disclosure": make_user("disclosure", global_role=DISCLOSURE_EDITOR),
        "sysadmin": make_user("sysadmin", global_role=SYSTEM_ADMINISTRATOR),
        "nodept": make_user("nodept"),
    }
    for target, records in (("own", make_records(dept_a, "a", "甲局")), ("other", make_records(dept_b, "b", "乙局"))):
        for name, record in records.items():
            world.records[(name, target)] = record
    return world
