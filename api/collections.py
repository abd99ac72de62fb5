"""The API's collections: one version counter each, clock transitions, and tombstones.

Every change a terminal could see bumps its collection's version in the same transaction as
the change (signals below), so ETags are answered from one row and never go stale. Some
changes happen by the clock alone (a notice's validity window, a scheduled go-live, a planned
cancellation): each collection knows the next such moment, responses are never cached past
it, and the first request after it bumps the version.

With a cache shared by every process (``settings.API_SHARED_CACHE``: Redis, Memcached) the rows
are also kept there, so a revalidation costs no SQL query: a bump writes the committed row to the
cache after the transaction commits (``transaction.on_commit``; a rolled-back bump never reaches
it), a missing entry is read from the database and put back, and an entry whose clock transition
is due (or unknown) is answered by the database path above. A per-process cache never holds them
for long: under several gunicorn workers one worker would keep a version another worker bumped.

Either way each process keeps the committed rows it read for ``API_VERSIONS_LOCAL_SECONDS`` (1 s
by default; 0 turns it off), which spares most 304s their one round trip (to Redis, or the one
query): another process's change then reaches a poll here up to that much later (nginx's cache of
public responses holds them for ``API_CACHE_MAX_AGE``, 60 s, already); this process's own commits
drop the copy at once, and a clock transition falling due is still seen at once (checked on
every read).

Tombstones: deletions and page withdrawals are written here as they happen; other
withdrawals (a matter cancelled, a hall deactivated, a notice expired) are derived from the
records themselves by each resource (``api.resources``).

The API knows no domain: each domain's ``api.py`` registers its collections (``register``) and
says which of its models feed them (``track``, ``track_pages``, ``track_revisions``,
``track_records_changed``); ``connect`` (from ``ApiConfig.ready``) wires the shared signals once.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from core.cache import UNREACHABLE

from .models import CollectionVersion, Tombstone, TombstoneReason

logger = logging.getLogger(__name__)

Transitions = Callable[[datetime.datetime], "datetime.datetime | None"]


@dataclass(frozen=True)
class Collection:
    name: str
    label: str
    transitions: Transitions | None = None


REGISTRY: dict[str, Collection] = {}


def register(name: str, label: str, transitions: Transitions | None = None) -> Collection:
    collection = Collection(name, label, transitions)
    REGISTRY[name] = collection
    return collection


# ---- versions ------------------------------------------------------------------------------


def _ensure_rows(names: Iterable[str]) -> None:
    now = timezone.now()
    CollectionVersion.objects.bulk_create(
        [CollectionVersion(name=n, version=1, changed_at=now) for n in names], ignore_conflicts=True
    )


def bump(*names: str) -> None:
    """Record that these collections changed now (call inside the writing transaction)."""
    now = timezone.now()
    for name in names:
        updated = CollectionVersion.objects.filter(name=name).update(
            version=F("version") + 1, changed_at=now, transition_checked=False
        )
        if not updated:
            try:
                with transaction.atomic():
                    CollectionVersion.objects.create(name=name, version=1, changed_at=now)
            except IntegrityError:  # created meanwhile by another writer
                CollectionVersion.objects.filter(name=name).update(version=F("version") + 1, changed_at=now)
    _after_commit(names)


# ---- the shared copy (API_SHARED_CACHE) ----------------------------------------------------

# A backstop only: entries are replaced on every committed bump; this bounds how long a copy
# could outlive a lost write (a cache entry evicted between a reader's read and its refill).
SHARED_SECONDS = 600
_FIELDS = ("version", "changed_at", "next_transition_at", "transition_checked")


def _shared_key(name: str) -> str:
    return f"api:cv:{name}"


def _entry(row: CollectionVersion) -> tuple:
    return tuple(getattr(row, field) for field in _FIELDS)


def _from_entry(name: str, entry: tuple) -> CollectionVersion:
    return CollectionVersion(name=name, **dict(zip(_FIELDS, entry, strict=True)))


def publish(names: Iterable[str]) -> None:
    """Copy the committed rows of these collections to the shared cache (after a commit).

    Read, write, read again: two writers committing one after the other may write in the other
    order, so a writer whose copy is no longer the database's writes again (the last write of
    all then carries the last commit).
    """
    forget_local_copies()
    names = sorted(set(names))
    try:
        for _attempt in range(3):
            rows = {row.name: _entry(row) for row in CollectionVersion.objects.filter(name__in=names)}
            cache.set_many({_shared_key(n): e for n, e in rows.items()}, SHARED_SECONDS)
            again = {row.name: _entry(row) for row in CollectionVersion.objects.filter(name__in=names)}
            if again == rows:
                return
        cache.delete_many([_shared_key(n) for n in names])  # still moving: readers use the database
    except UNREACHABLE:
        logger.warning("cache unreachable: API versions of %s not published", names, exc_info=True)


class _Pending(threading.local):
    def __init__(self) -> None:
        self.names: set[str] = set()


_pending = _Pending()


def _committed() -> None:
    names, _pending.names = _pending.names, set()
    if names:
        forget_local_copies()
        if settings.API_SHARED_CACHE:
            publish(names)


def _after_commit(names: Iterable[str]) -> None:
    """After the commit, drop this process's copies and publish the rows to the shared cache; the
    first callback does it for all the transaction bumped, the others (an import saves thousands
    of rows) find nothing left and cost nothing."""
    _pending.names.update(names)
    transaction.on_commit(_committed)


def _is_due(name: str, entry: tuple, now: datetime.datetime) -> bool:
    """The copy cannot answer: the collection's clock transition has passed or is not known yet."""
    collection = REGISTRY.get(name)
    if collection is None or collection.transitions is None:
        return False
    _version, _changed_at, next_transition_at, transition_checked = entry
    return not transition_checked or (next_transition_at is not None and next_transition_at <= now)


