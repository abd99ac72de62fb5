"""Fixtures: departments A and B with a user per role (``org``), and one hall, window, notice,
terminal and feed of each department (no matters: the admin matrix does not need them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from terminals.models import TerminalKind

from ..terminals.factories import FeedFactory, TerminalFactory
from .factories import HallFactory, NoticeFactory, WindowFactory


@dataclass
class HallWorld:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)  # (model name, "own" | "other") -> record


def records_of(department, suffix: str, tag: str) -> dict:
    """One record of each kind of ``department``, named after ``tag`` (甲局, 乙局)."""
    hall = HallFactory(department=department, code=f"hall-{suffix}", name=f"{tag}大厅", phone="")
    return {
        "hall": hall,
        "window": WindowFactory(hall=hall, number="A01", name=f"{tag}综合窗口", comprehensive=True),
        "notice": NoticeFactory(department=department, title=f"{tag}公告", text="大厅公告内容。", halls=[hall]),
        "terminal": TerminalFactory(department=department, name=f"{tag}叫号机", kind=TerminalKind.QUEUE),
        "feed": FeedFactory(department=department, slug=f"feed-{suffix}", title=f"{tag}订阅"),
    }


@pytest.fixture
def hall_world(org) -> HallWorld:
    """``org`` (departments A and B, a user per role) and the records of each department."""
    world = HallWorld(org.dept_a, org.dept_b, users=org.users)
    for target, records in (
        ("own", records_of(org.dept_a, "a", "甲局")),
        ("other", records_of(org.dept_b, "b", "乙局")),
    ):
        for name, record in records.items():
            world.records[(name, target)] = record
    return world
