"""The working-day calendar (工作日历): the one place every deadline of the project is counted.

Statutory deadlines are counted in working days (domain.md §2), and which days are working days
is decided each year by the State Council: public holidays, the weekdays given off "in lieu" and the
weekend days worked instead (调休上班). The shipped `chinesecalendar` package knows the official
schedules of the years it was released with; staff enter later years (and corrections) in the admin
as ``CalendarYear``/``CalendarDay`` rows, which apply on top of the package in any year.

Rules:
- The start date is day 0: ``add_working_days(d, 0) == d`` and the 1st working day is the first one
  strictly after ``d``.
- A computation that needs a day of a year that neither the package nor a complete ``CalendarYear``
  covers raises ``UncoveredYearError``; it never falls back to counting weekends only, because a
  deadline that silently ignores the Spring Festival is wrong by a week.

Speed: the working days of each year are computed once per process from one snapshot of the override
tables (two queries) and kept in memory. Saving or deleting an override drops the snapshot in this
process and bumps a version token in the shared Django cache, so the other worker processes reload
on their next computation. One computation costs one cache read; for a long loop take one
``current_calendar()`` and call its methods, which costs nothing per record.
"""

from __future__ import annotations

import bisect
import datetime
import threading
import uuid
from dataclasses import dataclass, field

import chinese_calendar
from django.core.cache import cache
from django.db import transaction

__all__ = [
    "MAX_DAYS",
    "UncoveredYearError",
    "WorkingDayCalendar",
    "add_working_days",
    "current_calendar",
    "day_name",
    "invalidate_cache",
    "is_working_day",
    "package_is_working_day",
    "package_years",
    "working_days_between",
]

# The largest day count accepted from the outside (the API): ten years of working days is already
# far beyond any statutory deadline; bigger numbers are typing mistakes.
MAX_DAYS = 3650

VERSION_CACHE_KEY = "cms:workdays:version"

# The package names holidays in English; these are the names of the State Council notices.
_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


class UncoveredYearError(ValueError):
    """A computation needs a year whose holidays and make-up working days nobody has entered.

    Raised instead of guessing: the message tells staff (and API clients) what to do.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日和调休安排尚未录入工作日历，无法计算期限。请在后台“工作日历”中录入该年安排。"
        )


def package_years() -> range:
    """The years whose official schedule ships with the installed `chinesecalendar` package."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def _package_name(value: str) -> str:
    if value in _PACKAGE_NAMES:
        return _PACKAGE_NAMES[value]
    for holiday in chinese_calendar.Holiday:
        if holiday.value == value:
            return holiday.chinese
    return value


def package_is_working_day(day: datetime.date) -> bool:
    """What the package alone says (weekdays only for years it does not know); no overrides.

    Used to validate overrides: entering a weekday as a make-up working day is only meaningful
    when the package has that weekday off.
    """
    if day.year in package_years():
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


@dataclass(frozen=True)
class _Year:
    """The working days of one covered year, sorted, plus the names of its special days."""

    working: tuple[datetime.date, ...]
    working_set: frozenset[datetime.date]
    names: dict[datetime.date, str]