# names → (monotonic expiry, rows): what this process last read, by whichever path.
_local_copies: dict[tuple[str, ...], tuple[float, dict[str, CollectionVersion]]] = {}


def forget_local_copies() -> None:
    """Drop what this process keeps of the versions (after its own commit; tests)."""
    _local_copies.clear()


def _local_rows(key: tuple[str, ...]) -> dict[str, CollectionVersion] | None:
    """This process's copy while it is young and no clock transition in it has fallen due."""
    local = _local_copies.get(key)
    if local is None or local[0] <= time.monotonic():
        return None
    now = timezone.now()
    if any(_is_due(name, _entry(row), now) for name, row in local[1].items()):
        return None
    return local[1]


def _keep_local(key: tuple[str, ...], rows: dict[str, CollectionVersion]) -> None:
    """Keep committed rows only: inside a transaction they are kept once it commits (a rolled-back
    bump must never lend its number to an ETag), and never rows whose transition is due."""
    now = timezone.now()
    if any(_is_due(name, _entry(row), now) for name, row in rows.items()):
        return

    def keep() -> None:
        if len(_local_copies) > 1000:  # a bound, not a policy: the keys are the resources' few name sets
            _local_copies.clear()
        _local_copies[key] = (time.monotonic() + settings.API_VERSIONS_LOCAL_SECONDS, rows)

    transaction.on_commit(keep)


def _shared_versions(names: list[str]) -> dict[str, CollectionVersion]:
    try:
        found = cache.get_many([_shared_key(n) for n in names])
    except UNREACHABLE:
        logger.warning("cache unreachable: API versions read from the database", exc_info=True)
        return _database_versions(names)
    now = timezone.now()
    rows, missing, due = {}, [], []
    for name in names:
        entry = found.get(_shared_key(name))
        if entry is None:
            missing.append(name)
        elif _is_due(name, entry, now):
            due.append(name)
        else:
            rows[name] = _from_entry(name, entry)
    if missing or due:
        fresh = _database_versions(missing + due)
        rows.update(fresh)
        entries = {_shared_key(n): _entry(fresh[n]) for n in missing}

        def refill() -> None:
            # After the commit: rows this transaction read (and may have bumped) are then
            # everybody's. ``add`` never replaces a newer copy a writer published meanwhile;
            # a due transition was decided in the database, so its copy is re-read and replaced.
            try:
                for key, entry in entries.items():
                    cache.add(key, entry, SHARED_SECONDS)
            except UNREACHABLE:
                return
            if due:
                publish(due)

        transaction.on_commit(refill)
    return rows


