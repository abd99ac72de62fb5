"""区划: which part of the city a visitor looks at, and which departments that part covers.

A region is a people's government below the city with everything under it:

- a 区县 — a county-level department directly under a root of the tree (the city's people's
  government), e.g. 东湖区人民政府 with 东湖区市场监管局, its streets and communities below it;
- a 街道乡镇 — a town-level department directly under a 区县, e.g. 湖滨街道办事处.

``None`` is the whole city (全市): no filter at all. A city bureau's district branch (a county-level
department under 市公安局, not under the root) is not a region; it belongs to the city.

The site layer decides which region a request is in (the visitor's 区划 switch, or the sub-site's
own region) and sets ``request.portal_region``; domains and the search only read it through
``request_region`` and filter with ``region_department_ids`` (``in_region``), so none of them
imports a site.

The departments are read once per process into a ``RegionTable`` (one query) and kept until a
department is saved or deleted: the save bumps a version token in the shared cache
(``core.cache``), so every process rebuilds on its next read. Reading the table costs one cache
look-up and no query; a request that names no region (the whole city) does not read it at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from core import cache as shared_cache

from .models import Department, DepartmentLevel

VERSION_NAME = "permissions:regions"
MAX_AGE = 600  # seconds: a safety net for changes that bypass the signals (bulk updates, raw SQL)
CITY_LABEL = "全市"
_SUFFIXES = ("人民政府", "办事处", "管理委员会", "管委会")


@dataclass(frozen=True)
class RegionChoice:
    """One entry of the 区划 switch: the whole city, a 区县 or a 街道乡镇 (under its 区县)."""

    slug: str  # "" for the whole city
    label: str  # 全市, 东湖区, 湖滨街道
    depth: int  # 0 the whole city, 1 a 区县, 2 a 街道乡镇
    department: Department | None
    district_slug: str = ""  # a 街道乡镇's 区县


@dataclass
class RegionTable:
    """The regions of the department tree as of one version token (built by ``_load``)."""

    token: str
    loaded_at: float
    by_slug: dict[str, Department] = field(default_factory=dict)
    by_id: dict[int, Department] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    subtree: dict[int, frozenset[int]] = field(default_factory=dict)
    choices: tuple[RegionChoice, ...] = ()


def _place(name: str) -> str:
    """A government's place name: 示范市东湖区人民政府 → 示范市东湖区."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _label(department: Department, parent_places: tuple[str, ...]) -> str:
    """What the switch calls a region: its place name without its parent's (东湖区, 湖滨街道)."""
    place = _place(department.name)
    for prefix in parent_places:
        if prefix and place.startswith(prefix) and len(place) > len(prefix):
            return place[len(prefix) :]
    return place or department.short_name


def _load(token: str) -> RegionTable:
    departments = list(
        Department.objects.only("id", "parent_id", "level", "slug", "name", "short_name", "is_active", "sort_order")
    )  # Meta ordering: sort_order, name
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)

    def below(pk: int) -> frozenset[int]:
        found, frontier = {pk}, [pk]
        while frontier:
            frontier = [c.pk for p in frontier for c in children.get(p, ()) if c.pk not in found]
            found.update(frontier)
        return frozenset(found)

    table = RegionTable(token=token, loaded_at=time.monotonic())
    choices = [RegionChoice("", CITY_LABEL, 0, None)]
    for root in children.get(None, ()):
        root_place = _place(root.name)
        for district in children.get(root.pk, ()):
            if district.level != DepartmentLevel.COUNTY or not district.is_active or not district.slug:
                continue
            label = _label(district, (root_place,))
            table.labels[district.pk] = label
            choices.append(RegionChoice(district.slug, label, 1, district))
            district_place = _place(district.name)
            for town in children.get(district.pk, ()):
                if town.level != DepartmentLevel.TOWN or not town.is_active or not town.slug:
                    continue
                table.labels[town.pk] = _label(town, (district_place, label))
                choices.append(RegionChoice(town.slug, table.labels[town.pk], 2, town, district.slug))
    for choice in choices[1:]:
        department = choice.department
        table.by_slug[department.slug] = department
        table.by_id[department.pk] = department
        table.subtree[department.pk] = below(department.pk)
    table.choices = tuple(choices)
    return table


