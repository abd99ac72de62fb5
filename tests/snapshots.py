"""Fixtures built once per test process and laid down again, row for row, for each test.

Building ``org`` through the factories costs most of a second (two departments: their role groups,
page sections with revisions, search and reference index rows, audit and history rows, six users);
some 1,600 tests ask for it, ~870 of them for ``world`` on top. A ``Snapshot`` builds it once, for
real, in a transaction of its own; reads back every row the build wrote or changed, table by table;
rolls the transaction back; and then, for each test, writes the same rows again with the same keys
in a few statements. The test sees exactly what a fresh build leaves (same keys, same values, the
factories' sequences where the build left them, its own deep copy of the returned objects), and
its own transaction takes the rows away afterwards.

It falls back to the real build when laying the rows down could differ from building them: in a
test without a transaction around it (``transactional_db``: the build's on-commit work would run),
or when the test wrote to one of the same tables before (a key could be taken, a tree path shift).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import factory
from django.db import connection, transaction

# SQLite's full-text index is kept by triggers on wagtailsearch_indexentry: its virtual table and
# the virtual table's own storage are written by those triggers, never directly.
_FTS_SUFFIXES = ("_fts", "_fts_data", "_fts_idx", "_fts_content", "_fts_docsize", "_fts_config")
# PostgreSQL types whose values go back in as text with a cast (type OID -> cast); JSON read back
# as Python objects (not through Django's text loader) is written out as JSON text first.
_CASTS = {114: "json", 3802: "jsonb", 3614: "tsvector"}
_JSON_CASTS = {"json", "jsonb"}


@dataclass
class _Table:
    columns: list[str]
    key: int | None  # position of the primary key column, None without one
    rows: dict  # key (or the whole row) -> row
    casts: dict[int, str] = field(default_factory=dict)

    def max_key(self):
        keys = [k for k in self.rows if k is not None] if self.key is not None else []
        return max(keys) if keys else None


@dataclass
class _Delta:
    table: str
    columns: list[str]
    key: int | None
    before_max: Any
    inserted: list[tuple]
    updated: list[tuple]  # (row before, row after)
    casts: dict[int, str]

    def marks(self, columns: list[int]) -> list[str]:
        return [f"%s::{self.casts[i]}" if i in self.casts else "%s" for i in columns]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> list[str]:
    names = connection.introspection.table_names(include_views=False)
    return sorted(n for n in names if not n.endswith(_FTS_SUFFIXES))


def _read(cursor, table: str, key_column: str | None) -> _Table:
    cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 (names from introspection, quoted)
    columns = [d[0] for d in cursor.description]
    types = [d[1] for d in cursor.description]
    casts = {i: _CASTS[t] for i, t in enumerate(types) if t in _CASTS}
    key = columns.index(key_column) if key_column in columns else None
    rows = {}
    for row in cursor.fetchall():
        rows[row[key] if key is not None else row] = row
    return _Table(columns, key, rows, casts)


def _read_all(keys: dict[str, str | None]) -> dict[str, _Table]:
    with connection.cursor() as cursor:
        return {table: _read(cursor, table, key) for table, key in keys.items()}


def _primary_keys() -> dict[str, str | None]:
    with connection.cursor() as cursor:
        return {t: connection.introspection.get_primary_key_column(cursor, t) for t in _tables()}


def _factory_classes(base=factory.base.BaseFactory):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _factory_classes(subclass)


def _sequences() -> dict[type, int]:
    return {
        f: f._meta._counter.seq
        for f in set(_factory_classes())
        if f._meta.counter_reference is f._meta and f._meta._counter is not None
    }


def _adapt(delta: _Delta, row: tuple) -> tuple:
    json_columns = [i for i, cast in delta.casts.items() if cast in _JSON_CASTS]
    if not json_columns:
        return row
    row = list(row)
    for i in json_columns:
        if row[i] is not None and not isinstance(row[i], str):
            row[i] = json.dumps(row[i])
    return tuple(row)


class Snapshot:
    """What ``build()`` writes to the database and returns, taken once and laid down per test."""

    def __init__(self, build: Callable[[], Any], *, on_top_of: Snapshot | None = None) -> None:
        self.build = build
        self.base = on_top_of
        self.deltas: list[_Delta] | None = None
        self.result: Any = None
        self.sequences: dict[type, int] = {}
        self.base_result: Any = None

    # ---- taking it (once per process, outside any test's transaction)
    def take(self) -> None:
        keys = _primary_keys()
        with transaction.atomic():
            base_result = self.base.lay_down() if self.base is not None else None
            before = _read_all(keys)
            self.result = self.build(base_result) if self.base is not None else self.build()
            after = _read_all(keys)
            self.sequences = _sequences()
            self.deltas = self._diff(before, after)
            self.result = copy.deepcopy(self.result)
            transaction.set_rollback(True)

    @staticmethod
    def _diff(before: dict[str, _Table], after: dict[str, _Table]) -> list[_Delta]:
        deltas = []
        for table, new in after.items():
            old = before[table]
            inserted = [row for k, row in new.rows.items() if k not in old.rows]
            updated = [(old.rows[k], row) for k, row in new.rows.items() if k in old.rows and old.rows[k] != row]
            if [k for k in old.rows if k not in new.rows]:
                raise RuntimeError(f"{table}: the build deleted rows, which a snapshot cannot lay down")
            if updated and new.key is None:
                raise RuntimeError(f"{table}: the build changed rows of a table without a primary key")
            if inserted or updated:
                deltas.append(_Delta(table, new.columns, new.key, old.max_key(), inserted, updated, new.casts))
        return deltas

    # ---- laying it down (once per test)
    def usable(self) -> bool:
        """Whether the rows can go in as the build wrote them: inside a transaction (on-commit work
        stays undone, as it does for a build in a test), and nothing written since to the same
        tables (the same keys and tree paths are free, the changed rows are as they were)."""
        if not connection.in_atomic_block:
            return False
        with connection.cursor() as cursor:
            for delta in self.deltas:
                if delta.key is None:
                    continue
                key = _quote(delta.columns[delta.key])
                cursor.execute(f"SELECT MAX({key}) FROM {_quote(delta.table)}")  # noqa: S608 (names from introspection, quoted)
                if cursor.fetchone()[0] != delta.before_max:
                    return False
                for old, _new in delta.updated:
                    cursor.execute(f"SELECT * FROM {_quote(delta.table)} WHERE {key} = %s", [old[delta.key]])  # noqa: S608 (names from introspection, quoted)
                    if cursor.fetchone() != old:
                        return False
        return True

    def lay_down(self) -> Any:
        """Write the build's rows (and its changes) and return a fresh copy of what it returned
        (a snapshot taken on top of another expects that one laid down first)."""
        with connection.cursor() as cursor:
            for delta in self.deltas:
                columns = ", ".join(_quote(c) for c in delta.columns)
                marks = ", ".join(delta.marks(list(range(len(delta.columns)))))
                if delta.inserted:
                    cursor.executemany(
                        f"INSERT INTO {_quote(delta.table)} ({columns}) VALUES ({marks})",  # noqa: S608 (names from introspection, quoted)
                        [_adapt(delta, row) for row in delta.inserted],
                    )
                if delta.updated:
                    key = delta.columns[delta.key]
                    others = [i for i in range(len(delta.columns)) if i != delta.key]
                    sets = ", ".join(
                        f"{_quote(delta.columns[i])} = {m}" for i, m in zip(others, delta.marks(others), strict=True)
                    )
                    cursor.executemany(
                        f"UPDATE {_quote(delta.table)} SET {sets} WHERE {_quote(key)} = %s",  # noqa: S608 (names from introspection, quoted)
                        [
                            [v for i, v in enumerate(_adapt(delta, new)) if i != delta.key] + [new[delta.key]]
                            for _old, new in delta.updated
                        ],
                    )
        for factory_class, seq in self.sequences.items():
            factory_class.reset_sequence(seq)
        return copy.deepcopy(self.result)