def versions(names: Iterable[str]) -> dict[str, CollectionVersion]:
    """The current version rows of these collections.

    From the shared cache when there is one (no query), else from the database (one query when
    nothing is due). A collection whose next clock transition has passed is bumped in the
    database, once (the update is conditional, so two workers passing the moment together bump
    it once); one whose transitions are unknown since its last change has them computed.
    """
    names = sorted(set(names))
    local = settings.API_VERSIONS_LOCAL_SECONDS > 0
    if local and (rows := _local_rows(tuple(names))) is not None:
        return rows
    rows = _shared_versions(names) if settings.API_SHARED_CACHE else _database_versions(names)
    if local:
        _keep_local(tuple(names), rows)
    return rows


def _database_versions(names: list[str]) -> dict[str, CollectionVersion]:
    rows = {row.name: row for row in CollectionVersion.objects.filter(name__in=names)}
    if len(rows) < len(names):
        _ensure_rows(n for n in names if n not in rows)
        rows = {row.name: row for row in CollectionVersion.objects.filter(name__in=names)}
    now = timezone.now()
    for name, row in rows.items():
        collection = REGISTRY.get(name)
        if collection is None or collection.transitions is None:
            continue
        if row.transition_checked and not (row.next_transition_at and row.next_transition_at <= now):
            continue
        passed = row.transition_checked and row.next_transition_at is not None
        upcoming = collection.transitions(now)
        updates = {"next_transition_at": upcoming, "transition_checked": True}
        guard = Q(name=name, version=row.version)
        if passed:
            updates.update(version=F("version") + 1, changed_at=row.next_transition_at)
        if CollectionVersion.objects.filter(guard).update(**updates):
            row.refresh_from_db()
        else:
            row.refresh_from_db()  # someone else got there first; their answer stands
    return rows


# ---- tombstones ----------------------------------------------------------------------------


def bury(kind: str, object_id, reason: str) -> None:
    Tombstone.objects.update_or_create(
        kind=kind, object_id=str(object_id), defaults={"reason": reason, "at": timezone.now()}
    )


def revive(kind: str, object_id) -> None:
    Tombstone.objects.filter(kind=kind, object_id=str(object_id)).delete()


def prune(older_than: datetime.datetime) -> int:
    """Drop tombstones past the retention period (``manage.py prune_tombstones``)."""
    return Tombstone.objects.filter(at__lt=older_than).delete()[0]


# ---- clock transitions (helpers for the domains' ``transitions``) ---------------------------


def earliest(*values):
    """The earliest of the moments given, ignoring ``None`` (``None`` if there is none)."""
    values = [v for v in values if v is not None]
    return min(values) if values else None


