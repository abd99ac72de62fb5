"""One write at a time, on SQLite too: retry a transaction that found the database locked.

PostgreSQL makes a second writer wait on the row lock (``select_for_update``). SQLite locks the
whole database; with a file database and ``transaction_mode="IMMEDIATE"`` a writer waits up to the
busy timeout, but a shared-cache database (the test suite's in-memory one) answers "database table
is locked" at once. A step that meets that lock is retried from the start, a few times with a short
back-off, so two clerks acting at once are served one after the other and the second sees the
first's result. Inside an outer transaction nothing is retried (the outer one must fail).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

LOCK_RETRIES = 8
T = TypeVar("T")


def retry_if_locked(func: Callable[..., T]) -> Callable[..., T]:
    """Run ``func`` in a transaction, again if SQLite reported the database locked."""
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> T:
        for attempt in range(LOCK_RETRIES):
            try:
                return atomic(*args, **kwargs)
            except OperationalError as error:
                outer = transaction.get_connection().in_atomic_block
                if "locked" not in str(error) or outer or attempt == LOCK_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper
