"""Real races for the tests: threads, each with its own connection and transaction, started at once.

The test runner's SQLite database is in memory with a shared cache, where a second writer gets
"database table is locked" at once instead of waiting; ``real_database`` (a fixture in
tests/conftest.py) therefore copies it to a file opened as ``cms/settings`` opens the site's database
(WAL, IMMEDIATE transactions, 20 s timeout) and points each thread at the copy. On PostgreSQL the
threads use the test database itself (row locks, unique constraints).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator

from django.db import connection, connections


def file_database(tmp_path) -> Iterator[Callable[[], None]]:
    """Yield ``use()``: point this thread's default connection at the shared database of the race."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield lambda: None
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections["default"]

    def use() -> None:
        wrapper = connections.create_connection("default")
        wrapper.settings_dict = {**wrapper.settings_dict, "NAME": str(path)}
        connections["default"] = wrapper  # thread-local: this thread only

    use()
    yield use
    connections["default"].close()
    connections["default"] = original


def race(
    target: Callable[[int], object], use_database: Callable[[], None], count: int, refused: type[Exception]
) -> tuple[list, list]:
    """Run ``target(i)`` in ``count`` threads released together; (outcomes, unexpected errors).

    An expected refusal (an instance of ``refused``) is an outcome like any other.
    """
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run(index):
        use_database()
        try:
            barrier.wait(timeout=20)
            outcome = target(index)
        except refused as error:
            outcome = error
        except BaseException as error:  # reported to the test
            with lock:
                errors.append(error)
            return
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
