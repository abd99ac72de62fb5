"""录入年度节假日安排: one form that takes a State Council notice as it is written.

Every November the General Office of the State Council publishes next year's schedule
(国务院办公厅关于××年部分节假日安排的通知): for each holiday the days off (``1月1日至3日放假调休``,
weekdays given off in lieu included) and the weekend days worked instead (``1月4日（周日）上班``).
Staff copy those dates into this form, one line per holiday, and save: the year's rows
(``CalendarDay``) are replaced and the year is marked complete (``CalendarYear``) in one
transaction, each change kept by simple-history with the user and the notice number as the
reason. ``workdays.calendar_changed`` then lets every deadline that was estimated for the year
(预计) be recomputed.

Checks (each refused with a Chinese message naming the line and the date, nothing written): a
date that cannot be read, a date outside the year (元旦 may begin in the previous December), a
day off that is also a make-up working day, a make-up day that is not a Saturday or Sunday, a
block of more than 15 days, and a statutory holiday (《全国年节及纪念日放假办法》) missing from the
days off.
"""

from __future__ import annotations

import datetime
import re
from itertools import groupby

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from . import service as workdays
from .models import WEEKDAY_NAMES, CalendarDay, CalendarYear, DayKind

# (field prefix, the name used in the notice and on the rows)
FESTIVALS = (
    ("new_year", "元旦"),
    ("spring", "春节"),
    ("qingming", "清明节"),
    ("labour", "劳动节"),
    ("dragon_boat", "端午节"),
    ("mid_autumn", "中秋节"),
    ("national", "国庆节"),
)
MAX_BLOCK_DAYS = 15
REQUIRED_PERMISSIONS = ("workdays.add_calendarday", "workdays.change_calendarday", "workdays.delete_calendarday")

_NOTES = re.compile(r"[（(][^）)]*[）)]")  # （周五）, （农历腊月二十八、周日）
_SEPARATORS = re.compile(r"[、，,；;\s]+|和|及")
_RANGE = re.compile(r"\s*(?:至|到|～|~|—|–)\s*")
_FULL = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")
_DAY = re.compile(r"^(\d{1,2})\s*日?$")


class DateListError(ValueError):
    """A piece of a date list that cannot be read; the message is for the user."""


