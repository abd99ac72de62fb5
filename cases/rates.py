"""办件统计: completion rates of the cases completed in a period, grouped by one dimension.

``rates(queryset, by)`` looks only at cases completed (办结: 准予, 不予许可, 出件送达) with a
``completed_on`` — withdrawn (撤回) and rejected (不予受理) cases never count in a completion rate —
and computes every figure of every group in ONE aggregate query (``Count(filter=Q(...))``,
``Avg``), so the cost does not grow with the number of groups. Shares are fractions in [0, 1],
None when there is nothing to divide by.

- 即办件占比: ``immediate`` cases (promised limit 0) of the completed cases;
- 当场办结率: completed on the day of acceptance (``on_the_spot``);
- 按时办结率: ``completed_on <= due_date``; 提前办结率: ``completed_on < due_date``;
- 平均用时 vs 平均承诺时限: working days used (special procedures not counted) vs promised;
- 一次办成率: completed without any 补正 (``amendments == 0``);
- 平均跑动次数: visits to a hall; 网上办理占比: channel online, mobile or kiosk;
- 满意率 (好差评, 国办发〔2019〕51号): of the rated cases, those rated 基本满意 or better
  (``satisfaction`` >= 3: 非常满意, 满意, 基本满意; 不满意 and 非常不满意 are 差评); a rating excluded by
  an upheld appeal does not count (the ratings app keeps ``satisfaction`` accordingly).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth

from .models import COMPLETED, Channel

DIMENSIONS = {
    "department": "部门",
    "hall": "大厅",
    "window": "窗口",
    "matter": "事项",
    "level": "行使层级",
    "month": "月份",
}
ONLINE_CHANNELS = (Channel.ONLINE, Channel.MOBILE, Channel.KIOSK)
MAX_MONTHS = 60
SATISFIED_FROM = 3  # 基本满意 and better are 好评; 不满意 (2) and 非常不满意 (1) are 差评
NO_HALL = "网上及其他（未经大厅窗口）"
NO_LEVEL = "未标注层级"

AGGREGATES = {
    "total": Count("pk"),
    "immediate": Count("pk", filter=Q(immediate=True)),
    "on_the_spot": Count("pk", filter=Q(on_the_spot=True)),
    "on_time": Count("pk", filter=Q(due_date__isnull=False, completed_on__lte=F("due_date"))),
    "early": Count("pk", filter=Q(due_date__isnull=False, completed_on__lt=F("due_date"))),
    "once": Count("pk", filter=Q(amendments=0)),
    "online": Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)),
    "at_most_one_visit": Count("pk", filter=Q(visits__lte=1)),
    "avg_used": Avg("used_days"),
    "with_used": Count("used_days"),
    "avg_promised": Avg("promised_limit"),
    "avg_visits": Avg("visits"),
    "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
    "satisfied": Count("pk", filter=Q(satisfaction__gte=SATISFIED_FROM)),
}


COUNTED = (
    "total",
    "immediate",
    "on_the_spot",
    "on_time",
    "early",
    "once",
    "online",
    "at_most_one_visit",
    "with_used",
    "rated",
    "satisfied",
)


class RatesError(ValueError):
    """A bad period or dimension: ``message`` in Chinese naming the parameter ``field``."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Row:
    key: object
    label: str
    total: int
    immediate: int
    on_the_spot: int
    on_time: int
    early: int
    once: int
    online: int
    at_most_one_visit: int
    avg_used: float | None
    avg_promised: float | None
    avg_visits: float | None
    with_used: int = 0  # cases with days used recorded (the weight of ``avg_used``)
    rated: int = 0  # cases with a rating in force
    satisfied: int = 0  # of them, rated 基本满意 or better

    def _share(self, part: int) -> float | None:
        return part / self.total if self.total else None

    @property
    def immediate_share(self) -> float | None:
        return self._share(self.immediate)

    @property
    def on_the_spot_rate(self) -> float | None:
        return self._share(self.on_the_spot)

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.on_time)

    @property
    def early_rate(self) -> float | None:
        return self._share(self.early)

    @property
    def once_rate(self) -> float | None:
        return self._share(self.once)

    @property
    def online_share(self) -> float | None:
        return self._share(self.online)

    @property
    def at_most_one_visit_share(self) -> float | None:
        return self._share(self.at_most_one_visit)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    def as_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 4)

        return {
            "key": self.key.isoformat()[:7] if isinstance(self.key, datetime.date) else self.key,
            "label": self.label,
            "total": self.total,
            "immediate": self.immediate,
            "on_the_spot": self.on_the_spot,
            "on_time": self.on_time,
            "early": self.early,
            "once": self.once,
            "online": self.online,
            "immediate_share": rounded(self.immediate_share),
            "on_the_spot_rate": rounded(self.on_the_spot_rate),
            "on_time_rate": rounded(self.on_time_rate),
            "early_rate": rounded(self.early_rate),
            "once_rate": rounded(self.once_rate),
            "online_share": rounded(self.online_share),
            "average_used_days": rounded(self.avg_used),
            "average_promised_days": rounded(self.avg_promised),
            "average_visits": rounded(self.avg_visits),
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": rounded(self.satisfaction_rate),
        }


