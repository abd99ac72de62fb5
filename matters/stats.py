"""Efficiency statistics of the catalog (domain.md §1.5), computed from the matters in force.

One aggregate query per grouping, so the numbers cost the same for 100 or 10,000 matters.
Shares are fractions in [0, 1]; None when there is nothing to divide by.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from permissions.models import Department, DepartmentLevel

from . import vocabularies as v
from .models import Matter

_PROMISED_WITH_LIMITS = Q(handling_type__key=v.PROMISED, statutory_limit__gt=0, promised_limit__isnull=False)

AGGREGATES = {
    "total": Count("pk"),
    "immediate": Count("pk", filter=Q(handling_type__key=v.IMMEDIATE)),
    "promised_count": Count("pk", filter=_PROMISED_WITH_LIMITS),
    "promised_sum": Sum("promised_limit", filter=_PROMISED_WITH_LIMITS),
    "statutory_sum": Sum("statutory_limit", filter=_PROMISED_WITH_LIMITS),
    "at_most_one_visit": Count("pk", filter=Q(visits__lte=1)),
    "zero_visits": Count("pk", filter=Q(visits=0)),
    "fully_online": Count("pk", filter=Q(online_depth__key=v.DEPTH_4)),
    "in_hall": Count("pk", filter=Q(in_hall=True)),
}


@dataclass
class Efficiency:
    """The figures the seed documents track, for one group of matters."""

    label: str
    total: int
    immediate: int
    promised_count: int
    promised_sum: int
    statutory_sum: int
    at_most_one_visit: int
    zero_visits: int
    fully_online: int
    in_hall: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def immediate_share(self) -> float | None:
        """即办件 share of all matters."""
        return self._share(self.immediate, self.total)

    @property
    def average_promised(self) -> float | None:
        """Average promised limit of 承诺件 (working days)."""
        return self._share(self.promised_sum, self.promised_count)

    @property
    def average_statutory(self) -> float | None:
        """Average statutory limit of the same 承诺件."""
        return self._share(self.statutory_sum, self.promised_count)

    @property
    def compression(self) -> float | None:
        """1 − promised/statutory over 承诺件 with both limits (seed 004 targets ≥ 78%)."""
        if not self.statutory_sum:
            return None
        return 1 - self.promised_sum / self.statutory_sum

    @property
    def at_most_one_visit_share(self) -> float | None:
        return self._share(self.at_most_one_visit, self.total)

    @property
    def zero_visits_share(self) -> float | None:
        return self._share(self.zero_visits, self.total)

    @property
    def fully_online_share(self) -> float | None:
        return self._share(self.fully_online, self.total)

    @property
    def in_hall_share(self) -> float | None:
        return self._share(self.in_hall, self.total)


def _base(queryset: QuerySet | None) -> QuerySet:
    return (queryset if queryset is not None else Matter.objects.all()).filter(
        pk__in=Matter.public_queryset().values("pk")
    )


def _row(label: str, values: dict) -> Efficiency:
    return Efficiency(label=label, **{k: values.get(k) or 0 for k in AGGREGATES})


def overall(queryset: QuerySet | None = None) -> Efficiency:
    return _row("全部", _base(queryset).aggregate(**AGGREGATES))


def department_rows(queryset: QuerySet | None = None) -> list[tuple[Department, Efficiency]]:
    """Per department with matters in force, in the department order (the department objects with it)."""
    rows = {r["department_id"]: r for r in _base(queryset).order_by().values("department_id").annotate(**AGGREGATES)}
    departments = Department.objects.filter(pk__in=rows).order_by("sort_order", "name")
    return [(d, _row(d.name, rows[d.pk])) for d in departments]


def by_department(queryset: QuerySet | None = None) -> list[Efficiency]:
    return [row for _, row in department_rows(queryset)]


def level_rows(queryset: QuerySet | None = None) -> list[tuple[str, Efficiency]]:
    """Per department level (code, figures), from city down to community; levels without matters left out."""
    rows = {
        r["department__level"]: r for r in _base(queryset).order_by().values("department__level").annotate(**AGGREGATES)
    }
    return [(level.value, _row(level.label, rows[level.value])) for level in DepartmentLevel if level.value in rows]


def by_level(queryset: QuerySet | None = None) -> list[Efficiency]:
    return [row for _, row in level_rows(queryset)]
