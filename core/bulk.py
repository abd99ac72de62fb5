"""Inserting many rows that nobody reads back (link rows, log entries, index rows) cheaply.

``QuerySet.bulk_create`` builds a model instance per row and compiles every value of every row
into one long SQL statement per batch (on SQLite at most 999 parameters, some 25 rows of a wide
model): for the tens of thousands of rows a 10,000-matter import writes, that was a third of its
CPU. ``insert_rows`` takes plain values, prepares each with its field (``get_db_prep_save``, as
Django's compiler does) and sends one single-row ``INSERT`` through ``executemany``: the
database driver repeats it in C (SQLite) or pipelines it (psycopg 3).

Like ``bulk_create`` it sends no signals and calls no ``save()``; unlike it, the primary keys
are not returned, so it is for rows whose ids the caller does not need.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connections, models, router
from django.db.models.constants import OnConflict
from django.utils import timezone

BATCH = 5000


def insert_rows(model, rows: Iterable[Mapping[str, object]], *, ignore_conflicts: bool = False) -> int:
    """INSERT one row per mapping of field attnames (``matter_id``, not ``matter``) to Python
    values (``vars(instance)`` of an unsaved instance will do); a field left out gets its default,
    and ``auto_now``/``auto_now_add`` fields left out or ``None`` get now. With
    ``ignore_conflicts`` rows that break a unique constraint are skipped, as ``bulk_create(...,
    ignore_conflicts=True)`` does. Returns how many rows were sent."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if f is not opts.auto_field]  # the database numbers the rows
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = lambda now=now: now
        elif f.has_default() and callable(f.default):
            defaults[f.attname] = f.default  # called for each row (uuid4, dict …)
        else:
            value = f.get_default()
            defaults[f.attname] = lambda value=value: value
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    ops = connection.ops
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=on_conflict),
        ops.quote_name(opts.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or "",
    ).rstrip()
    prepared = [(f.attname, f, defaults[f.attname], _unchanged_types(f)) for f in fields]
    stamped = {name for name, f, _, _ in prepared if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    count = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    value if type(value) in plain else f.get_db_prep_save(value, connection)
                    for name, f, default, plain in prepared
                    for value in (
                        row[name] if name in row and not (name in stamped and row[name] is None) else default(),
                    )
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


_TEXT = (models.CharField, models.TextField, models.SlugField)
_INTEGER = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)


def _unchanged_types(field) -> frozenset[type]:
    """The value types ``field.get_db_prep_save`` hands back as they are: a ``str`` for text, an
    ``int`` for integers and keys to them, a ``bool`` for booleans, ``None`` for all of these.
    Only Django's own classes (a subclass may encrypt or convert); the rest (dates, JSON,
    decimals, UUIDs …) always go through the field."""
    target = field
    if field.is_relation:
        if (
            not isinstance(field, models.ForeignKey)
            or type(field).get_db_prep_save is not models.ForeignKey.get_db_prep_save
        ):
            return frozenset()
        target = field.target_field
    kind = type(target)
    if kind in _TEXT:
        return frozenset({str, type(None)})
    if kind in _INTEGER:
        return frozenset({int, type(None)})
    if kind is models.BooleanField:
        return frozenset({bool, type(None)})
    return frozenset()