# dimension -> (the values() grouping, the label expression annotated beside it)
def _grouping(by: str) -> tuple[dict, dict]:
    if by == "department":
        return {"key": F("department_id")}, {"label": Max("department__name"), "order": Min("department__sort_order")}
    if by == "hall":
        return {"key": F("hall_id")}, {"label": Max("hall__name")}
    if by == "window":
        return {"key": F("window_id")}, {"label": Max("window__hall__name"), "label2": Max("window__number")}
    if by == "matter":
        return {"key": F("matter_id")}, {"label": Max("matter_name")}
    if by == "level":
        return {"key": F("level")}, {}
    if by == "month":
        return {"key": TruncMonth("completed_on")}, {}
    raise RatesError(f"统计维度“{by}”不正确，应为：" + "、".join(DIMENSIONS) + "。", "by")


def _label(by: str, values: dict) -> str:
    key = values["key"]
    if by == "month":
        return f"{key:%Y年%m月}" if key else "—"
    if by == "level":
        return key or NO_LEVEL
    if by in ("hall", "window") and key is None:
        return NO_HALL
    if by == "window":
        return f"{values.get('label') or ''} {values.get('label2') or ''}号窗口".strip()
    return values.get("label") or "—"


def completed(queryset: QuerySet, start: datetime.date | None = None, end: datetime.date | None = None) -> QuerySet:
    """The completed cases of ``queryset`` (withdrawn and rejected never), completed in [start, end]."""
    queryset = queryset.filter(state__in=COMPLETED, completed_on__isnull=False)
    if start:
        queryset = queryset.filter(completed_on__gte=start)
    if end:
        queryset = queryset.filter(completed_on__lte=end)
    return queryset


def rates(
    queryset: QuerySet, by: str, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[Row]:
    """One row per group of the cases of ``queryset`` completed in [start, end], in ONE query."""
    group, labels = _grouping(by)
    rows = (
        completed(queryset, start, end)
        .order_by()
        .annotate(**group)
        .values("key")
        .annotate(**labels, **AGGREGATES)
        .order_by("key")
    )
    result, order = [], {}
    for values in rows:
        row = Row(key=values["key"], label=_label(by, values), **{name: values[name] for name in AGGREGATES})
        order[id(row)] = (values["key"] is None, values.get("order") or 0, row.label)
        result.append(row)
    if by != "month":  # months in time order; the rest by department order, then name, "none" last
        result.sort(key=lambda row: order[id(row)])
    return result


def combine(rows: list[Row], label: str = "合计") -> Row:
    """The rows of one grouping added up: what ``overall`` computes, without reading the cases again."""

    def weighted(attr: str, weight: str) -> float | None:
        total = sum(getattr(row, weight) for row in rows if getattr(row, attr) is not None)
        if not total:
            return None
        return sum(getattr(row, attr) * getattr(row, weight) for row in rows if getattr(row, attr) is not None) / total

    counts = {name: sum(getattr(row, name) for row in rows) for name in COUNTED}
    return Row(
        key=None,
        label=label,
        **counts,
        avg_used=weighted("avg_used", "with_used"),
        avg_promised=weighted("avg_promised", "total"),
        avg_visits=weighted("avg_visits", "total"),
    )


def overall(queryset: QuerySet, start: datetime.date | None = None, end: datetime.date | None = None) -> Row:
    """All the completed cases of the period as one row (one query)."""
    values = completed(queryset, start, end).aggregate(**AGGREGATES)
    return Row(key=None, label="合计", **values)


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str, field: str, label: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a month written ``YYYY-MM``; ``RatesError`` naming ``field`` otherwise."""
    match = MONTH.match((value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise RatesError(f"参数 {field}（{label}）应为年月，格式 YYYY-MM，例如 2026-06。", field)
    year, month = int(match[1]), int(match[2])
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def period(start_month: str, end_month: str) -> tuple[datetime.date, datetime.date]:
    """The days from the first of ``start_month`` to the last of ``end_month`` (at most 60 months)."""
    start, _ = parse_month(start_month, "from", "起始月份")
    _, end = parse_month(end_month, "to", "截止月份")
    if end < start:
        raise RatesError("参数 to（截止月份）不能早于 from（起始月份）。", "to")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months > MAX_MONTHS:
        raise RatesError(f"统计期间最长 {MAX_MONTHS} 个月，请缩小 from 与 to 之间的范围。", "to")
    return start, end


def default_months(today: datetime.date) -> tuple[str, str]:
    """The last six months up to this one, as ``YYYY-MM`` strings."""
    month = today.year * 12 + today.month - 1 - 5
    return f"{month // 12:04d}-{month % 12 + 1:02d}", f"{today:%Y-%m}"


def check_dimension(by: str) -> str:
    if by not in DIMENSIONS:
        raise RatesError(f"参数 by（统计维度）应为 {'、'.join(DIMENSIONS)} 之一。", "by")
    return by