def scheduled_revisions(model, now: datetime.datetime) -> datetime.datetime | None:
    """The next approved go-live moment of a scheduled revision of ``model`` after ``now``."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    content_type = ContentType.objects.get_for_model(model)
    return (
        Revision.objects.filter(content_type=content_type, approved_go_live_at__gt=now)
        .aggregate(t=Min("approved_go_live_at"))
        .get("t")
    )


def page_transitions(model) -> Transitions:
    """A page collection changes by the clock when a live page expires or a scheduled revision goes live."""

    def transitions(now):
        expiry = model.objects.live().filter(expire_at__gt=now).aggregate(t=Min("expire_at"))["t"]
        return earliest(expiry, scheduled_revisions(model, now))

    return transitions


# ---- what feeds the collections -------------------------------------------------------------


def _on_change(names: tuple[str, ...]):
    def handler(sender, raw=False, **kwargs):
        if not raw:
            bump(*names)

    return handler


def _on_delete(kind: str, names: tuple[str, ...]):
    def handler(sender, instance, **kwargs):
        bury(kind, instance.pk, TombstoneReason.DELETED)
        bump(*names)

    return handler


def _on_m2m(names: tuple[str, ...]):
    def handler(sender, instance, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"}:
            type(instance).objects.filter(pk=instance.pk).update(updated_at=timezone.now())
            bump(*names)

    return handler


def track(model, names: tuple[str, ...], kind: str | None = None, m2m: Iterable[str] = ()) -> None:
    """Saves and deletions of ``model`` (and changes of its ``m2m`` fields) bump ``names``.

    With ``kind``, a deletion also leaves a tombstone of that kind for incremental sync.
    """
    uid = f"api-{model._meta.label}"
    post_save.connect(_on_change(names), sender=model, weak=False, dispatch_uid=f"{uid}-save")
    if kind:
        post_delete.connect(_on_delete(kind, names), sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    else:
        post_delete.connect(_on_change(names), sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    for field in m2m:
        m2m_changed.connect(
            _on_m2m(names), sender=getattr(model, field).through, weak=False, dispatch_uid=f"{uid}-{field}"
        )


_REVISION_MODELS: dict[type, str] = {}
_REVISION_COLLECTIONS: dict[int, str] = {}  # content type id -> collection, filled on first use
_PAGE_COLLECTIONS: dict[type, str] = {}
_RECORDS_CHANGED: dict[type, tuple[str, ...]] = {}


def track_revisions(model, name: str) -> None:
    """A draft or scheduled revision of ``model`` bumps ``name`` (drafts reach keys; schedules move the clock)."""
    _REVISION_MODELS[model] = name
    _REVISION_COLLECTIONS.clear()


def track_pages(model, name: str) -> None:
    """A page model's collection: publishing revives, unpublishing and deleting bury, revisions bump."""
    from wagtail.signals import page_published, page_unpublished

    _PAGE_COLLECTIONS[model] = name
    track_revisions(model, name)
    page_published.connect(_on_page_published, sender=model, weak=False, dispatch_uid=f"api-pub-{name}")
    page_unpublished.connect(_on_page_unpublished, sender=model, weak=False, dispatch_uid=f"api-unpub-{name}")
    post_delete.connect(_on_delete(name, (name,)), sender=model, weak=False, dispatch_uid=f"api-del-{name}")


def track_records_changed(model, names: tuple[str, ...]) -> None:
    """Bulk writes of ``model`` announced with ``core.signals.records_changed`` bump ``names``."""
    _RECORDS_CHANGED[model] = names


def _revision_collection(content_type_id: int) -> str | None:
    if not _REVISION_COLLECTIONS and _REVISION_MODELS:
        from django.contrib.contenttypes.models import ContentType

        for model, name in _REVISION_MODELS.items():
            _REVISION_COLLECTIONS[ContentType.objects.get_for_model(model).pk] = name
    return _REVISION_COLLECTIONS.get(content_type_id)


def _on_revision(sender, instance, raw=False, **kwargs):
    if not raw and (name := _revision_collection(instance.content_type_id)):
        bump(name)


def _on_page_published(sender, instance, **kwargs):
    name = _PAGE_COLLECTIONS[sender]
    revive(name, instance.pk)
    bump(name)


def _on_page_unpublished(sender, instance, **kwargs):
    name = _PAGE_COLLECTIONS[sender]
    bury(name, instance.pk, TombstoneReason.WITHDRAWN)
    bump(name)


def _on_records_changed(sender, pks, **kwargs):
    if names := _RECORDS_CHANGED.get(sender):
        bump(*names)


def connect() -> None:
    """Wire the signals every collection shares (from ``ApiConfig.ready``)."""
    from wagtail.models import Revision

    from core.signals import records_changed

    post_save.connect(_on_revision, sender=Revision, weak=False, dispatch_uid="api-revision")
    records_changed.connect(_on_records_changed, weak=False, dispatch_uid="api-records-changed")
