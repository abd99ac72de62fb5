#!/usr/bin/env python
"""The upgrade check's snapshot of a database, and the comparison of two snapshots (.ci/upgrade-test).

    upgrade_snapshot.py snapshot --project DIR --out FILE [--reference OLD.json] [--allowances FILE]
    upgrade_snapshot.py compare OLD.json NEW.json [--allowances FILE] [--report FILE]

``snapshot`` sets Django up from the project tree DIR (settings from the environment, as manage.py
would read them) and records, as JSON:

* for every table the database has — found by introspection, not through the models, because a model
  may move to another app while its table stays — its columns, its row count, a digest of every row
  (all columns, values normalised to strings so that a driver's way of spelling a bool, a Decimal or
  a JSON document is not a change), a digest per column, and the row digests keyed by primary key
  (every row of tables up to ROW_LIMIT rows, else the first and last SAMPLE_ROWS);
* through the ORM of the code in DIR: the decrypted values of every encrypted field in the first and
  last rows of each model that has one, and whether the keyed hash stored beside it still matches;
  every content type and whether a model still answers to it; how many rows refer to each model
  through a content type (permissions, revisions, log entries, object permissions…); how many
  history rows each model's django-simple-history table holds; and what the first and last Wagtail
  revisions deserialise to.

It runs under the released code and under the new code alike (from this file in the new tree), so
it imports nothing of the project's own: it finds the models at run time and keys everything by
table name. With ``--reference`` (the old snapshot) it digests each old table's columns under their
possibly renamed names, so a column the upgrade adds is reported, not counted as a change.

``compare`` needs no Django: it prints one line per table (old count, new count, verdict), the
history and revision counts and the ORM checks, and exits 1 naming every table that lost or changed
rows. What an upgrade may change is listed in ``--allowances`` (.ci/upgrade-allowances.json).
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import hashlib
import json
import os
import sys
import uuid
from pathlib import Path

ROW_LIMIT = 20_000  # per-row digests kept for every row of tables up to this size
SAMPLE_ROWS = 20  # beyond it: the first and last rows by primary key
SAMPLE_ORM = 10  # encrypted fields and revisions: the first and last rows by primary key

# Tables that hold no data worth keeping across an upgrade.
IGNORED_TABLES = {"django_session", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
# Django's own bookkeeping grows with every release: new rows allowed, none lost or changed.
MAY_GROW = {
    "django_migrations": "one row per applied migration",
    "django_content_type": "one row per new model",
    "auth_permission": "new models' permissions",
}
# Compared by id and model: a model that moves to another app keeps its content type (renamed in
# place), which changes app_label. That a model still answers to it is checked separately.
MAY_CHANGE = {"django_content_type.app_label": "a model moved to another app (content type renamed in place)"}


# ---------------------------------------------------------------------------------------------
# normalising and digesting values


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def normalise(value):
    """One spelling per value, whatever the driver or column type returned (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, decimal.Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value // datetime.timedelta(microseconds=1))
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes | bytearray | memoryview):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict | list):
        return canonical_json(value)
    if isinstance(value, str):
        # JSON in a text column (SQLite) and in jsonb (PostgreSQL, keys reordered) read the same.
        if value[:1] in ("{", "["):
            try:
                return canonical_json(json.loads(value))
            except ValueError:
                pass
        return value
    return str(value)


def row_digest(values: list) -> str:
    return hashlib.sha256(canonical_json(values).encode()).hexdigest()[:16]


def row_key(values: list) -> str:
    """A primary key as a string: the value itself, or a JSON list for a composite key."""
    return values[0] if len(values) == 1 else canonical_json(values)


# ---------------------------------------------------------------------------------------------
# allowances


def load_allowances(path: str | None) -> dict:
    data = json.loads(Path(path).read_text()) if path else {}
    allowances = {
        "tables": dict(data.get("tables", {})),  # renamed: old table -> new table
        "columns": dict(data.get("columns", {})),  # renamed: "old_table.old_column" -> new column
        "may_grow": {**MAY_GROW, **data.get("may_grow", {})},  # table -> why
        "may_change": {**MAY_CHANGE, **data.get("may_change", {})},  # "old_table.column" -> why
        "dropped": dict(data.get("dropped", {})),  # old table -> why
    }
    return allowances


