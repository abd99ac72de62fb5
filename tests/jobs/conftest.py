"""Fixtures for the background-task suites: the database queue, and a worker run to the end."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django.test import override_settings

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "periodic"]}}


@pytest.fixture
def database_queue():
    """TASKS_BACKEND=database for the test: tasks wait in the database for ``work()``."""
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def work():
    """``work()`` runs ``manage.py db_worker`` over every queue until nothing is ready, as systemd
    would run it, then puts back the signal handlers it installs."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)
