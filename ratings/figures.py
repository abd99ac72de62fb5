"""好差评 figures: per department, hall, matter or month, every figure of every group in ONE query.

Ratings excluded by an upheld appeal never count. The period is the month the rating was given.

- 评价数: ratings; 好评: 非常满意, 满意, 基本满意; 差评: 不满意, 非常不满意 (国办发〔2019〕51号);
- 好评率 = 好评 / 评价数; 满意度 (average level, 1–5);
- 整改率 = 差评 rectified (待回访 or 办结) / 差评;
- 实名差评回访整改率 = real-name 差评 called back and closed / real-name 差评 — the 意见 asks 100%;
- 逾期: 差评 past their 整改 or 回访 deadline and not done, on ``today``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth

from .models import BAD_LEVELS, GOOD_FROM, Handling, Rating

DIMENSIONS = {"department": "部门", "hall": "大厅", "matter": "事项", "month": "月份"}
NO_HALL = "网上及其他（未经大厅窗口）"
BAD = Q(level__in=BAD_LEVELS)
REAL_BAD = BAD & Q(real_name=True)
CALLED_BACK = Q(handling=Handling.CLOSED, callback_at__isnull=False, rectified_on__isnull=False)


def late(today: datetime.date) -> Q:
    """Past the 整改 or the 回访 deadline on ``today`` and not done (``Rating.is_late`` for one rating)."""
    return (Q(handling__in=(Handling.VERIFYING, Handling.RECTIFYING)) & Q(rectify_due__lt=today)) | Q(
        handling=Handling.CALLBACK, callback_due__lt=today
    )


def aggregates(today: datetime.date) -> dict:
    return {
        "total": Count("pk"),
        "good": Count("pk", filter=Q(level__gte=GOOD_FROM)),
        "bad": Count("pk", filter=BAD),
        "rectified": Count("pk", filter=BAD & Q(handling__in=(Handling.CALLBACK, Handling.CLOSED))),
        "real_bad": Count("pk", filter=REAL_BAD),
        "real_bad_done": Count("pk", filter=REAL_BAD & CALLED_BACK),
        "late": Count("pk", filter=BAD & late(today)),
        "avg_level": Avg("level"),
    }


@dataclass
class Row:
    key: object
    label: str
    total: int
    good: int
    bad: int
    rectified: int
    real_bad: int
    real_bad_done: int
    late: int
    avg_level: float | None

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def good_rate(self) -> float | None:
        return self._share(self.good, self.total)

    @property
    def rectify_rate(self) -> float | None:
        return self._share(self.rectified, self.bad)

    @property
    def callback_rate(self) -> float | None:
        return self._share(self.real_bad_done, self.real_bad)

    def as_public_dict(self) -> dict:
        """What the public sees: counts and rates, nothing about a rater."""

        def rounded(value):
            return None if value is None else round(value, 4)

        return {
            "key": self.key.isoformat()[:7] if isinstance(self.key, datetime.date) else self.key,
            "label": self.label,
            "total": self.total,
            "good": self.good,
            "bad": self.bad,
            "rectified": self.rectified,
            "good_rate": rounded(self.good_rate),
            "rectify_rate": rounded(self.rectify_rate),
            "average_level": rounded(self.avg_level),
        }


def _grouping(by: str) -> tuple[dict, dict]:
    if by == "department":
        return {"key": F("department_id")}, {"label": Max("department__name"), "order": Min("department__sort_order")}
    if by == "hall":
        return {"key": F("hall_id")}, {"label": Max("hall__name")}
    if by == "matter":
        return {"key": F("matter_id")}, {"label": Max("matter_name")}
    if by == "month":
        return {"key": TruncMonth("rated_on")}, {}
    raise ValueError(by)


def counted(queryset: QuerySet | None = None) -> QuerySet:
    """The ratings that count: not excluded by an upheld appeal."""
    return (queryset if queryset is not None else Rating.objects.all()).filter(excluded=False)


def figures(
    queryset: QuerySet | None,
    by: str,
    start: datetime.date | None,
    end: datetime.date | None,
    today: datetime.date,
) -> list[Row]:
    """One row per group of the ratings given in [start, end], in ONE query."""
    group, labels = _grouping(by)
    ratings = counted(queryset)
    if start:
        ratings = ratings.filter(rated_on__gte=start)
    if end:
        ratings = ratings.filter(rated_on__lte=end)
    values = ratings.order_by().annotate(**group).values("key").annotate(**labels, **aggregates(today)).order_by("key")
    rows, order = [], {}
    for item in values:
        key = item["key"]
        if by == "month":
            label = f"{key:%Y年%m月}" if key else "—"
        elif by == "hall" and key is None:
            label = NO_HALL
        else:
            label = item.get("label") or "—"
        row = Row(key=key, label=label, **{name: item[name] for name in aggregates(today)})
        order[id(row)] = (key is None, item.get("order") or 0, label)
        rows.append(row)
    if by != "month":
        rows.sort(key=lambda row: order[id(row)])
    return rows


def combine(rows: list[Row], label: str = "合计") -> Row:
    """The rows added up (the average level weighted by the number of ratings)."""
    total = sum(row.total for row in rows)
    weighted = sum((row.avg_level or 0) * row.total for row in rows)
    counts = {
        name: sum(getattr(row, name) for row in rows)
        for name in ("good", "bad", "rectified", "real_bad", "real_bad_done", "late")
    }
    return Row(key=None, label=label, total=total, avg_level=weighted / total if total else None, **counts)