# ---------------------------------------------------------------------------------------------
# snapshot (runs under Django, old or new code)


def setup_django(project: Path) -> None:
    sys.path.insert(0, str(project))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()


def ignored_tables(connection) -> set[str]:
    from django.conf import settings

    ignored = set(IGNORED_TABLES)
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            ignored.add(cache["LOCATION"])
    if connection.vendor == "sqlite":
        # An FTS5 index keeps its data in shadow tables; its content is read through the index itself.
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
            for (name,) in cursor.fetchall():
                ignored.update(f"{name}_{shadow}" for shadow in ("data", "idx", "docsize", "config", "content"))
    return ignored


def snapshot_table(connection, table: str, columns: list[str], digested: list[str], keep_keys: set[str]) -> dict:
    """Count and digest ``table``: row digests over ``digested``, column digests over ``columns``."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        try:
            pk = list(connection.introspection.get_primary_key_columns(cursor, table) or [])
        except Exception:  # e.g. a virtual table
            pk = []
        selected = columns + [column for column in pk if column not in columns]
        order = ", ".join(quote(column) for column in pk) if pk else ", ".join(str(i + 1) for i in range(len(selected)))
        cursor.execute(f"SELECT {', '.join(quote(c) for c in selected)} FROM {quote(table)} ORDER BY {order}")  # noqa: S608 (table and column names from the schema, quoted; no user input)
        index = {column: i for i, column in enumerate(selected)}
        digested_at = [index[column] for column in digested]
        pk_at = [index[column] for column in pk]
        table_hash = hashlib.sha256()
        column_hashes = {column: hashlib.sha256() for column in columns}
        rows: dict[str, str] = {}
        head: list[tuple[str, str]] = []
        tail: list[tuple[str, str]] = []
        count = 0
        while batch := cursor.fetchmany(2000):
            for raw in batch:
                values = [normalise(value) for value in raw]
                digest = row_digest([values[i] for i in digested_at])
                table_hash.update(digest.encode())
                for column in columns:
                    column_hashes[column].update(canonical_json(values[index[column]]).encode() + b"\n")
                count += 1
                if not pk:
                    continue
                key = row_key([values[i] for i in pk_at])
                if count <= ROW_LIMIT or key in keep_keys:
                    rows[key] = digest
                if len(head) < SAMPLE_ROWS:
                    head.append((key, digest))
                tail = [*tail[-(SAMPLE_ROWS - 1) :], (key, digest)]
    complete = bool(pk) and count <= ROW_LIMIT
    if pk and not complete:  # a large table: the first and last rows, and those the reference kept
        rows = {key: digest for key, digest in rows.items() if key in keep_keys}
        rows.update(dict(head + tail))
    return {
        "pk": pk,
        "count": count,
        "digest": table_hash.hexdigest()[:32],
        "column_digests": {column: h.hexdigest()[:16] for column, h in column_hashes.items()},
        "digested_columns": digested,
        "rows": rows,
        "rows_complete": complete,
    }


def snapshot_tables(connection, reference: dict | None, allowances: dict) -> dict:
    renamed_tables = allowances["tables"]
    renamed_columns = allowances["columns"]
    may_change = allowances["may_change"]
    old_name_of = {new: old for old, new in renamed_tables.items()}
    ignored = ignored_tables(connection)
    result = {"ignored": [], "tables": {}}
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
    quote = connection.ops.quote_name
    for table in names:
        if table in ignored:
            result["ignored"].append(table)
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")  # noqa: S608 (table and column names from the schema, quoted; no user input)
            present = [column[0] for column in cursor.description]
        old_table = old_name_of.get(table, table)
        old = (reference or {}).get("tables", {}).get(old_table)
        if old is not None:
            # The old columns under their new names, in the old order; the old names are kept as labels.
            wanted = [(c, renamed_columns.get(f"{old_table}.{c}", c)) for c in old["columns"]]
            columns = [new for _, new in wanted if new in present]
            missing = [old_c for old_c, new in wanted if new not in present]
            added = [c for c in present if c not in {new for _, new in wanted}]
            label = {new: old_c for old_c, new in wanted}
        else:
            columns, missing, added, label = present, [], [], {c: c for c in present}
        digested = [c for c in columns if f"{old_table}.{label[c]}" not in may_change]
        keep = set(old["rows"]) if old is not None and not old["rows_complete"] else set()
        entry = snapshot_table(connection, table, columns, digested, keep)
        # Labels are the old column names, so both snapshots' digests line up.
        entry["column_digests"] = {label[c]: d for c, d in entry["column_digests"].items()}
        entry["digested_columns"] = [label[c] for c in digested]
        entry["columns"] = [label[c] for c in columns] + added
        entry["missing_columns"] = missing
        entry["added_columns"] = added
        result["tables"][table] = entry
    return result


def content_types() -> dict:
    from django.contrib.contenttypes.models import ContentType

    return {
        str(ct.id): {"app_label": ct.app_label, "model": ct.model, "stale": ct.model_class() is None}
        for ct in ContentType.objects.order_by("id")
    }


def model_table_of_content_types() -> dict[int, str]:
    """Content type id -> the table of the model it answers to ("(no model) app.model" if none)."""
    from django.contrib.contenttypes.models import ContentType

    tables = {}
    for ct in ContentType.objects.all():
        model = ct.model_class()
        tables[ct.id] = model._meta.db_table if model is not None else f"(no model) {ct.app_label}.{ct.model}"
    return tables


def content_type_references() -> dict:
    """Rows that point at a model through a content type, per (table.column, model's table)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    table_of = model_table_of_content_types()
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is ContentType):
                continue
            grouped = model._base_manager.values_list(field.attname).annotate(n=Count("pk")).order_by()
            for ct_id, n in grouped:
                if ct_id is None:
                    continue
                key = f"{model._meta.db_table}.{field.column} -> {table_of.get(ct_id, f'(missing) {ct_id}')}"
                counts[key] = counts.get(key, 0) + n
    return dict(sorted(counts.items()))


