"""The working-day calendar: official 2025/2026 schedules, overrides, uncovered years, API and admin.

Every expected date below was checked by hand against the State Council notices (国办发明电〔2024〕12号
for 2025, 国办发明电〔2025〕7号 for 2026) and against `chinese_calendar`; the first tests assert that
the package still says so, so a changed package shows up here and not as a wrong deadline.
"""

from __future__ import annotations

import datetime
import json
import re

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import cache as shared_cache
from workdays import service as workdays
from workdays.models import CalendarDay, CalendarYear, DayKind

from ..permissions.factories import UserFactory
from .factories import CalendarDayFactory, CalendarYearFactory

pytestmark = pytest.mark.django_db

D = datetime.date
CJK = re.compile(r"[\u4e00-\u9fff]")


def span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Rows created by a test are rolled back without a signal: start and end with an empty cache."""
    workdays.invalidate_cache()
    yield
    workdays.invalidate_cache()


# ---- the official schedules ---------------------------------------------------------------

HOLIDAY_BLOCKS = {
    "2025 春节": (D(2025, 1, 28), D(2025, 2, 4)),
    "2025 国庆节、中秋节": (D(2025, 10, 1), D(2025, 10, 8)),
    "2026 春节": (D(2026, 2, 15), D(2026, 2, 23)),
    "2026 国庆节": (D(2026, 10, 1), D(2026, 10, 7)),
}

MAKE_UP_DAYS = {
    D(2025, 1, 26): "春节",  # Sunday
    D(2025, 2, 8): "春节",  # Saturday
    D(2025, 9, 28): "国庆节",  # Sunday
    D(2025, 10, 11): "国庆节",  # Saturday
    D(2026, 2, 14): "春节",  # Saturday
    D(2026, 2, 28): "春节",  # Saturday
    D(2026, 9, 20): "国庆节",  # Sunday
    D(2026, 10, 10): "国庆节",  # Saturday
}


@pytest.mark.parametrize("block", HOLIDAY_BLOCKS.values(), ids=HOLIDAY_BLOCKS.keys())
def test_every_day_of_a_holiday_block_is_off_and_the_days_around_it_are_worked(block):
    first, last = block
    for day in span(first, last):
        assert chinese_calendar.is_holiday(day), day  # the package agrees with the notice
        assert workdays.is_working_day(day) is False, day
    assert workdays.is_working_day(first - datetime.timedelta(days=1)) is True
    assert workdays.is_working_day(last + datetime.timedelta(days=1)) is True


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=str)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert chinese_calendar.is_workday(day)
    assert workdays.is_working_day(day) is True
    assert workdays.day_name(day) == MAKE_UP_DAYS[day]


def test_ordinary_weekends_are_off_and_weekdays_worked():
    assert workdays.is_working_day(D(2025, 3, 8)) is False  # Saturday
    assert workdays.is_working_day(D(2025, 3, 9)) is False  # Sunday
    assert workdays.is_working_day(D(2025, 3, 10)) is True  # Monday
    assert workdays.day_name(D(2025, 3, 10)) == ""


def test_day_names_are_the_chinese_names_of_the_notice():
    assert workdays.day_name(D(2025, 10, 1)) == "国庆节"
    assert workdays.day_name(D(2025, 10, 6)) == "中秋节"
    assert workdays.day_name(D(2026, 2, 17)) == "春节"
    assert workdays.day_name(D(2026, 1, 1)) == "元旦"


# ---- counting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 2025 Spring Festival, from Friday 24 January.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # the make-up Sunday is the first working day
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # jumps the eight holidays
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        (D(2025, 1, 24), 6, D(2025, 2, 8)),  # the make-up Saturday
        (D(2025, 1, 24), 7, D(2025, 2, 10)),
        # 2025 National Day and Mid-Autumn, from Friday 26 September.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),
        (D(2025, 9, 26), 20, D(2025, 10, 30)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 10, 1), 1, D(2025, 10, 9)),  # starting on a holiday
        # 2026 Spring Festival, from Thursday 12 February.
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # make-up Saturday before the holidays
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 12), 7, D(2026, 2, 28)),  # make-up Saturday after them
        (D(2026, 2, 12), 20, D(2026, 3, 18)),
        # 2026 National Day, from Friday 18 September and Wednesday 30 September.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 20, D(2026, 11, 3)),
        # Across the turn of 2025/2026 (New Year's Day 2026: 1-3 January, make-up Sunday 4 January).
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 30), 2, D(2026, 1, 4)),
    ],
)
def test_add_working_days_across_holidays(start, days, expected):
    assert workdays.add_working_days(start, days) == expected
    assert workdays.working_days_between(start, expected) == days


@pytest.mark.parametrize("start", [D(2025, 9, 26), D(2025, 10, 1), D(2025, 10, 4), D(2026, 2, 14)], ids=str)
def test_the_start_is_day_zero(start):
    assert workdays.add_working_days(start, 0) == start


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 9, 26), D(2025, 10, 10), 5),
        (D(2025, 9, 26), D(2025, 10, 8), 3),  # a deadline cannot end on a holiday: still 3
        (D(2025, 1, 24), D(2025, 2, 10), 7),
        (D(2026, 2, 13), D(2026, 2, 28), 6),
        (D(2026, 2, 13), D(2026, 2, 14), 1),
        (D(2026, 9, 30), D(2026, 10, 10), 3),
        (D(2025, 12, 1), D(2026, 12, 31), 22 + 248),  # rest of December 2025, and all of 2026 (248)
        (D(2025, 10, 10), D(2025, 10, 10), 0),
        (D(2025, 10, 10), D(2025, 9, 26), 0),
    ],
)
def test_working_days_between(start, end, expected):
    assert workdays.working_days_between(start, end) == expected
    by_package = sum(1 for day in span(start, end)[1:] if chinese_calendar.is_workday(day))
    assert by_package == expected


def test_add_and_between_are_inverse_over_two_years():
    start = D(2025, 1, 2)
    previous = start
    for days in range(1, 480):
        due = workdays.add_working_days(start, days)
        assert due > previous
        assert chinese_calendar.is_workday(due)
        assert workdays.working_days_between(start, due) == days
        assert workdays.working_days_between(start, due - datetime.timedelta(days=1)) == days - 1
        previous = due


def test_negative_days_and_datetimes_are_refused():
    with pytest.raises(ValueError, match="负数"):
        workdays.add_working_days(D(2025, 3, 3), -1)
    with pytest.raises(TypeError):
        workdays.add_working_days(datetime.datetime(2025, 3, 3, 9, 0), 1)
    with pytest.raises(TypeError):
        workdays.is_working_day("2025-03-03")


# ---- years nobody has entered ---------------------------------------------------------------


def test_a_year_the_package_does_not_know_is_refused_with_its_number():
    assert 2027 not in workdays.package_years()
    with pytest.raises(workdays.UncoveredYearError) as caught:
        workdays.is_working_day(D(2027, 3, 1))
    assert caught.value.year == 2027
    assert "2027年" in str(caught.value) and "工作日历" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_count_starting_in_2026_that_runs_into_2027_is_refused():
    # 1 December 2026 + 22 working days is the last day of 2026; one more needs 2027.
    assert workdays.add_working_days(D(2026, 12, 1), 22) == D(2026, 12, 31)
    with pytest.raises(workdays.UncoveredYearError, match="2027年"):
        workdays.add_working_days(D(2026, 12, 1), 23)
    with pytest.raises(workdays.UncoveredYearError, match="2027年"):
        workdays.add_working_days(D(2026, 12, 31), 1)
    with pytest.raises(workdays.UncoveredYearError, match="2027年"):
        workdays.working_days_between(D(2026, 12, 30), D(2027, 1, 5))
    assert workdays.working_days_between(D(2026, 12, 30), D(2026, 12, 31)) == 1


def enter_2027(*, complete: bool = True) -> CalendarYear:
    """A hypothetical 2027 schedule (the real one is announced in November 2026): test data only."""
    CalendarDayFactory(date=D(2027, 1, 1), name="元旦")
    CalendarDayFactory(date=D(2027, 1, 9), workday=True, name="元旦")  # a Saturday
    return CalendarYearFactory(year=2027, is_complete=complete, source="国办发明电〔2026〕X号")


def test_an_entered_incomplete_year_is_still_refused():
    enter_2027(complete=False)
    with pytest.raises(workdays.UncoveredYearError, match="2027年"):
        workdays.add_working_days(D(2026, 12, 31), 1)


def test_an_entered_complete_year_is_counted_with_its_days():
    with pytest.raises(workdays.UncoveredYearError):
        workdays.add_working_days(D(2026, 12, 31), 1)  # cached as uncovered first
    enter_2027()
    assert workdays.is_working_day(D(2027, 1, 1)) is False  # a Friday, entered as a holiday
    assert workdays.day_name(D(2027, 1, 1)) == "元旦"
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert workdays.add_working_days(D(2026, 12, 31), 5) == D(2027, 1, 8)
    assert workdays.add_working_days(D(2026, 12, 31), 6) == D(2027, 1, 9)  # the entered make-up Saturday
    assert workdays.add_working_days(D(2026, 12, 31), 7) == D(2027, 1, 11)
    assert workdays.working_days_between(D(2026, 12, 30), D(2027, 1, 11)) == 8
    with pytest.raises(workdays.UncoveredYearError, match="2028年"):
        workdays.add_working_days(D(2027, 12, 31), 1)


def test_unmarking_a_year_as_complete_refuses_it_again():
    year = enter_2027()
    assert workdays.is_working_day(D(2027, 1, 4)) is True
    year.is_complete = False
    year.save()
    with pytest.raises(workdays.UncoveredYearError):
        workdays.is_working_day(D(2027, 1, 4))


# ---- overrides of the package and the cache --------------------------------------------------


def test_an_override_of_a_package_year_changes_the_answer_and_the_cache_follows():
    assert workdays.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # warm the cache
    day = CalendarDayFactory(date=D(2026, 3, 3), name="临时放假")
    assert workdays.is_working_day(D(2026, 3, 3)) is False
    assert workdays.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    assert workdays.day_name(D(2026, 3, 3)) == "临时放假"
    day.delete()
    assert workdays.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)


def test_an_override_can_make_a_package_holiday_a_working_day():
    assert workdays.is_working_day(D(2026, 10, 7)) is False
    CalendarDayFactory(date=D(2026, 10, 7), workday=True, name="国庆节", note="更正")
    assert workdays.is_working_day(D(2026, 10, 7)) is True
    assert workdays.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 7)


def test_a_change_in_another_process_is_seen_through_the_shared_version():
    day = CalendarDayFactory(date=D(2026, 3, 3), name="临时放假")
    assert workdays.is_working_day(D(2026, 3, 3)) is False
    # Another worker changes the row; this process gets no signal, only the bumped shared version.
    CalendarDay.objects.filter(pk=day.pk).update(kind=DayKind.WORKDAY)
    assert workdays.is_working_day(D(2026, 3, 3)) is False  # still the cached snapshot
    shared_cache.bump(workdays.VERSION_NAME)  # as the other process's post_save handler does
    assert workdays.is_working_day(D(2026, 3, 3)) is True


def test_many_computations_reuse_the_cache_without_queries(django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(2):  # one snapshot of the two override tables
        workdays.add_working_days(D(2025, 1, 2), 20)
    starts = span(D(2025, 1, 1), D(2026, 6, 30))
    with django_assert_num_queries(0):
        dues = [workdays.add_working_days(start, 20) for start in starts]
        counts = [workdays.working_days_between(start, due) for start, due in zip(starts, dues, strict=True)]
    assert set(counts) == {20}
    calendar = workdays.current_calendar()
    assert calendar is workdays.current_calendar()


# ---- validation of the overrides ---------------------------------------------------------------


def test_a_make_up_working_day_on_an_ordinary_weekday_is_refused():
    day = CalendarDay(date=D(2027, 3, 3), kind=DayKind.WORKDAY, name="春节")  # a Wednesday
    with pytest.raises(ValidationError) as caught:
        day.full_clean()
    message = " ".join(caught.value.message_dict["kind"])
    assert "星期三" in message and "无需录入为调休上班" in message


def test_a_holiday_on_a_weekend_and_a_correction_of_a_package_holiday_are_allowed():
    CalendarDay(date=D(2027, 2, 6), kind=DayKind.HOLIDAY, name="春节").full_clean()  # a Saturday
    CalendarDay(date=D(2026, 10, 7), kind=DayKind.WORKDAY, name="国庆节").full_clean()  # package holiday
    CalendarDay(date=D(2027, 1, 9), kind=DayKind.WORKDAY, name="元旦").full_clean()  # a Saturday


def test_a_day_outside_the_supported_years_is_refused():
    with pytest.raises(ValidationError, match="2000年至2100年"):
        CalendarDay(date=D(1999, 10, 1), kind=DayKind.HOLIDAY, name="国庆节").full_clean()


def test_a_year_cannot_be_marked_complete_without_holidays_or_source():
    year = CalendarYear(year=2027, is_complete=True)
    with pytest.raises(ValidationError) as caught:
        year.full_clean()
    assert "还没有录入任何法定节假日" in " ".join(caught.value.message_dict["is_complete"])
    assert "文号" in " ".join(caught.value.message_dict["source"])
    CalendarDayFactory(date=D(2027, 1, 1), name="元旦")
    CalendarYear(year=2027, is_complete=True, source="国办发明电〔2026〕X号").full_clean()
    CalendarYear(year=2027, is_complete=False).full_clean()  # entering step by step is fine
    CalendarYear(year=2026, is_complete=True).full_clean()  # a shipped year needs nothing


def test_the_models_keep_history():
    day = CalendarDayFactory(date=D(2026, 3, 3), name="临时放假")
    day.name = "临时放假（更正）"
    day._change_reason = "更正名称"
    day.save()
    assert [h.history_type for h in day.history.all()] == ["~", "+"]
    assert day.history.first().history_change_reason == "更正名称"


# ---- the API --------------------------------------------------------------------------------

DUE = "/api/v1/workdays/due-date"
IS_WORKING = "/api/v1/workdays/is-working-day"


def test_api_due_date(client):
    response = client.get(DUE, {"start": "2025-09-26", "days": "5"})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-26",
        "days": 5,
        "due_date": "2025-10-10",
        "provisional": False,
        "note": "",
    }
    response = client.get(DUE, {"start": "2026-02-12", "days": "20"})
    assert response.json()["due_date"] == "2026-03-18"


def test_api_start_is_day_zero(client):
    response = client.get(DUE, {"start": "2025-10-01", "days": "0"})
    assert response.status_code == 200
    assert response.json()["due_date"] == "2025-10-01" and response.json()["provisional"] is False


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"days": "5"}, "start"),
        ({"start": "", "days": "5"}, "start"),
        ({"start": "2025-13-01", "days": "5"}, "start"),
        ({"start": "2025-02-30", "days": "5"}, "start"),
        ({"start": "20250926", "days": "5"}, "start"),
        ({"start": "26/09/2025", "days": "5"}, "start"),
        ({"start": "2025-09-26"}, "days"),
        ({"start": "2025-09-26", "days": "abc"}, "days"),
        ({"start": "2025-09-26", "days": "1.5"}, "days"),
        ({"start": "2025-09-26", "days": "-1"}, "days"),
        ({"start": "2025-09-26", "days": "3651"}, "days"),
        ({"start": "2025-09-26", "days": "99999999999999999999"}, "days"),
        ({"start": "2100-12-31", "days": "1"}, "2101年"),
    ],
)
def test_api_due_date_refuses_bad_input_in_chinese(client, params, names):
    response = client.get(DUE, params)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert CJK.search(detail)
    assert names in detail


def test_day_zero_needs_no_calendar_even_in_an_uncovered_year(client):
    """No day after the start is examined, so nothing is estimated: the start is the answer."""
    assert workdays.add_working_days(D(2030, 1, 2), 0) == D(2030, 1, 2)
    response = client.get(DUE, {"start": "2030-01-02", "days": "0"})
    assert response.json()["due_date"] == "2030-01-02" and response.json()["provisional"] is False
    with pytest.raises(workdays.UncoveredYearError, match="2030年"):
        workdays.add_working_days(D(2030, 1, 2), 1)


def test_api_estimates_a_year_not_yet_entered_and_says_so(client):
    """From 2026-12-31, one working day: 1 January 2027 is 元旦 by law, 2-3 January a weekend."""
    response = client.get(DUE, {"start": "2026-12-31", "days": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2027-01-04" and body["provisional"] is True and "预计" in body["note"]
    response = client.get(DUE, {"start": "2025-01-02", "days": str(workdays.MAX_DAYS)})
    assert response.status_code == 200 and response.json()["provisional"] is True
    response = client.get(DUE, {"start": "2097-01-02", "days": str(workdays.MAX_DAYS)})
    assert response.status_code == 400 and "2101年" in response.json()["detail"]


def test_api_is_working_day(client):
    assert client.get(IS_WORKING, {"date": "2025-10-01"}).json() == {
        "date": "2025-10-01",
        "is_working_day": False,
        "name": "国庆节",
        "provisional": False,
    }
    assert client.get(IS_WORKING, {"date": "2025-09-28"}).json() == {
        "date": "2025-09-28",
        "is_working_day": True,
        "name": "国庆节",
        "provisional": False,
    }
    assert client.get(IS_WORKING, {"date": "2025-09-29"}).json() == {
        "date": "2025-09-29",
        "is_working_day": True,
        "name": "",
        "provisional": False,
    }
    assert client.get(IS_WORKING, {"date": "2027-02-05"}).json() == {
        "date": "2027-02-05",
        "is_working_day": False,
        "name": "春节",  # 除夕 of the year of the Goat, by law a holiday since 2025
        "provisional": True,
    }
    response = client.get(IS_WORKING, {"date": "2101-01-04"})
    assert response.status_code == 400 and "2101年" in response.json()["detail"]
    response = client.get(IS_WORKING, {"date": "tomorrow"})
    assert response.status_code == 400 and "date" in response.json()["detail"]


def test_api_is_documented_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/workdays/due-date" in schema
    assert "/api/v1/workdays/is-working-day" in schema
    assert "起算日期" in schema


# ---- the admin -------------------------------------------------------------------------------


def test_the_disclosure_office_has_the_calendar_permissions():
    user = UserFactory(username="calendar_editor", disclosure_editor=True)
    for model in ("calendarday", "calendaryear"):
        for action in ("add", "change", "delete", "view"):
            assert user.has_perm(f"workdays.{action}_{model}")


def test_disclosure_editor_lists_and_creates_days_and_history_records_the_user(client):
    user = UserFactory(username="calendar_editor", disclosure_editor=True)
    client.force_login(user)
    CalendarDayFactory(date=D(2026, 3, 3), name="临时放假")
    assert client.get(reverse("calendar-years:index")).status_code == 200
    listing = client.get(reverse("calendar-days:index"))
    assert listing.status_code == 200
    assert "临时放假" in listing.content.decode()

    response = client.post(
        reverse("calendar-days:add"),
        {"date": "2027-01-01", "kind": DayKind.HOLIDAY, "name": "元旦", "note": "", "change_reason": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    record = day.history.get()
    assert record.history_user == user
    assert record.history_change_reason == "录入节假日安排"
    history = client.get(reverse("calendar-days:history", args=[day.pk]))
    assert history.status_code == 200 and "calendar_editor" in history.content.decode()

    filtered = client.get(reverse("calendar-days:index"), {"year": "2027"}).content.decode()
    assert "元旦" in filtered and "临时放假" not in filtered


def test_the_admin_refuses_a_pointless_make_up_day_in_chinese(client):
    client.force_login(UserFactory(username="calendar_editor", disclosure_editor=True))
    response = client.post(
        reverse("calendar-days:add"),
        {"date": "2027-03-03", "kind": DayKind.WORKDAY, "name": "春节", "note": "", "change_reason": ""},
    )
    assert response.status_code == 200
    assert "无需录入为调休上班" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_marking_a_year_complete_in_the_admin_makes_it_count(client):
    client.force_login(UserFactory(username="calendar_editor", disclosure_editor=True))
    CalendarDayFactory(date=D(2027, 1, 1), name="元旦")
    with pytest.raises(workdays.UncoveredYearError):
        workdays.is_working_day(D(2027, 1, 4))
    form = client.get(reverse("calendar-years:add")).content.decode()
    assert "系统已内置2004年至2026年的安排" in form
    response = client.post(
        reverse("calendar-years:add"),
        {"year": "2027", "is_complete": "on", "source": "国办发明电〔2026〕X号", "note": "", "change_reason": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert workdays.is_working_day(D(2027, 1, 4)) is True
    listing = client.get(reverse("calendar-years:index")).content.decode()
    assert "2027" in listing and "国办发明电〔2026〕X号" in listing


def test_a_department_owner_cannot_use_the_calendar_admin(client, world):
    client.force_login(world.users["owner"])
    for url in (reverse("calendar-days:index"), reverse("calendar-years:index"), reverse("calendar-days:add")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(
        reverse("calendar-days:add"),
        {"date": "2026-03-03", "kind": DayKind.HOLIDAY, "name": "临时放假", "note": "", "change_reason": ""},
    )
    assert response.status_code in (302, 403)
    assert not CalendarDay.objects.exists()


def test_the_system_administrator_can_use_the_calendar_admin(client):
    client.force_login(UserFactory(username="root_admin", system_administrator=True))
    assert client.get(reverse("calendar-days:add")).status_code == 200


def test_the_menu_shows_the_calendar_only_to_those_who_keep_it(client, world):
    """The sidebar is JSON with escaped text: look for the listing URLs."""
    client.force_login(world.users["disclosure"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("calendar-days:index") in html and reverse("calendar-years:index") in html
    assert json.dumps("工作日历")[1:-1] in html  # the group's menu label
    client.force_login(world.users["owner"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("calendar-days:index") not in html


# ---- estimates for a year not yet announced (《全国年节及纪念日放假办法》) ---------------------------


@pytest.mark.parametrize("year", range(2008, 2027))
def test_the_statutory_holidays_are_days_off_in_every_official_schedule(year):
    """The law's holidays (lunar dates and 清明 computed) are days off in each shipped year's schedule."""
    holidays = workdays.statutory_holidays(year)
    assert holidays
    assert not [day for day in holidays if chinese_calendar.is_workday(day)]


def test_the_statutory_holidays_of_2025_follow_the_2024_amendment():
    """国务院令第798号: 春节 from 除夕 (4 days) and 劳动节 2 days, from 2025 on."""
    holidays = workdays.statutory_holidays(2025)
    assert [d for d, n in holidays.items() if n == "春节"] == span(D(2025, 1, 28), D(2025, 1, 31))
    assert [d for d, n in holidays.items() if n == "劳动节"] == [D(2025, 5, 1), D(2025, 5, 2)]
    assert len(holidays) == 13
    assert [d for d, n in workdays.statutory_holidays(2024).items() if n == "春节"] == span(
        D(2024, 2, 10), D(2024, 2, 12)
    )  # 2014-2024: 初一 to 初三


def test_a_year_not_entered_is_estimated_and_flagged_while_the_strict_functions_refuse_it():
    due = workdays.due_date(D(2026, 12, 28), 7)
    # 12-29, 12-30, 12-31 in 2026 (official), then 1 January 2027 (元旦), a weekend, 4-7 January.
    assert due == (D(2027, 1, 7), True)
    assert workdays.due_date(D(2026, 12, 1), 22) == (D(2026, 12, 31), False)
    assert workdays.due_date(D(2026, 12, 31), 0) == (D(2026, 12, 31), False)
    assert workdays.count_working_days(D(2026, 12, 28), D(2026, 12, 31)) == (3, False)
    assert workdays.count_working_days(D(2026, 12, 28), D(2027, 1, 7)) == (7, True)
    assert workdays.next_working_day(D(2027, 1, 1)) == (D(2027, 1, 4), True)
    assert workdays.next_working_day(D(2026, 12, 31)) == (D(2026, 12, 31), False)
    assert workdays.working_day(D(2027, 2, 8)) == (False, True)  # 初三
    with pytest.raises(workdays.UncoveredYearError, match="2027年"):
        workdays.add_working_days(D(2026, 12, 28), 7)


def test_days_entered_so_far_count_in_the_estimate_before_the_year_is_complete():
    CalendarDayFactory(date=D(2027, 1, 4), name="元旦")  # the notice, half typed
    assert workdays.next_working_day(D(2027, 1, 1)) == (D(2027, 1, 5), True)


def test_years_outside_the_range_are_refused_even_for_estimates():
    with pytest.raises(workdays.UncoveredYearError, match="2101年"):
        workdays.due_date(D(2100, 12, 31), 1)
    with pytest.raises(workdays.UncoveredYearError, match="2000年至2100年"):
        workdays.working_day(D(2101, 1, 1))


# ---- entering a year as the State Council's notice reads --------------------------------------

NOTICE_2027 = {
    # A hypothetical 2027 notice (test data only; the real one is published by the State Council).
    "year": "2027",
    "source": "国办发明电〔2026〕X号",
    "note": "",
    "change_reason": "",
    "new_year_off": "1月1日（周五）至3日（周日）",
    "new_year_work": "",
    "spring_off": "2月5日（除夕）至2月11日",
    "spring_work": "2月13日（周六）",
    "qingming_off": "4月3日至5日",
    "qingming_work": "",
    "labour_off": "5月1日至5月5日",
    "labour_work": "4月25日（周日）、5月8日（周六）",
    "dragon_boat_off": "6月9日至6月11日",
    "dragon_boat_work": "",
    "mid_autumn_off": "9月15日",
    "mid_autumn_work": "",
    "national_off": "10月1日至7日",
    "national_work": "9月26日（周日）、10月9日（周六）",
}


def test_parsing_dates_as_the_notice_writes_them():
    from workdays.views import DateListError, format_dates, parse_dates

    assert parse_dates("1月1日（周五）至3日（周日）放假调休", 2027) == span(D(2027, 1, 1), D(2027, 1, 3))
    assert parse_dates("12月31日至1月2日", 2023, december_is_previous=True) == span(D(2022, 12, 31), D(2023, 1, 2))
    assert parse_dates("2月14日（周六）、2月28日（周六）上班", 2026) == [D(2026, 2, 14), D(2026, 2, 28)]
    assert parse_dates("2027-10-01至2027-10-03", 2027) == span(D(2027, 10, 1), D(2027, 10, 3))
    assert format_dates(parse_dates("10月1日至8日、10月11日", 2025), 2025) == "10月1日至10月8日、10月11日"
    for bad in ("13月1日", "1月1日至", "昨天", "1月5日至1月3日", "1月1日至1月30日"):
        with pytest.raises(DateListError):
            parse_dates(bad, 2027)


def test_the_office_enters_a_year_from_the_notice_and_estimates_become_official(client):
    user = UserFactory(username="calendar_editor", disclosure_editor=True)
    client.force_login(user)
    url = reverse("calendar-entry:index")
    page = client.get(url, {"year": "2027"}).content.decode()
    assert "2月5日至2月8日" in page  # prefilled with the statutory 春节 (除夕 to 初三)
    assert workdays.due_date(D(2027, 2, 4), 1) == (D(2027, 2, 9), True)
    response = client.post(url, NOTICE_2027)
    assert response.status_code == 302, response.content.decode()[:3000]
    year = CalendarYear.objects.get(year=2027)
    assert year.is_complete and year.source == "国办发明电〔2026〕X号"
    assert year.history.first().history_user == user
    assert workdays.due_date(D(2027, 2, 4), 1) == (D(2027, 2, 12), False)  # 2-5..2-11 off
    assert workdays.is_working_day(D(2027, 2, 13)) is True  # the make-up Saturday
    assert workdays.day_name(D(2027, 9, 26)) == "国庆节"
    row = CalendarDay.objects.get(date=D(2027, 10, 7))
    assert row.history.first().history_change_reason == "按国办发明电〔2026〕X号录入2027年节假日安排"
    # Entering it again with one line changed touches only that line's rows.
    before = CalendarDay.history.count()
    response = client.post(url, {**NOTICE_2027, "mid_autumn_off": "9月15日至9月17日"})
    assert response.status_code == 302
    assert CalendarDay.history.count() - before == 2  # 9-16 and 9-17 added


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"national_work": "10月2日"}, None, "2027年10月2日既列为国庆节放假，又列为国庆节调休上班"),
        ({"spring_work": "2月17日"}, "spring_work", "星期三，调休上班只能是周六或周日"),
        ({"labour_off": "5月32日"}, "labour_off", "无法识别日期"),
        ({"qingming_off": "4月3日至4日"}, None, "2027年4月5日（清明节）未列入放假日期"),
        ({"dragon_boat_off": "2026年6月9日"}, "dragon_boat_off", "不在2027年内"),
        ({"source": ""}, "source", "必填"),
    ],
)
def test_a_notice_with_mistakes_is_refused_naming_the_line_and_nothing_is_written(client, changes, field, message):
    client.force_login(UserFactory(username="calendar_editor", disclosure_editor=True))
    response = client.post(reverse("calendar-entry:index"), {**NOTICE_2027, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__") or []
    assert any(message in e for e in errors) or (field == "source" and errors), form.errors
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_only_those_who_keep_the_calendar_may_enter_a_year(client, world):
    client.force_login(world.users["owner"])
    assert client.get(reverse("calendar-entry:index")).status_code in (302, 403)
    assert client.post(reverse("calendar-entry:index"), NOTICE_2027).status_code in (302, 403)
    assert not CalendarDay.objects.exists()
