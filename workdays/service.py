"""The working-day calendar (工作日历): the one place every deadline of the project is counted.

Statutory deadlines are counted in working days (domain.md §2), and which days are working days
is decided each year by the State Council: public holidays, the weekdays given off "in lieu" and the
weekend days worked instead (调休上班). The shipped `chinesecalendar` package knows the official
schedules of the years it was released with; staff enter later years (and corrections) in the admin
as ``CalendarYear``/``CalendarDay`` rows, which apply on top of the package in any year.

Rules:
- The start date is day 0: ``add_working_days(d, 0) == d`` and the 1st working day is the first one
  strictly after ``d``.
- A year that neither the package nor a complete ``CalendarYear`` covers is never counted as weekends
  only, because a deadline that silently ignores the Spring Festival is wrong by a week. The public
  holidays themselves are fixed by law (《全国年节及纪念日放假办法》, as amended by 国务院令第798号 from
  2025: 元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3); only the
  make-up working days (调休) and the weekdays given off in lieu are announced late each year. So:
  - the strict functions (``add_working_days``, ``working_days_between``, ``is_working_day``) raise
    ``UncoveredYearError`` for such a year, for callers that must not act on an estimate;
  - the reckoning functions (``due_date``, ``count_working_days``, ``next_working_day``,
    ``working_day``) answer from the statutory holidays, weekends and whatever days of that year
    staff have entered so far, and say ``provisional=True``: the caller shows the result as 预计
    and recomputes it when the year's official schedule is entered (``calendar_changed``).
  Years outside 2000-2100 raise ``UncoveredYearError`` in both.

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
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

import chinese_calendar
from django.db import transaction
from django.dispatch import Signal

from core import cache as shared_cache

__all__ = [
    "MAX_DAYS",
    "Reckoned",
    "UncoveredYearError",
    "WorkingDayCalendar",
    "add_working_days",
    "calendar_changed",
    "count_working_days",
    "current_calendar",
    "day_name",
    "due_date",
    "invalidate_cache",
    "is_working_day",
    "next_working_day",
    "package_is_working_day",
    "package_years",
    "statutory_holidays",
    "working_day",
    "working_days_between",
]

# The largest day count accepted from the outside (the API): ten years of working days is already
# far beyond any statutory deadline; bigger numbers are typing mistakes.
MAX_DAYS = 3650

VERSION_NAME = "workdays"  # the calendar's version token in the shared cache (core.cache)

# The years any computation may touch (the admin accepts entries for the same range).
MIN_YEAR = 2000
MAX_YEAR = 2100

# Sent once after a transaction that changed the calendar has committed (and by ``invalidate_cache``
# called outside a transaction). Receivers recompute what they derived from it (e.g. deadlines).
calendar_changed = Signal()

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

    Raised by the strict functions instead of guessing (the reckoning functions estimate instead,
    flagged), and by both for years outside 2000-2100. The message tells staff and API clients what
    to do.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        if MIN_YEAR <= year <= MAX_YEAR:
            message = (
                f"{year}年的法定节假日和调休安排尚未录入工作日历，无法确定期限。请在后台“工作日历”中录入该年安排。"
            )
        else:
            message = f"{year}年超出工作日历可计算的范围（{MIN_YEAR}年至{MAX_YEAR}年）。"
        super().__init__(message)


T = TypeVar("T")


class Reckoned(NamedTuple, Generic[T]):
    """A result of the calendar and whether it rests on a year not yet officially known (预计)."""

    value: T
    provisional: bool


# ---- the statutory holidays (《全国年节及纪念日放假办法》) ---------------------------------------

# (first year, days of 春节 counted from 除夕 (-1) or 正月初一 (0), how many, days of 劳动节)
# 国务院令第513号 (2008): 除夕 to 初二, 劳动节 1 day; 第644号 (2014): 初一 to 初三, 劳动节 1 day;
# 第798号 (2025): 除夕 to 初三, 劳动节 2 days. 元旦, 清明, 端午, 中秋 1 day and 国庆 3 days throughout.
_HOLIDAY_RULES = ((2008, -1, 3, 1), (2014, 0, 3, 1), (2025, -1, 4, 2))


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The public holidays the law fixes for ``year`` (without the State Council's 调休 shifts).

    Lunar dates (春节, 端午, 中秋) from ``lunar_python``, 清明 from the solar term. Where two
    holidays fall on one day (中秋 on 1-3 October) the names are joined. Only valid from 2008.
    """
    from lunar_python import Lunar

    if year < _HOLIDAY_RULES[0][0]:
        raise ValueError(f"{year}年早于现行放假办法，无法推算法定节假日。")
    _, spring_from, spring_days, labour_days = max(rule for rule in _HOLIDAY_RULES if rule[0] <= year)

    def lunar(month: int, day: int) -> datetime.date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())

    days: dict[datetime.date, list[str]] = {}

    def add(day: datetime.date, name: str) -> None:
        days.setdefault(day, []).append(name)

    add(datetime.date(year, 1, 1), "元旦")
    new_year = lunar(1, 1)
    for offset in range(spring_from, spring_from + spring_days):
        add(new_year + datetime.timedelta(days=offset), "春节")
    for day, _ in chinese_calendar.get_solar_terms(datetime.date(year, 4, 1), datetime.date(year, 4, 10)):
        add(day, "清明节")  # the 清明 solar term: 4, 5 or 6 April
    for offset in range(labour_days):
        add(datetime.date(year, 5, 1 + offset), "劳动节")
    add(lunar(5, 5), "端午节")
    add(lunar(8, 15), "中秋节")
    for offset in range(3):
        add(datetime.date(year, 10, 1 + offset), "国庆节")
    return {day: "、".join(names) for day, names in sorted(days.items())}


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
    """The working days of one year, sorted, the names of its special days, and whether it is estimated."""

    working: tuple[datetime.date, ...]
    working_set: frozenset[datetime.date]
    names: dict[datetime.date, str]
    provisional: bool = False


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

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` can only be estimated (not covered, but inside the computable range)."""
        return not self.covers(year) and MIN_YEAR <= year <= MAX_YEAR

    def _year(self, year: int, provisional_ok: bool = False) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._compute(year)
        if cached.provisional and not provisional_ok:
            raise UncoveredYearError(year)
        return cached

    def _compute(self, year: int) -> _Year:
        provisional = not self.covers(year)
        if not MIN_YEAR <= year <= MAX_YEAR or (provisional and year < _HOLIDAY_RULES[0][0]):
            raise UncoveredYearError(year)
        names: dict[datetime.date, str] = {}
        if year in package_years():
            for table in (chinese_calendar.holidays, chinese_calendar.workdays):
                names.update({d: _package_name(v) for d, v in table.items() if d.year == year})
            plain = package_is_working_day
        elif provisional:
            # Estimate: statutory holidays and weekends, plus whatever days of the year are entered.
            holidays = statutory_holidays(year)
            names.update(holidays)

            def plain(day: datetime.date) -> bool:
                return day.weekday() < 5 and day not in holidays

        else:
            plain = package_is_working_day
        working = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            override = self.overrides.get(day)
            if override is not None:
                is_working, name = override
                names[day] = name
            else:
                is_working = plain(day)
            if is_working:
                working.append(day)
            day += datetime.timedelta(days=1)
        return _Year(tuple(working), frozenset(working), names, provisional)

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether staff work on ``day`` (make-up weekend days count, holidays do not). Strict."""
        return _as_date(day) in self._year(day.year).working_set

    def day_name(self, day: datetime.date) -> str:
        """The holiday a day belongs to (holidays and make-up working days alike), or "". Strict."""
        return self._year(_as_date(day).year).names.get(day, "")

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day on which the ``days``-th working day after ``start`` ends (``start`` is day 0). Strict."""
        return self._add(start, days, provisional_ok=False).value

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days after ``start`` up to and including ``end`` (0 if end <= start). Strict."""
        return self._between(start, end, provisional_ok=False).value

    # ---- reckoning: estimates for years not yet officially known, flagged ----

    def due_date(self, start: datetime.date, days: int) -> Reckoned[datetime.date]:
        """``add_working_days`` that estimates an unknown year and says so."""
        return self._add(start, days, provisional_ok=True)

    def count_working_days(self, start: datetime.date, end: datetime.date) -> Reckoned[int]:
        """``working_days_between`` that estimates an unknown year and says so."""
        return self._between(start, end, provisional_ok=True)

    def working_days(self, start: datetime.date, end: datetime.date) -> Reckoned[tuple[datetime.date, ...]]:
        """The working days after ``start`` up to and including ``end``, in order."""
        start, end = _as_date(start), _as_date(end)
        found: list[datetime.date] = []
        provisional = False
        for year in range((start + datetime.timedelta(days=1)).year, end.year + 1) if end > start else ():
            calendar = self._year(year, provisional_ok=True)
            provisional |= calendar.provisional
            low, high = bisect.bisect_right(calendar.working, start), bisect.bisect_right(calendar.working, end)
            found.extend(calendar.working[low:high])
        return Reckoned(tuple(found), provisional)

    def next_working_day(self, day: datetime.date) -> Reckoned[datetime.date]:
        """``day`` itself if it is a working day, else the first working day after it."""
        day = _as_date(day)
        calendar = self._year(day.year, provisional_ok=True)
        if day in calendar.working_set:
            return Reckoned(day, calendar.provisional)
        return self._add(day, 1, provisional_ok=True)

    def working_day(self, day: datetime.date) -> Reckoned[bool]:
        """``is_working_day`` that estimates an unknown year and says so."""
        calendar = self._year(_as_date(day).year, provisional_ok=True)
        return Reckoned(day in calendar.working_set, calendar.provisional)

    def holiday_name(self, day: datetime.date) -> Reckoned[str]:
        """``day_name`` that estimates an unknown year and says so."""
        calendar = self._year(_as_date(day).year, provisional_ok=True)
        return Reckoned(calendar.names.get(day, ""), calendar.provisional)

    def _add(self, start: datetime.date, days: int, provisional_ok: bool) -> Reckoned[datetime.date]:
        start = _as_date(start)
        if days < 0:
            raise ValueError("工作日天数不能为负数。")
        if days == 0:
            return Reckoned(start, False)
        year = start.year
        calendar = self._year(year, provisional_ok)
        index = bisect.bisect_right(calendar.working, start)
        remaining = days
        # Every year with a day in (start, result] decides the answer; the start's own year only
        # when the start is not its last day.
        provisional = calendar.provisional and (start.month, start.day) != (12, 31)
        while remaining > len(calendar.working) - index:
            remaining -= len(calendar.working) - index
            year += 1
            calendar = self._year(year, provisional_ok)
            provisional |= calendar.provisional
            index = 0
        return Reckoned(calendar.working[index + remaining - 1], provisional)

    def _between(self, start: datetime.date, end: datetime.date, provisional_ok: bool) -> Reckoned[int]:
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return Reckoned(0, False)
        first_year = (start + datetime.timedelta(days=1)).year
        total = 0
        provisional = False
        for year in range(first_year, end.year + 1):
            calendar = self._year(year, provisional_ok)
            provisional |= calendar.provisional
            total += bisect.bisect_right(calendar.working, end) - bisect.bisect_right(calendar.working, start)
        return Reckoned(total, provisional)


def _as_date(day: datetime.date) -> datetime.date:
    # A datetime would silently never match the date sets; its local date is the caller's decision.
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__} (use timezone.localdate())")
    return day


# ---- the process-wide snapshot -------------------------------------------------------------

_lock = threading.Lock()
_current: WorkingDayCalendar | None = None


def _shared_token() -> str:
    return shared_cache.version(VERSION_NAME)


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
    shared_cache.bump(VERSION_NAME)


def _after_commit() -> None:
    _bump()
    calendar_changed.send(sender=WorkingDayCalendar)


def invalidate_cache(*args, **kwargs) -> None:
    """Drop the cached calendar here and in every process (signal receiver of the override models).

    Bumped at once, so the saving request sees its own change, and again after the commit, so a
    process that reloaded while the transaction was still open does not keep the old rows. After
    the commit ``calendar_changed`` is sent once, however many rows the transaction changed.
    """
    _bump()
    connection = transaction.get_connection()
    if any(entry[1] is _after_commit for entry in connection.run_on_commit):
        return  # already scheduled for this transaction
    transaction.on_commit(_after_commit)


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


def due_date(start: datetime.date, days: int) -> Reckoned[datetime.date]:
    """``add_working_days`` for deadlines that must be shown even before a year's schedule is out.

    Returns ``(date, provisional)``; a provisional date is to be shown as 预计 and recomputed when
    ``calendar_changed`` is sent. Raises ``UncoveredYearError`` only outside 2000-2100.
    """
    return current_calendar().due_date(start, days)


def count_working_days(start: datetime.date, end: datetime.date) -> Reckoned[int]:
    """``working_days_between`` that estimates a year not yet entered, flagged."""
    return current_calendar().count_working_days(start, end)


def next_working_day(day: datetime.date) -> Reckoned[datetime.date]:
    """``day`` if it is a working day, else the first working day after it, flagged when estimated."""
    return current_calendar().next_working_day(day)


def working_day(day: datetime.date) -> Reckoned[bool]:
    """``is_working_day`` that estimates a year not yet entered, flagged."""
    return current_calendar().working_day(day)