def history_counts() -> dict:
    """django-simple-history: the model's table -> [its history table, rows the ORM reads there]."""
    from django.apps import apps

    result = {}
    for model in apps.get_models(include_auto_created=True):
        tracked = getattr(model, "instance_type", None)  # set on simple-history's historical models
        if not isinstance(tracked, type):
            continue
        result[tracked._meta.db_table] = [model._meta.db_table, model._base_manager.count()]
    return dict(sorted(result.items()))


def first_and_last(queryset, n: int):
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:n])
    ids += list(queryset.order_by("-pk").values_list("pk", flat=True)[:n])
    return sorted(set(ids))


def encrypted_samples() -> dict:
    """Decrypted values of every encrypted field, first and last rows of each model that has one."""
    from django.apps import apps

    result = {}
    for model in apps.get_models():
        fields = [
            f for f in model._meta.concrete_fields if any(c.__name__.startswith("Encrypted") for c in type(f).__mro__)
        ]
        if not fields:
            continue
        module = sys.modules[type(fields[0]).__module__]
        keyed_hash = getattr(module, "keyed_hash", None)
        try:  # what the codec answers for a token it cannot decrypt (a marker, or an exception)
            marker = module.decrypt("not-a-token") if hasattr(module, "decrypt") else None
        except Exception:
            marker = None
        names = {f.name for f in model._meta.concrete_fields}
        hashed = [f for f in fields if f"{f.name}_hash" in names]
        manager = model._base_manager
        pks = first_and_last(manager, SAMPLE_ORM)
        columns = [f.attname for f in fields] + [f"{f.name}_hash" for f in hashed]
        rows, hash_mismatch = {}, []
        for pk, *values in manager.filter(pk__in=pks).order_by("pk").values_list("pk", *columns):
            plain = dict(zip([f.name for f in fields], values[: len(fields)], strict=True))
            stored_hashes = dict(zip([f.name for f in hashed], values[len(fields) :], strict=True))
            rows[str(pk)] = plain
            if keyed_hash is not None:
                for name, stored in stored_hashes.items():
                    if (stored or "") != keyed_hash(plain[name] or ""):
                        hash_mismatch.append(f"{pk}.{name}")
        result[model._meta.db_table] = {
            "fields": [f.name for f in fields],
            "hashed": [f.name for f in hashed],
            "undecryptable": marker,
            "rows": rows,
            "hash_mismatch": hash_mismatch,
        }
    return dict(sorted(result.items()))


