"""Fixtures for the JSON API: an API client and terminals with keys."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.scopes import READ_DRAFTS
from matters.api import WRITE_MATTERS
from terminals.models import Terminal, TerminalKind
from terminals.service import issue_key, sync_service_user


@pytest.fixture
def api():
    return APIClient()


def make_terminal(department, *, kind=TerminalKind.KIOSK, scopes=(), name="测试终端", active=True) -> tuple:
    """A terminal of ``department`` with ``scopes`` and one fresh key; returns (terminal, key)."""
    terminal = Terminal.objects.create(
        name=name, kind=kind, department=department, scopes=list(scopes), is_active=active
    )
    sync_service_user(terminal)
    terminal.refresh_from_db()
    return terminal, issue_key(terminal, "测试密钥")


@pytest.fixture
def kiosk(world):
    return make_terminal(world.dept_a)


@pytest.fixture
def department_system(world):
    """The market-regulation-like department A's own system: may write A's matters."""
    return make_terminal(
        world.dept_a,
        kind=TerminalKind.DEPARTMENT_SYSTEM,
        scopes=[WRITE_MATTERS.value, READ_DRAFTS.value],
        name="甲局业务系统",
    )


def key_header(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
