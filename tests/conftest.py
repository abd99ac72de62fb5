"""Fixtures: a small world of two departments, one user per role, and their matters."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group

from permissions.roles import DISCLOSURE_EDITOR, SYSTEM_ADMINISTRATOR

from .factories import DepartmentFactory, MatterFactory, MembershipFactory, UserFactory


@dataclass
class World:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)


def make_user(username: str, *, department=None, role=None, global_role=None):
    user = UserFactory(username=username)
    if department is not None:
        MembershipFactory(user=user, department=department, role=role)
    if global_role is not None:
        user.groups.add(Group.objects.get(name=global_role.name))
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: Wagtail caches site root URLs, which tests change."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    """Department A and B (both city level), a user per role, a live and a draft matter each.

    Roles: owner/reviewer of A, owner of B, the disclosure office editor, the system
    administrator (group, not superuser) and a user with no department at all.
    """
    dept_a = DepartmentFactory(name="示范市甲局", short_name="甲局", slug="jia")
    dept_b = DepartmentFactory(name="示范市乙局", short_name="乙局", slug="yi")
    w = World(dept_a, dept_b)
    w.users = {
        "owner": make_user("owner_a", department=dept_a, role="owner"),
        "reviewer": make_user("reviewer_a", department=dept_a, role="reviewer"),
        "owner_b": make_user("owner_b", department=dept_b, role="owner"),
        "disclosure": make_user("disclosure", global_role=DISCLOSURE_EDITOR),
        "sysadmin": make_user("sysadmin", global_role=SYSTEM_ADMINISTRATOR),
        "nodept": make_user("nodept"),
    }
    w.matters = {
        "own": MatterFactory(department=dept_a, name="甲局在用事项"),
        "own_draft": MatterFactory(department=dept_a, name="甲局草稿事项", published=False),
        "other": MatterFactory(department=dept_b, name="乙局在用事项"),
        "other_draft": MatterFactory(department=dept_b, name="乙局草稿事项", published=False),
    }
    return w