@dataclass
class WorkingDayCalendar:
    """One consistent view of the calendar: the package plus a snapshot of the overrides.

    Years are computed lazily and kept; the object is cheap to reuse for many computations.
    """

    token: str
    complete_years: frozenset[int]
    overrides: dict[datetime.date, tuple[bool, str]]  # date -> (is working day, name)
    _years: dict[int, _Year] = field(default_factory=dict, repr=False)

    def covers(self, year: int) -> bool:
        """Whether the holidays of ``year`` are known (shipped, or entered and marked complete)."""
        return year in package_years() or year in self.complete_years

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if not self.covers(year):
            raise UncoveredYearError(year)
        names: dict[datetime.date, str] = {}
        if year in package_years():
            for table in (chinese_calendar.holidays, chinese_calendar.workdays):
                names.update({d: _package_name(v) for d, v in table.items() if d.year == year})
        working = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            override = self.overrides.get(day)
            if override is not None:
                is_working, name = override
                names[day] = name
            else:
                is_working = package_is_working_day(day)
            if is_working:
                working.append(day)
            day += datetime.timedelta(days=1)
        computed = _Year(tuple(working), frozenset(working), names)
        self._years[year] = computed
        return computed

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether staff work on ``day`` (make-up weekend days count, holidays do not)."""
        return _as_date(day) in self._year(day.year).working_set

    def day_name(self, day: datetime.date) -> str:
        """The holiday a day belongs to (holidays and make-up working days alike), or ""."""
        return self._year(_as_date(day).year).names.get(day, "")

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day on which the ``days``-th working day after ``start`` ends (``start`` is day 0)."""
        start = _as_date(start)
        if days < 0:
            raise ValueError("工作日天数不能为负数。")
        if days == 0:
            return start
        year = start.year
        calendar = self._year(year)
        index = bisect.bisect_right(calendar.working, start)
        remaining = days
        while remaining > len(calendar.working) - index:
            remaining -= len(calendar.working) - index
            year += 1
            calendar = self._year(year)
            index = 0
        return calendar.working[index + remaining - 1]

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        first_year = (start + datetime.timedelta(days=1)).year
        total = 0
        for year in range(first_year, end.year + 1):
            working = self._year(year).working
            total += bisect.bisect_right(working, end) - bisect.bisect_right(working, start)
        return total


def _as_date(day: datetime.date) -> datetime.date:
    # A datetime would silently never match the date sets; its local date is the caller's decision.
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__} (use timezone.localdate())")
    return day


# ---- the process-wide snapshot -------------------------------------------------------------

_lock = threading.Lock()
_current: WorkingDayCalendar | None = None


def _shared_token() -> str:
    token = cache.get(VERSION_CACHE_KEY)
    if token is None:
        # Lost (cache cleared or restarted): start a new version, so every process reloads once.
        cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_CACHE_KEY) or "unshared"
    return token


def _load(token: str) -> WorkingDayCalendar:
    from .models import CalendarDay, CalendarYear, DayKind

    complete = frozenset(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
    overrides = {
        day: (kind == DayKind.WORKDAY, name)
        for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
    }
    return WorkingDayCalendar(token=token, complete_years=complete, overrides=overrides)


def current_calendar() -> WorkingDayCalendar:
    """The calendar as of now; reloaded only after an override changed (here or in another process)."""
    global _current
    token = _shared_token()  # read before loading, so a change committed meanwhile triggers a reload
    calendar = _current
    if calendar is None or calendar.token != token:
        calendar = _load(token)
        with _lock:
            _current = calendar
    return calendar


def _bump() -> None:
    global _current
    with _lock:
        _current = None
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_cache(*args, **kwargs) -> None:
    """Drop the cached calendar here and in every process (signal receiver of the override models).

    Bumped at once, so the saving request sees its own change, and again after the commit, so a
    process that reloaded while the transaction was still open does not keep the old rows.
    """
    _bump()
    transaction.on_commit(_bump)


# ---- the module-level API used by every deadline ------------------------------------------


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day; raises ``UncoveredYearError`` for an unknown year."""
    return current_calendar().is_working_day(day)


def day_name(day: datetime.date) -> str:
    """The holiday ``day`` belongs to (e.g. 春节 for a Spring Festival day or its make-up day), or ""."""
    return current_calendar().day_name(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day on which the ``days``-th working day after ``start`` ends; ``start`` itself is day 0.

    ``add_working_days(d, 0) == d``; with 1 the first working day strictly after ``d``. Raises
    ``UncoveredYearError`` when the count runs into a year nobody has entered.
    """
    return current_calendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if ``end <= start``).

    The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    return current_calendar().working_days_between(start, end)
