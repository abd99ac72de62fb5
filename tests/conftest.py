"""Fixtures: a small world of two departments, one user per role, and their matters; and a fresh
start for every test, whatever ran before it in this process."""

from __future__ import annotations

from dataclasses import dataclass, field

import factory
import pytest

from .matters.factories import MatterFactory
from .permissions.factories import DepartmentFactory, UserFactory


@dataclass
class World:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)


def _factories(base=factory.base.BaseFactory):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _factories(subclass)


@pytest.fixture(autouse=True)
def _fresh_sequences():
    """Each test numbers its records from 0 (``测试事项0``, ``dept0`` ...), as if it ran first."""
    for factory_class in set(_factories()):
        if factory_class._meta.counter_reference is factory_class._meta:
            factory_class.reset_sequence()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: Wagtail caches site root URLs, which tests change;
    the version tokens of ``core.cache`` (search vocabulary, the working-day calendar) start anew."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db) -> World:
    """Department A and B (both city level) and a user per role, nothing else.

    Roles: owner/reviewer of A, owner of B, the disclosure office editor, the system
    administrator (group, not superuser) and a user with no department at all.
    """
    dept_a = DepartmentFactory(name="示范市甲局", short_name="甲局", slug="jia")
    dept_b = DepartmentFactory(name="示范市乙局", short_name="乙局", slug="yi")
    users = {
        "owner": UserFactory(username="owner_a", owner_of=dept_a),
        "reviewer": UserFactory(username="reviewer_a", reviewer_of=dept_a),
        "owner_b": UserFactory(username="owner_b", owner_of=dept_b),
        "disclosure": UserFactory(username="disclosure", disclosure_editor=True),
        "sysadmin": UserFactory(username="sysadmin", system_administrator=True),
        "nodept": UserFactory(username="nodept"),
    }
    return World(dept_a, dept_b, users=users)


@pytest.fixture
def world(org) -> World:
    """``org`` with a live and a draft matter in each department."""
    org.matters = {
        "own": MatterFactory(department=org.dept_a, name="甲局在用事项"),
        "own_draft": MatterFactory(department=org.dept_a, name="甲局草稿事项", draft=True),
        "other": MatterFactory(department=org.dept_b, name="乙局在用事项"),
        "other_draft": MatterFactory(department=org.dept_b, name="乙局草稿事项", draft=True),
    }
    return org