def _date(
    text: str, year: int, start: datetime.date | None = None, december_is_previous: bool = False
) -> datetime.date:
    text = text.strip().rstrip("放假上班调休")
    try:
        if m := _FULL.match(text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH_DAY.match(text):
            month = int(m[1])
            previous = december_is_previous or (start is not None and start.year == year - 1)
            return datetime.date(year - 1 if previous and month == 12 else year, month, int(m[2]))
        if (m := _DAY.match(text)) and start is not None:
            return datetime.date(start.year, start.month, int(m[1]))
    except ValueError:
        pass
    raise DateListError(f"无法识别日期“{text}”")


def parse_dates(text: str, year: int, *, december_is_previous: bool = False) -> list[datetime.date]:
    """Dates written as in the notice: ``1月1日至3日``, ``2月14日、2月28日``, ``2027-10-01至2027-10-07``.

    A date without a year is in ``year`` (a December date in the previous year where
    ``december_is_previous``, for 元旦); a bare day after 至 takes the month of the range's start.
    """
    days: list[datetime.date] = []
    text = _NOTES.sub("", text or "")
    for piece in filter(None, (p.strip() for p in _SEPARATORS.split(text))):
        ends = _RANGE.split(piece)
        if len(ends) > 2 or not all(ends):
            raise DateListError(f"无法识别“{piece}”")
        first = _date(ends[0], year, december_is_previous=december_is_previous)
        if len(ends) == 1:
            days.append(first)
            continue
        last = _date(ends[1], year, start=first)
        if last < first:
            raise DateListError(f"“{piece}”的结束日期早于开始日期")
        if (last - first).days + 1 > MAX_BLOCK_DAYS:
            raise DateListError(f"“{piece}”超过{MAX_BLOCK_DAYS}天，请核对")
        days.extend(first + datetime.timedelta(days=i) for i in range((last - first).days + 1))
    return days


def format_dates(days: list[datetime.date], year: int) -> str:
    """The inverse of ``parse_dates``, consecutive days as ranges: ``2月5日至2月8日、2月20日``."""

    def label(day: datetime.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日" if day.year != year else f"{day.month}月{day.day}日"

    parts = []
    ordered = sorted(set(days))
    for _, run in groupby(enumerate(ordered), key=lambda pair: pair[1].toordinal() - pair[0]):
        block = [day for _, day in run]
        parts.append(label(block[0]) if len(block) == 1 else f"{label(block[0])}至{label(block[-1])}")
    return "、".join(parts)


def _weekday(day: datetime.date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class YearScheduleForm(forms.Form):
    """The notice's lines: days off and make-up working days per holiday."""

    year = forms.IntegerField(label="年份", min_value=workdays.MIN_YEAR, max_value=workdays.MAX_YEAR)
    source = forms.CharField(
        label="依据文件", max_length=100, help_text="国务院办公厅通知的文号，如 国办发明电〔2026〕7号。"
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    change_reason = forms.CharField(
        label="修改原因", required=False, max_length=100, help_text="留空则记为“按依据文件录入”。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, name in FESTIVALS:
            self.fields[f"{key}_off"] = forms.CharField(
                label=f"{name}·放假",
                required=False,
                max_length=300,
                help_text="按通知照录，如“1月1日至3日”；含调休放假的工作日和期间的周末。",
            )
            self.fields[f"{key}_work"] = forms.CharField(
                label=f"{name}·调休上班",
                required=False,
                max_length=300,
                help_text="调为上班的周六、周日，如“2月14日、2月28日”；没有则留空。",
            )

    def festival_rows(self):
        """(name, off field, work field) for the template, in the notice's order."""
        return [(name, self[f"{key}_off"], self[f"{key}_work"]) for key, name in FESTIVALS]

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None:
            return cleaned
        off: dict[datetime.date, list[str]] = {}
        work: dict[datetime.date, list[str]] = {}
        for key, name in FESTIVALS:
            for suffix, target in (("off", off), ("work", work)):
                field = f"{key}_{suffix}"
                try:
                    days = parse_dates(cleaned.get(field, ""), year, december_is_previous=key == "new_year")
                except DateListError as error:
                    self.add_error(field, f"{error}。请按“1月1日至3日”“2月14日、2月28日”的格式填写。")
                    continue
                earliest = datetime.date(year - 1, 12, 1) if key == "new_year" or suffix == "work" else None
                for day in days:
                    if day.year != year and not (earliest and earliest <= day):
                        self.add_error(field, f"{_cn(day)}不在{year}年内。")
                        break
                    if suffix == "work" and day.weekday() < 5:
                        self.add_error(field, f"{_cn(day)}是{_weekday(day)}，调休上班只能是周六或周日。")
                        break
                    target.setdefault(day, []).append(name)
        if self.errors:
            return cleaned
        both = sorted(set(off) & set(work))
        if both:
            day = both[0]
            raise forms.ValidationError(
                f"{_cn(day)}既列为{'、'.join(off[day])}放假，又列为{'、'.join(work[day])}调休上班，请核对通知。"
            )
        if not off:
            raise forms.ValidationError("请至少填写一个节日的放假日期。")
        missing = [(day, name) for day, name in workdays.statutory_holidays(year).items() if day not in off]
        if missing:
            listed = "、".join(f"{_cn(day)}（{name}）" for day, name in missing)
            raise forms.ValidationError(
                f"法定节假日{listed}未列入放假日期。按《全国年节及纪念日放假办法》这些日子必须放假，请核对通知。"
            )
        cleaned["days"] = {
            **{day: (DayKind.HOLIDAY, "、".join(dict.fromkeys(names))) for day, names in off.items()},
            **{day: (DayKind.WORKDAY, "、".join(dict.fromkeys(names))) for day, names in work.items()},
        }
        return cleaned

    @classmethod
    def initial_for(cls, year: int) -> dict:
        """What the form shows for ``year``: the rows entered so far, else the statutory holidays."""
        initial = {"year": year}
        entered = CalendarYear.objects.filter(year=year).first()
        if entered:
            initial.update(source=entered.source, note=entered.note)
        rows = list(
            CalendarDay.objects.filter(date__gte=datetime.date(year - 1, 12, 1), date__lte=datetime.date(year, 12, 31))
        )
        rows = [r for r in rows if r.date.year == year or r.kind == DayKind.WORKDAY or "元旦" in r.name]
        if rows:
            source = [(r.date, r.kind, r.name) for r in rows]
        else:
            source = [(day, DayKind.HOLIDAY, name) for day, name in workdays.statutory_holidays(year).items()]
        for key, name in FESTIVALS:
            off = [day for day, kind, names in source if kind == DayKind.HOLIDAY and name in names.split("、")]
            work = [day for day, kind, names in source if kind == DayKind.WORKDAY and name in names.split("、")]
            initial[f"{key}_off"] = format_dates(off, year)
            initial[f"{key}_work"] = format_dates(work, year)
        return initial


def default_year() -> int:
    """The first year from this one on that is not yet officially known."""
    calendar = workdays.current_calendar()
    year = timezone.localdate().year
    while calendar.covers(year) and year < workdays.MAX_YEAR:
        year += 1
    return year


@transaction.atomic
def save_year(user, year: int, source: str, note: str, days: dict, reason: str = "") -> tuple[int, int]:
    """Replace the year's rows by ``days`` (date -> (kind, name)) and mark the year complete.

    Returns (days off, make-up days) of the year. Unchanged rows are left alone, so the history
    shows only what the notice changed.
    """
    reason = reason.strip() or f"按{source}录入{year}年节假日安排"
    listed_before = {d for d in days if d.year != year}
    rows = CalendarDay.objects.select_for_update().filter(Q(date__year=year) | Q(date__in=listed_before))
    existing = {row.date: row for row in rows}
    for day, row in existing.items():
        if day not in days and day.year == year:
            row._history_user, row._change_reason = user, reason
            row.delete()
    for day, (kind, name) in sorted(days.items()):
        row = existing.get(day) or CalendarDay(date=day)
        if row.pk and (row.kind, row.name) == (kind, name):
            continue
        row.kind, row.name = kind, name
        row._history_user, row._change_reason = user, reason
        row.save()
    entry = CalendarYear.objects.select_for_update().filter(year=year).first() or CalendarYear(year=year)
    entry.is_complete, entry.source, entry.note = True, source, note or entry.note
    entry._history_user, entry._change_reason = user, reason
    entry.save()
    in_year = [kind for day, (kind, _) in days.items() if day.year == year]
    return in_year.count(DayKind.HOLIDAY), in_year.count(DayKind.WORKDAY)


def may_enter(user) -> bool:
    return all(user.has_perm(p) for p in REQUIRED_PERMISSIONS) and user.has_perm("workdays.change_calendaryear")


class YearScheduleView(WagtailAdminTemplateMixin, FormView):
    form_class = YearScheduleForm
    template_name = "workdays/admin/calendar_year_entry.html"
    page_title = "按通知录入年度节假日安排"
    header_icon = "date"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("calendar-years:index"), "label": "工作日历"},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not may_enter(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = default_year()
        if not workdays.MIN_YEAR <= year <= workdays.MAX_YEAR:
            year = default_year()
        return YearScheduleForm.initial_for(year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["form"]["year"].value()
        try:
            year = int(year)
            statutory = workdays.statutory_holidays(year)
        except (TypeError, ValueError):
            statutory = {}
        context.update(
            statutory=[(day, name, _weekday(day)) for day, name in statutory.items()],
            entered=CalendarYear.objects.filter(year=year, is_complete=True).exists() if statutory else False,
            shipped=year in workdays.package_years() if statutory else False,
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        off, work = save_year(
            self.request.user, data["year"], data["source"], data["note"], data["days"], data["change_reason"]
        )
        messages.success(
            self.request,
            f"已按{data['source']}录入{data['year']}年节假日安排：放假{off}天，调休上班{work}天。"
            "按预计日期计算的期限已按正式安排重新计算。",
        )
        return redirect(reverse("calendar-years:index"))


class _EntryMenuItem(MenuItem):
    def is_shown(self, request):
        return may_enter(request.user)


class YearScheduleViewSet(ViewSet):
    """The menu entry and URL of the form (工作日历 › 按通知录入)."""

    name = "calendar-entry"
    icon = "date"
    menu_label = "按通知录入"
    menu_item_class = _EntryMenuItem

    def get_urlpatterns(self):
        return [path("", YearScheduleView.as_view(), name="index")]