def revision_samples() -> dict:
    """What the first and last Wagtail revisions deserialise to: [model's table, pk, str]."""
    try:
        from wagtail.models import Revision
    except ImportError:
        return {}
    result = {}
    for revision in Revision.objects.filter(pk__in=first_and_last(Revision.objects.all(), SAMPLE_ORM)):
        try:
            obj = revision.as_object()
            result[str(revision.pk)] = [obj._meta.db_table, str(obj.pk), str(obj)]
        except Exception as error:
            result[str(revision.pk)] = ["error", type(error).__name__, str(error)[:200]]
    return dict(sorted(result.items(), key=lambda item: int(item[0])))


def snapshot(args) -> int:
    project = Path(args.project).resolve()
    setup_django(project)
    from django.db import connection

    reference = json.loads(Path(args.reference).read_text()) if args.reference else None
    allowances = load_allowances(args.allowances)
    data = {
        "project": str(project),
        "vendor": connection.vendor,
        **snapshot_tables(connection, reference, allowances),
        "content_types": content_types(),
        "content_type_references": content_type_references(),
        "history": history_counts(),
        "encrypted": encrypted_samples(),
        "revisions": revision_samples(),
    }
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    rows = sum(t["count"] for t in data["tables"].values())
    print(f"snapshot of {len(data['tables'])} tables, {rows} rows ({connection.vendor}, code in {project})")
    return 0


# ---------------------------------------------------------------------------------------------
# compare (no Django)


def mask(value: str) -> str:
    value = value or ""
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)


def shorten(keys, limit: int = 8) -> str:
    keys = sorted(keys, key=lambda k: (len(k), k))
    text = ", ".join(keys[:limit])
    return text + (f", … ({len(keys)} in all)" if len(keys) > limit else "")


