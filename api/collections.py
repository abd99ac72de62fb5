"""The API's collections: one version counter each, clock transitions, and tombstones.

Every change a terminal could see bumps its collection's version in the same transaction as
the change (signals below), so ETags are answered from one row and never go stale. Some
changes happen by the clock alone (a notice's validity window, a scheduled go-live, a planned
cancellation): each collection knows the next such moment, responses are never cached past
it, and the first request after it bumps the version.

Tombstones: deletions and page withdrawals are written here as they happen; other
withdrawals (a matter cancelled, a hall deactivated, a notice expired) are derived from the
records themselves by each resource (``api.resources``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import CollectionVersion, Tombstone, TombstoneReason

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


def versions(names: Iterable[str]) -> dict[str, CollectionVersion]:
    """The current version rows of these collections (one query when nothing is due).

    A collection whose next clock transition has passed is bumped here, once (the update is
    conditional, so two workers passing the moment together bump it once); one whose
    transitions are unknown since its last change has them computed.
    """
    names = sorted(set(names))
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


# ---- clock transitions ---------------------------------------------------------------------


def _earliest(*values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _scheduled_revisions(model, now):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    content_type = ContentType.objects.get_for_model(model)
    return (
        Revision.objects.filter(content_type=content_type, approved_go_live_at__gt=now)
        .aggregate(t=Min("approved_go_live_at"))
        .get("t")
    )


def _page_transitions(model) -> Transitions:
    def transitions(now):
        expiry = model.objects.live().filter(expire_at__gt=now).aggregate(t=Min("expire_at"))["t"]
        return _earliest(expiry, _scheduled_revisions(model, now))

    return transitions


def _matter_transitions(now):
    from matters.models import Matter

    cancel = (
        Matter.public_queryset()
        .filter(planned_cancel_date__gt=timezone.localdate(now))
        .aggregate(d=Min("planned_cancel_date"))["d"]
    )
    cancel_at = (
        timezone.make_aware(datetime.datetime.combine(cancel, datetime.time.min)) if cancel is not None else None
    )
    return _earliest(cancel_at, _scheduled_revisions(Matter, now))


def _notice_transitions(now):
    from halls.models import Notice

    active = Notice.objects.filter(is_active=True)
    return _earliest(
        active.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        active.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
    )


# ---- signals -------------------------------------------------------------------------------


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


def _on_revision(sender, instance, raw=False, **kwargs):
    """A draft or a scheduled revision: drafts are visible to scoped keys, schedules move the clock."""
    if raw:
        return
    name = _REVISION_COLLECTIONS.get(instance.content_type_id) if _REVISION_COLLECTIONS else None
    if name is None:
        _load_revision_collections()
        name = _REVISION_COLLECTIONS.get(instance.content_type_id)
    if name:
        bump(name)


_REVISION_COLLECTIONS: dict[int, str] = {}
_PAGE_COLLECTIONS: dict[type, str] = {}


def _load_revision_collections() -> None:
    from django.contrib.contenttypes.models import ContentType

    from matters.models import Matter

    for model, name in [(Matter, "matters"), *_PAGE_COLLECTIONS.items()]:
        _REVISION_COLLECTIONS[ContentType.objects.get_for_model(model).pk] = name


def _on_page_published(sender, instance, **kwargs):
    name = _PAGE_COLLECTIONS[sender]
    revive(name, instance.pk)
    bump(name)


def _on_page_unpublished(sender, instance, **kwargs):
    name = _PAGE_COLLECTIONS[sender]
    bury(name, instance.pk, TombstoneReason.WITHDRAWN)
    bump(name)


def _on_records_changed(sender, pks, **kwargs):
    from matters.models import Matter

    if sender is Matter:
        bump("matters")


def _connect(model, names: tuple[str, ...], kind: str | None = None, m2m: Iterable = ()) -> None:
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


def connect_signals() -> None:
    from wagtail.models import Revision
    from wagtail.signals import page_published, page_unpublished

    from api.models import Feed
    from cms.models import CalendarDay, CalendarYear
    from core.signals import records_changed
    from disclosure.models import Classification, DisclosureDocumentPage
    from guides.models import BundleGuidePage, GuidePage
    from halls.models import Hall, Notice, Window
    from matters.models import Matter, MatterType, Term
    from permissions.models import Department

    register("departments", "部门")
    register("categories", "分类")
    register("matters", "事项", _matter_transitions)
    register("guides", "办事指南", _page_transitions(GuidePage))
    register("bundles", "“一件事”指南", _page_transitions(BundleGuidePage))
    register("disclosure_documents", "政府信息公开文件", _page_transitions(DisclosureDocumentPage))
    register("halls", "服务大厅")
    register("windows", "窗口")
    register("notices", "大厅公告", _notice_transitions)
    register("workdays", "工作日历")
    register("feeds", "数据订阅")

    _connect(Department, ("departments",), kind="departments")
    _connect(Term, ("categories",), kind="categories")
    _connect(MatterType, ("categories",))
    _connect(Matter, ("matters",), kind="matters")
    _connect(Classification, ("disclosure_documents",))
    _connect(Hall, ("halls",), kind="halls")
    _connect(Window, ("windows",), kind="windows", m2m=("departments", "matters"))
    _connect(Notice, ("notices",), kind="notices", m2m=("halls",))
    _connect(CalendarYear, ("workdays",))
    _connect(CalendarDay, ("workdays",))
    _connect(Feed, ("feeds",), m2m=("departments", "halls", "terms", "matter_types", "classifications"))
    post_save.connect(_on_revision, sender=Revision, weak=False, dispatch_uid="api-revision")
    records_changed.connect(_on_records_changed, weak=False, dispatch_uid="api-records-changed")

    for model, name in (
        (GuidePage, "guides"),
        (BundleGuidePage, "bundles"),
        (DisclosureDocumentPage, "disclosure_documents"),
    ):
        _PAGE_COLLECTIONS[model] = name
        page_published.connect(_on_page_published, sender=model, weak=False, dispatch_uid=f"api-pub-{name}")
        page_unpublished.connect(_on_page_unpublished, sender=model, weak=False, dispatch_uid=f"api-unpub-{name}")
        post_delete.connect(_on_delete(name, (name,)), sender=model, weak=False, dispatch_uid=f"api-del-{name}")
