"""Fixtures for the JSON API: an API client and terminals with keys (``terminal.api_key``)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ..terminals.factories import TerminalFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def kiosk(world):
    """A self-service kiosk of department A with a key and no scopes: it reads what is public."""
    return TerminalFactory(department=world.dept_a, with_key=True)


@pytest.fixture
def department_system(world):
    """The market-regulation-like department A's own system: may write A's matters."""
    return TerminalFactory(department=world.dept_a, department_system=True, with_key=True, name="甲局业务系统")


def key_header(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
