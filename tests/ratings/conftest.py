"""Fixtures: the cases world (tests/cases/conftest.py) with a completed case taken in at department A's
window, a running one, and a rating pad standing in A's hall."""

from __future__ import annotations

import pytest

from ..cases.conftest import case_world  # noqa: F401  (the fixture, shared)
from .factories import completed_case, running_case


@pytest.fixture
def done(case_world):  # noqa: F811
    return completed_case(case_world)


@pytest.fixture
def running(case_world):  # noqa: F811
    return running_case(case_world)
