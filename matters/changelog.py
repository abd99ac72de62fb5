"""The public change log of the catalog (新增 / 变更 / 取消 / 下放 / 委托), read from the audit log.

Nothing is typed twice: first publications, major published changes (with the public note
the editor wrote in that revision), cancellations and delegations are already recorded as
log entries; this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import ModelLogEntry

from . import lifecycle
from .models import ChangeSignificance, DelegationKind, Matter

KIND_NEW = "新增"
KIND_CHANGE = "变更"
KIND_CANCEL = "取消"


@dataclass
class ChangeEntry:
    timestamp: datetime
    kind: str
    matter: Matter
    note: str


def _entries_queryset() -> QuerySet:
    ct = ContentType.objects.get_for_model(Matter)
    return (
        ModelLogEntry.objects.filter(content_type=ct)
        .filter(
            Q(action__in=[lifecycle.ENTER_FORCE, lifecycle.CANCEL, lifecycle.DELEGATE])
            | Q(action="wagtail.publish", revision__content__change_significance=ChangeSignificance.MAJOR)
        )
        .select_related("revision")
        .order_by("-timestamp", "-pk")
    )


def change_log(
    *, department=None, kind: str | None = None, since=None, until=None, limit: int | None = None
) -> list[ChangeEntry]:
    """Change entries, newest first, optionally filtered; matters loaded in one query."""
    entries = _entries_queryset()
    if since is not None:
        entries = entries.filter(timestamp__date__gte=since)
    if until is not None:
        entries = entries.filter(timestamp__date__lte=until)
    if department is not None:
        ids = Matter.objects.filter(department=department).values_list("pk", flat=True)
        entries = entries.filter(object_id__in=[str(pk) for pk in ids])
    rows = list(entries[: limit * 3] if limit else entries)
    first_publications = {e.revision_id for e in rows if e.action == lifecycle.ENTER_FORCE}
    matters = Matter.objects.select_related("department", "matter_type").in_bulk({int(e.object_id) for e in rows})
    result: list[ChangeEntry] = []
    for entry in rows:
        matter = matters.get(int(entry.object_id))
        if matter is None or not matter.live:
            continue
        data = entry.data or {}
        content = entry.revision.content if entry.revision_id else {}
        if entry.action == lifecycle.ENTER_FORCE:
            item = ChangeEntry(entry.timestamp, KIND_NEW, matter, content.get("change_note") or "新增事项")
        elif entry.action == "wagtail.publish":
            if entry.revision_id in first_publications:
                continue
            item = ChangeEntry(entry.timestamp, KIND_CHANGE, matter, content.get("change_note", ""))
        elif entry.action == lifecycle.CANCEL:
            item = ChangeEntry(entry.timestamp, KIND_CANCEL, matter, data.get("reason", ""))
        else:
            label = DelegationKind(data.get("kind", DelegationKind.DELEGATED)).label
            item = ChangeEntry(
                entry.timestamp,
                label,
                matter,
                f"{label}至{data.get('target_department', '')}：{data.get('reason', '')}",
            )
        if kind and item.kind != kind:
            continue
        result.append(item)
        if limit and len(result) >= limit:
            break
    return result