_lock = threading.Lock()
_current: RegionTable | None = None
# Inside ``one_look_up_per_request()``: the table this request already checked ({} = in a request, none yet).
_in_request: ContextVar[dict | None] = ContextVar("permissions_regions_request", default=None)


@contextmanager
def one_look_up_per_request() -> Iterator[None]:
    """Within it (the site layer's middleware wraps each request), the version token is read once:
    the switch, the listing and the blocks of one page share one cache look-up."""
    reset = _in_request.set({})
    try:
        yield
    finally:
        _in_request.reset(reset)


def region_table() -> RegionTable:
    """The regions as of now: one cache look-up; rebuilt (one query) after a department changed."""
    global _current
    memo = _in_request.get()
    if memo is not None and memo.get("table") is not None and memo["table"] is _current:
        return memo["table"]
    token = shared_cache.version(VERSION_NAME)  # read before loading: a change meanwhile reloads next time
    table = _current
    if table is None or table.token != token or time.monotonic() - table.loaded_at > MAX_AGE:
        table = _load(token)
        with _lock:
            _current = table
    if memo is not None:
        memo["table"] = table
    return table


def invalidate(*args, **kwargs) -> None:
    """A department changed: rebuild here and in every process (at once, and again after the commit,
    so a process that rebuilt while the transaction was still open does not keep the old rows)."""
    global _current
    with _lock:
        _current = None
    shared_cache.bump(VERSION_NAME)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is _bump_after_commit for entry in connection.run_on_commit):
        return  # already scheduled for this transaction
    transaction.on_commit(_bump_after_commit)


def _bump_after_commit() -> None:
    global _current
    with _lock:
        _current = None
    shared_cache.bump(VERSION_NAME)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(invalidate, sender=Department, dispatch_uid="permissions-regions-save")
    post_delete.connect(invalidate, sender=Department, dispatch_uid="permissions-regions-delete")


# ---- what the site layer, the domains and the search call ---------------------------------------


def region_by_slug(slug: str | None) -> Department | None:
    """The active region with this department slug; None for an empty, unknown or forged one."""
    if not slug or not isinstance(slug, str) or len(slug) > 50:
        return None
    return region_table().by_slug.get(slug.strip())


def region_of(department: Department | int | None) -> Department | None:
    """The region ``department`` is (the cached instance), or None when it is not one."""
    if department is None:
        return None
    pk = department if isinstance(department, int) else department.pk
    return region_table().by_id.get(pk)


def region_choices() -> list[RegionChoice]:
    """The 区划 switch: 全市, then each 区县 followed by its 街道乡镇, in the departments' order."""
    return list(region_table().choices)


def region_label(region: Department | None) -> str:
    """How pages name a region: 全市, 东湖区, 湖滨街道."""
    if region is None:
        return CITY_LABEL
    return region_table().labels.get(region.pk) or _label(region, ())


def request_region(request) -> Department | None:
    """The region the visitor looks at (``request.portal_region``, set by the site layer's
    middleware); None — the whole city — when absent (a request the middleware did not see)."""
    return getattr(request, "portal_region", None)


def region_department_ids(region: Department | None) -> set[int] | None:
    """The region's department and every department below it; None for no region (the whole city)."""
    if region is None:
        return None
    ids = region_table().subtree.get(region.pk)
    if ids is None:  # not a region now (deactivated since): its own subtree, read the same way
        return {region.pk, *region.descendant_ids()}
    return set(ids)


def in_region(queryset: QuerySet, region: Department | None, field: str = "department") -> QuerySet:
    """``queryset`` narrowed to records whose ``field`` (a department foreign key) is in the region:
    one ``IN`` condition, no extra query, whatever the number of departments."""
    ids = region_department_ids(region)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}_id__in": sorted(ids)})