class Comparison:
    def __init__(self, old: dict, new: dict, allowances: dict):
        self.old, self.new, self.allow = old, new, allowances
        self.problems: list[tuple[str, str]] = []  # (where, what)
        self.notes: list[str] = []
        self.lines: list[tuple[str, str, str, str]] = []  # table, old count, new count, verdict

    def problem(self, where: str, what: str) -> None:
        self.problems.append((where, what))

    # ---- tables
    def tables(self) -> None:
        old_tables, new_tables = self.old["tables"], self.new["tables"]
        renamed = self.allow["tables"]
        seen_new = set()
        for table in sorted(old_tables):
            o = old_tables[table]
            new_name = renamed.get(table, table)
            label = table if new_name == table else f"{table} -> {new_name}"
            n = new_tables.get(new_name)
            if n is None:
                if table in self.allow["dropped"]:
                    self.lines.append(
                        (label, str(o["count"]), "-", f"dropped (allowed: {self.allow['dropped'][table]})")
                    )
                else:
                    self.lines.append((label, str(o["count"]), "-", "LOST: table is gone"))
                    self.problem(table, f"the table is gone ({o['count']} rows)")
                continue
            seen_new.add(new_name)
            verdict = self.table(table, o, n)
            self.lines.append((label, str(o["count"]), str(n["count"]), verdict))
        for table in sorted(set(new_tables) - seen_new):
            self.lines.append((table, "-", str(new_tables[table]["count"]), "new table"))
        for table in sorted(set(self.old.get("ignored", [])) | set(self.new.get("ignored", []))):
            self.lines.append((table, "", "", "ignored (not data)"))

    def table(self, table: str, o: dict, n: dict) -> str:
        faults = []
        if n["missing_columns"]:
            faults.append(f"columns gone: {', '.join(n['missing_columns'])}")
        grows = table in self.allow["may_grow"]
        old_rows, new_rows = o["rows"], n["rows"]
        lost = [k for k in old_rows if k not in new_rows]
        changed = [k for k in old_rows if k in new_rows and new_rows[k] != old_rows[k]]
        if n["count"] < o["count"] or (not grows and n["count"] != o["count"]):
            faults.append(f"{o['count']} rows before, {n['count']} after")
        if lost:
            faults.append(f"rows lost: {'/'.join(o['pk'])} {shorten(lost)}")
        if changed and not n["missing_columns"]:  # else every row changed: the column is gone
            faults.append(f"rows changed: {'/'.join(o['pk'])} {shorten(changed)}")
        same_rows = n["count"] == o["count"] and not lost
        if not grows and n["digest"] != o["digest"] and same_rows:
            columns = [
                c
                for c in o["column_digests"]
                if c in n["column_digests"]
                and n["column_digests"][c] != o["column_digests"][c]
                and f"{table}.{c}" not in self.allow["may_change"]
            ]
            if columns:
                faults.append(f"values changed in column(s) {', '.join(columns)}")
            if not (changed or columns or n["missing_columns"]):
                faults.append("rows differ (outside the sampled rows)")
        if faults:
            self.problem(table, "; ".join(faults))
            return "CHANGED: " + faults[0]
        verdict = "same"
        if n["count"] > o["count"]:
            verdict = f"grew by {n['count'] - o['count']} (allowed: {self.allow['may_grow'][table]})"
        if grows and not o["rows_complete"] and o["pk"]:
            self.notes.append(f"{table}: only the sampled rows were compared ({o['count']} rows)")
        if n["added_columns"]:
            verdict += f"; new column(s) {', '.join(n['added_columns'])}"
        return verdict

    # ---- the ORM checks
    def content_types(self) -> None:
        old, new = self.old["content_types"], self.new["content_types"]
        for ct_id, o in old.items():
            n = new.get(ct_id)
            if n is None or o["stale"] or not n["stale"]:
                continue  # a lost row is reported with django_content_type
            twin = [i for i, c in new.items() if c["model"] == o["model"] and not c["stale"] and i not in old]
            hint = (
                f"; content type {twin[0]} ({new[twin[0]]['app_label']}.{o['model']}) was created instead: "
                "rename the content type in place when the model moves (docs/upgrades.md)"
                if twin
                else ""
            )
            self.problem(
                "django_content_type",
                f"content type {ct_id} ({n['app_label']}.{n['model']}) no longer matches a model{hint}",
            )

    def references(self) -> None:
        old, new = self.old["content_type_references"], self.new["content_type_references"]
        renamed = self.allow["tables"]

        def rename(key: str) -> str:
            source, target = key.split(" -> ", 1)
            table, column = source.rsplit(".", 1)
            return f"{renamed.get(table, table)}.{column} -> {renamed.get(target, target)}"

        for key, count in old.items():
            now = new.get(rename(key), 0)
            if now < count:
                self.problem("content types", f"{key}: {count} rows before, {now} after")

    def history(self) -> None:
        old, new = self.old["history"], self.new["history"]
        renamed = self.allow["tables"]
        for tracked, (history_table, count) in old.items():
            now = new.get(renamed.get(tracked, tracked))
            if now is None:
                if tracked not in self.allow["dropped"]:
                    self.problem(history_table, f"the history of {tracked} is no longer tracked ({count} rows)")
            elif now[1] != count:
                self.problem(
                    history_table,
                    f"history of {tracked}: {count} rows before (in {history_table}), {now[1]} after (in {now[0]})",
                )

    def encrypted(self) -> None:
        old, new = self.old["encrypted"], self.new["encrypted"]
        for table, o in old.items():
            n = new.get(self.allow["tables"].get(table, table))
            if n is None:
                self.problem(table, "its encrypted fields are no longer found through the ORM")
                continue
            if not o["rows"]:
                continue
            bad_old = [f"{pk}.{f}" for pk, row in o["rows"].items() for f, v in row.items() if v == o["undecryptable"]]
            if bad_old:
                self.problem(table, f"the released code cannot decrypt {shorten(bad_old)} (test set-up: keys?)")
            bad = [f"{pk}.{f}" for pk, row in n["rows"].items() for f, v in row.items() if v == n["undecryptable"]]
            if bad:
                self.problem(table, f"cannot decrypt {shorten(bad)} after the upgrade (key or codec changed?)")
            differ = [
                f"{pk}.{f}"
                for pk, row in o["rows"].items()
                for f, v in row.items()
                if n["rows"].get(pk, {}).get(f) != v
            ]
            if differ and not bad:
                self.problem(table, f"decrypted values differ after the upgrade: {shorten(differ)}")
            if n["hash_mismatch"]:
                self.problem(table, f"keyed hashes no longer match the values: {shorten(n['hash_mismatch'])}")
            if not (bad or differ or n["hash_mismatch"]):
                first_pk = next(iter(o["rows"]))
                example = ", ".join(f"{f}={mask(v)}" for f, v in o["rows"][first_pk].items())
                hashes = f"; keyed hashes of {', '.join(o['hashed'])} match" if o["hashed"] else ""
                self.notes.append(
                    f"encrypted {table}: {len(o['rows'])} rows decrypt to the same values "
                    f"(#{first_pk}: {example}){hashes}"
                )

    def revisions(self) -> None:
        old, new = self.old["revisions"], self.new["revisions"]
        renamed = self.allow["tables"]
        differ = []
        for pk, o in old.items():
            n = new.get(pk)
            expected = [renamed.get(o[0], o[0]), *o[1:]]
            if n != expected:
                differ.append(f"{pk}: {o} before, {n} after")
        for line in differ:
            self.problem("wagtailcore_revision", f"revision {line}")
        if old and not differ:
            self.notes.append(f"revisions: {len(old)} sampled revisions deserialise to the same objects")

    # ---- the report
    def report(self) -> str:
        out = []
        width = max(len(line[0]) for line in self.lines) if self.lines else 10
        out.append(f"{'table':<{width}}  {'before':>7}  {'after':>7}  verdict")
        out.extend(f"{t:<{width}}  {o:>7}  {n:>7}  {v}" for t, o, n, v in self.lines)
        out.append("")
        out.append("history and revisions:")
        old_t, new_t = self.old["tables"], self.new["tables"]
        for table in sorted(old_t):
            if table in ("wagtailcore_revision", "wagtailcore_modellogentry", "wagtailcore_pagelogentry") or (
                "historical" in table
            ):
                now = new_t.get(self.allow["tables"].get(table, table), {}).get("count", "-")
                out.append(f"  {table:<{width - 2}}  {old_t[table]['count']:>7}  {now:>7}")
        references = self.new["content_type_references"]
        out.append(
            f"  rows attached to models through content types: {sum(self.old['content_type_references'].values())} "
            f"before, {sum(references.values())} after"
        )
        out.append("")
        out.extend(f"ok: {note}" for note in self.notes)
        out.append("")
        if self.problems:
            out.append(f"FAILED: {len(self.problems)} problem(s) — the upgrade loses or changes data:")
            out.extend(f"  {where}: {what}" for where, what in self.problems)
        else:
            tables = len(self.old["tables"])
            rows = sum(t["count"] for t in self.old["tables"].values())
            out.append(f"OK: all {tables} tables ({rows} rows) are still there, unchanged.")
        return "\n".join(out)


def compare(args) -> int:
    old = json.loads(Path(args.old).read_text())
    new = json.loads(Path(args.new).read_text())
    comparison = Comparison(old, new, load_allowances(args.allowances))
    comparison.tables()
    comparison.content_types()
    comparison.references()
    comparison.history()
    comparison.encrypted()
    comparison.revisions()
    report = comparison.report()
    if args.report:
        Path(args.report).write_text(report + "\n")
    else:
        print(report)
    return 1 if comparison.problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    snap = commands.add_parser("snapshot", help="snapshot the database the environment points at")
    snap.add_argument("--project", required=True, help="the project tree whose code and settings to use")
    snap.add_argument("--out", required=True)
    snap.add_argument("--reference", help="the old snapshot: digest its columns, keep its sampled rows")
    snap.add_argument("--allowances", help="what the upgrade may change (.ci/upgrade-allowances.json)")
    snap.set_defaults(run=snapshot)
    comp = commands.add_parser("compare", help="compare two snapshots; exit 1 if anything was lost or changed")
    comp.add_argument("old")
    comp.add_argument("new")
    comp.add_argument("--allowances")
    comp.add_argument("--report", help="write the report here instead of printing it")
    comp.set_defaults(run=compare)
    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
