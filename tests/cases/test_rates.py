"""办件统计: hand-counted rates (cases.rates), the public aggregate API, the admin page and its Excel."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases import rates
from cases.models import Case, CaseState

from .factories import CaseFactory, take

D = datetime.date
pytestmark = pytest.mark.django_db
NOV = (D(2026, 11, 1), D(2026, 11, 30))
API = "/api/v1/cases/rates/"


@pytest.fixture
def completed(case_world):
    """Department A, completed in November 2026 (promised matter: 10 working days):

    1. 即办件, completed on the spot on Thu 5 Nov (window, 1 visit, used 0);
    2. online, accepted Mon 2 Nov, completed Tue 10 Nov: early (due 16 Nov), used 6, 0 visits;
    3. at A's window, accepted 2 Nov, completed on its due date Mon 16 Nov: on time, used 10;
    4. 补正 once, accepted 4 Nov (due 18 Nov), completed Thu 19 Nov: late, used 11, 2 visits.

    Not counted in November: a withdrawn and a rejected case of A, a running one, one of A completed
    in October. Department B: one case completed early on 3 Nov.
    """
    promised, immediate = case_world.matters["promised"], case_world.matters["immediate"]
    one = take(CaseFactory(matter=immediate, applied_on=D(2026, 11, 5)), "complete_now", on=D(2026, 11, 5))
    two = CaseFactory(matter=promised, channel="online", accepted_on=D(2026, 11, 2))
    take(two, "handle", on=D(2026, 11, 3))
    two = take(two, "approve", on=D(2026, 11, 10))
    three = CaseFactory(matter=promised, window=case_world.windows["own"], accepted_on=D(2026, 11, 2))
    three = take(three, "approve", on=D(2026, 11, 16))
    four = CaseFactory(matter=promised, applied_on=D(2026, 11, 2))
    take(four, "amend", on=D(2026, 11, 2), extra_defects="申请表未签字")
    take(four, "resubmit", on=D(2026, 11, 4))
    take(four, "accept", on=D(2026, 11, 4))
    four = take(four, "approve", on=D(2026, 11, 19))

    withdrawn = CaseFactory(matter=promised, accepted_on=D(2026, 11, 2))
    take(withdrawn, "withdraw", on=D(2026, 11, 5), note="申请人撤回")
    rejected = CaseFactory(matter=promised, applied_on=D(2026, 11, 2))
    take(rejected, "reject", on=D(2026, 11, 3), note="不属于受理范围")
    CaseFactory(matter=promised, accepted_on=D(2026, 11, 20))
    october = CaseFactory(matter=promised, accepted_on=D(2026, 10, 12))
    take(october, "approve", on=D(2026, 10, 13))
    other = CaseFactory(matter=case_world.matters["other"], accepted_on=D(2026, 11, 2))
    take(other, "approve", on=D(2026, 11, 3))
    return {"one": one, "two": two, "three": three, "four": four}


def test_the_four_cases_are_what_the_rates_count(completed):
    one, two, three, four = (completed[k] for k in ("one", "two", "three", "four"))
    assert one.on_the_spot and one.immediate and one.used_days == 0 and one.due_date == one.completed_on
    assert (two.due_date, two.used_days, two.visits) == (D(2026, 11, 16), 6, 0)
    assert (three.due_date, three.used_days) == (D(2026, 11, 16), 10)
    assert (four.due_date, four.used_days, four.amendments, four.visits) == (D(2026, 11, 18), 11, 1, 2)


def test_rates_by_department_are_hand_counted_in_one_query(case_world, completed):
    with CaptureQueriesContext(connection) as queries:
        rows = rates.rates(Case.objects.all(), "department", *NOV)
    assert len(queries) == 1
    by_key = {row.key: row for row in rows}
    assert set(by_key) == {case_world.dept_a.pk, case_world.dept_b.pk}
    a, b = by_key[case_world.dept_a.pk], by_key[case_world.dept_b.pk]
    assert a.label == case_world.dept_a.name
    assert a.total == 4  # withdrawn, rejected, running and October cases left out
    assert a.immediate_share == 1 / 4
    assert a.on_the_spot_rate == 1 / 4
    assert a.on_time_rate == 3 / 4
    assert a.early_rate == 1 / 4
    assert a.once_rate == 3 / 4
    assert a.online_share == 1 / 4
    assert a.avg_used == pytest.approx(27 / 4)
    assert a.avg_promised == pytest.approx(30 / 4)
    assert a.avg_visits == pytest.approx(1.0)
    assert (b.total, b.on_time_rate, b.early_rate) == (1, 1.0, 1.0)


def test_other_dimensions(case_world, completed):
    everything = Case.objects.all()
    months = rates.rates(everything, "month", D(2026, 10, 1), D(2026, 11, 30))
    assert [(row.label, row.total) for row in months] == [("2026年10月", 1), ("2026年11月", 5)]
    halls = {row.label: row.total for row in rates.rates(everything, "hall", *NOV)}
    assert halls == {"甲局大厅": 1, rates.NO_HALL: 4}
    windows = {row.label: row.total for row in rates.rates(everything, "window", *NOV)}
    assert windows["甲局大厅 A01号窗口"] == 1
    matters = {row.label: row.total for row in rates.rates(everything, "matter", *NOV)}
    assert matters == {"甲局许可事项": 3, "甲局即办事项": 1, "乙局许可事项": 1}
    levels = rates.rates(everything, "level", *NOV)
    assert sum(row.total for row in levels) == 5
    overall = rates.overall(everything, *NOV)
    assert (overall.total, overall.on_time, overall.early) == (5, 4, 2)
    with pytest.raises(rates.RatesError) as error:
        rates.rates(everything, "colour")
    assert error.value.field == "by"


def test_period_parsing():
    assert rates.period("2026-06", "2026-11") == (D(2026, 6, 1), D(2026, 11, 30))
    assert rates.period("2028-02", "2028-02") == (D(2028, 2, 1), D(2028, 2, 29))
    for start, end, field in [("2026-13", "2026-11", "from"), ("2026-06", "", "to"), ("2026-11", "2026-06", "to")]:
        with pytest.raises(rates.RatesError) as error:
            rates.period(start, end)
        assert error.value.field == field


def test_public_api_gives_the_rates_without_personal_data(case_world, completed):
    answer = APIClient().get(API, {"by": "department", "from": "2026-11", "to": "2026-11"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["by"], data["start"], data["end"]) == ("department", "2026-11-01", "2026-11-30")
    a = next(row for row in data["rows"] if row["key"] == str(case_world.dept_a.pk))
    assert (a["label"], a["total"], a["on_time"], a["early"]) == (case_world.dept_a.name, 4, 3, 1)
    assert (a["on_time_rate"], a["early_rate"], a["once_rate"], a["on_the_spot_rate"]) == (0.75, 0.25, 0.75, 0.25)
    assert (a["average_used_days"], a["average_promised_days"], a["average_visits"]) == (6.75, 7.5, 1.0)
    assert data["total"]["total"] == 5
    body = answer.content.decode()
    assert "张三丰" not in body and completed["one"].number not in body
    monthly = APIClient().get(API, {"by": "month", "from": "2026-10", "to": "2026-11"}).json()
    assert [(r["key"], r["total"]) for r in monthly["rows"]] == [("2026-10", 1), ("2026-11", 5)]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"by": "colour", "from": "2026-06", "to": "2026-11"}, "by"),
        ({"by": "department", "from": "2026/06", "to": "2026-11"}, "from"),
        ({"by": "department", "from": "2026-06"}, "to"),
        ({"by": "department", "from": "2026-11", "to": "2026-06"}, "to"),
    ],
)
def test_public_api_bad_parameters_are_400_naming_them(db, params, named):
    answer = APIClient().get(API, params)
    assert answer.status_code == 400
    assert named in answer.json()["detail"]
    assert answer.json()["field"] == named


def test_the_rates_route_is_not_shadowed_by_a_case_number(db):
    from django.urls import resolve

    assert resolve(API).url_name == "case-rates"


def test_rates_page_renders_for_the_supervisor_with_charts_and_the_promise(client, case_world, completed):
    client.force_login(case_world.users["supervisor"])
    page = client.get(reverse("cases_rates"), {"start": "2026-11", "end": "2026-11", "by": "department"})
    assert page.status_code == 200
    html = page.content.decode()
    assert case_world.dept_a.name in html and case_world.dept_b.name in html
    assert "75.0%" in html and "<svg" in html and "ranking-chart" in html and "trend-chart" in html
    assert "承诺（事项目录" in html and "即办件占比" in html
    for by in rates.DIMENSIONS:
        assert client.get(reverse("cases_rates"), {"start": "2026-10", "end": "2026-11", "by": by}).status_code == 200
    bad = client.get(reverse("cases_rates"), {"start": "2026-13", "end": "2026-11"})
    assert bad.status_code == 200 and "起始月份" in bad.content.decode()


def test_rates_page_of_a_department_counts_only_its_own_cases(client, case_world, completed):
    client.force_login(case_world.users["owner_b"])
    page = client.get(reverse("cases_rates"), {"start": "2026-11", "end": "2026-11", "by": "department"})
    assert page.status_code == 200
    html = page.content.decode()
    assert case_world.dept_b.name in html and case_world.dept_a.name not in html


def test_rates_excel_download_opens(client, case_world, completed):
    client.force_login(case_world.users["supervisor"])
    answer = client.get(
        reverse("cases_rates"), {"start": "2026-11", "end": "2026-11", "by": "department", "export": "xlsx"}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("部门", "办结件数", "即办件占比", "当场办结率", "按时办结率")
    a = next(row for row in rows if row[0] == case_world.dept_a.name)
    assert a[1] == 4 and a[4] == 0.75
    assert any(row[0] == "合计" and row[1] == 5 for row in rows)


def test_rates_page_is_refused_to_a_user_without_a_role(client, case_world):
    client.force_login(case_world.users["nodept"])
    assert client.get(reverse("cases_rates")).status_code in (302, 403)


def test_withdrawn_and_rejected_never_count(completed):
    assert Case.objects.filter(state__in=(CaseState.WITHDRAWN, CaseState.REJECTED)).count() == 2
    assert rates.completed(Case.objects.all()).filter(state__in=(CaseState.WITHDRAWN, CaseState.REJECTED)).count() == 0


def test_public_rates_are_cached_until_a_case_is_completed(case_world, completed, django_capture_on_commit_callbacks):
    params = {"by": "department", "from": "2026-11", "to": "2026-11"}
    first = APIClient().get(API, params)
    assert first["Cache-Control"] == "public, max-age=60" and first.json()["total"]["total"] == 5
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get(API, params).json()["total"]["total"] == 5
    assert not [q for q in queries if "cases_case" in q["sql"]]  # answered from the cache
    running = CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        take(running, "approve", on=D(2026, 11, 23))
    assert APIClient().get(API, params).json()["total"]["total"] == 6


@pytest.mark.parametrize("by", ["department", "hall", "window", "matter", "level", "month"])
def test_the_rows_of_any_grouping_add_up_to_the_overall_figures(case_world, completed, by):
    everything = Case.objects.all()
    combined = rates.combine(rates.rates(everything, by, *NOV))
    overall = rates.overall(everything, *NOV)
    for name in rates.COUNTED:
        assert getattr(combined, name) == getattr(overall, name)
    for name in ("avg_used", "avg_promised", "avg_visits"):
        assert getattr(combined, name) == pytest.approx(getattr(overall, name))
