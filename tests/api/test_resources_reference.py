"""/api/v1/departments/, /api/v1/categories/, /api/v1/stats/ and /api/v1/workdays/."""

from __future__ import annotations

import datetime

import pytest
import zhconv
from django.test import override_settings
from django.utils import timezone

from matters import lifecycle
from matters.models import MatterType, Term
from sitesearch import analysis
from workdays.models import CalendarDay

from ..matters.factories import MatterFactory, term
from ..permissions.factories import DepartmentFactory
from .resources_helpers import (
    assert_not_found_in_chinese,
    assert_queries_do_not_grow,
    body,
    ids,
    revalidate,
    since,
    tombstones,
)

DEPARTMENTS = "/api/v1/departments/"
CATEGORIES = "/api/v1/categories/"
MATTER_TYPES = "/api/v1/matter-types/"
STATS = "/api/v1/stats/"
WORKDAYS = "/api/v1/workdays/"

pytestmark = pytest.mark.django_db


# ---- departments ---------------------------------------------------------------------------


@pytest.fixture
def tree(world):
    district = DepartmentFactory(
        name="示范市东湖区人民政府", short_name="东湖区", level="county", parent=world.dept_a, sort_order=100
    )
    town = DepartmentFactory(name="东湖区湖滨街道办事处", short_name="湖滨街道", level="town", parent=district)
    closed = DepartmentFactory(name="已撤销的局", short_name="撤销局", is_active=False)
    return {"district": district, "town": town, "closed": closed}


class TestDepartments:
    def test_list_and_detail(self, api, world, tree):
        response = api.get(DEPARTMENTS)
        assert response.status_code == 200
        listed = ids(response)
        assert {world.dept_a.pk, world.dept_b.pk, tree["district"].pk, tree["town"].pk} <= set(listed)
        record = body(api.get(f"{DEPARTMENTS}{tree['district'].pk}/"))
        assert record == {
            **record,
            "name": "示范市东湖区人民政府",
            "short_name": "东湖区",
            "credit_code": tree["district"].credit_code,
            "level": "county",
            "level_name": "县（区）级",
            "parent": world.dept_a.pk,
            "sort_order": 100,
        }
        assert record["slug"]
        assert body(api.get(f"{DEPARTMENTS}{world.dept_a.pk}/"))["parent"] is None

    def test_filters_and_search(self, api, world, tree):
        district, town = tree["district"].pk, tree["town"].pk
        assert ids(api.get(DEPARTMENTS, {"level": "town"})) == [town]
        assert ids(api.get(DEPARTMENTS, {"parent": world.dept_a.pk})) == [district]
        assert ids(api.get(DEPARTMENTS, {"parent_code": tree["district"].credit_code})) == [town]
        top = ids(api.get(DEPARTMENTS, {"top_level": "true"}))
        assert world.dept_a.pk in top and district not in top and town not in top
        assert ids(api.get(DEPARTMENTS, {"code": world.dept_b.credit_code})) == [world.dept_b.pk]
        assert ids(api.get(DEPARTMENTS, {"q": "湖滨"})) == [town]
        bad = api.get(DEPARTMENTS, {"parent": "甲"})
        assert bad.status_code == 400 and "上级部门编号" in body(bad)["parent"][0]

    def test_inactive_department_is_absent_and_404(self, api, world, tree):
        assert tree["closed"].pk not in ids(api.get(DEPARTMENTS))
        assert_not_found_in_chinese(api, f"{DEPARTMENTS}{tree['closed'].pk}/")

    def test_rename_changes_the_etag(self, api, world, tree):
        def rename():
            tree["town"].name = "东湖区湖滨新街道办事处"
            tree["town"].save()

        _, again = revalidate(api, DEPARTMENTS, rename)
        assert "湖滨新街道" in again.content.decode()

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_a_deactivated_department(self, api, world, tree):
        moment = timezone.now()
        tree["town"].is_active = False
        tree["town"].save()
        tree["district"].short_name = "东湖"
        tree["district"].save()
        response = api.get(DEPARTMENTS, since(moment))
        assert ids(response) == [tree["district"].pk]
        assert tombstones(response) == {(str(tree["town"].pk), "withdrawn")}
        assert tombstones(api.get(DEPARTMENTS, {**since(moment), "level": "city"})) == set()

    def test_queries_do_not_grow(self, api, world):
        parent = world.dept_a
        for i in range(20):
            parent = DepartmentFactory(level="city", parent=parent if i % 2 else None)
        assert_queries_do_not_grow(api, DEPARTMENTS)


# ---- categories ----------------------------------------------------------------------------


class TestCategories:
    def test_list_and_detail(self, api, world):
        promised = term("handling_type", "promised")
        response = api.get(CATEGORIES, {"vocabulary": "handling_type"})
        assert response.status_code == 200
        records = body(response)["results"]
        assert records and {r["vocabulary"] for r in records} == {"handling_type"}
        record = body(api.get(f"{CATEGORIES}{promised.pk}/"))
        assert record == {
            **record,
            "id": promised.pk,
            "vocabulary": "handling_type",
            "vocabulary_name": "办件类型",
            "code": promised.code,
            "name": promised.name,
        }
        assert "key" not in record and "aliases" not in record

    def test_filters_and_search(self, api, world):
        theme = term("natural_theme", name="准营准办")
        assert ids(api.get(CATEGORIES, {"vocabulary": "natural_theme", "code": theme.code})) == [theme.pk]
        for query in ("准营准办", "zhunyingzhunban", "zyzb", "準營準辦"):
            assert theme.pk in ids(api.get(CATEGORIES, {"q": query})), query
        bad = api.get(CATEGORIES, {"vocabulary": "colours"})
        assert bad.status_code == 400 and "所属列表" in body(bad)["vocabulary"][0]

    def test_inactive_term_is_absent_and_404(self, api, world):
        retired = Term.objects.create(vocabulary="natural_theme", code="T99", name="停用主题", is_active=False)
        assert retired.pk not in ids(api.get(CATEGORIES, {"vocabulary": "natural_theme", "page_size": 200}))
        assert_not_found_in_chinese(api, f"{CATEGORIES}{retired.pk}/")

    def test_rename_changes_the_etag(self, api, world):
        theme = term("natural_theme", name="准营准办")

        def rename():
            theme.name = "准营准办（新）"
            theme.save()

        _, again = revalidate(api, f"{CATEGORIES}{theme.pk}/", rename)
        assert body(again)["name"] == "准营准办（新）"

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_a_deactivated_term(self, api, world):
        moment = timezone.now()
        theme = term("natural_theme", name="准营准办")
        theme.is_active = False
        theme.save()
        added = Term.objects.create(vocabulary="legal_theme", code="L99", name="新增法人主题")
        response = api.get(CATEGORIES, since(moment))
        assert ids(response) == [added.pk]
        assert tombstones(response) == {(str(theme.pk), "withdrawn")}
        assert tombstones(api.get(CATEGORIES, {**since(moment), "vocabulary": "legal_theme"})) == set()

    def test_queries_do_not_grow(self, api, world):
        for i in range(20):
            Term.objects.create(vocabulary="natural_theme", code=f"Q{i:02d}", name=f"新主题{i}")
        assert_queries_do_not_grow(api, CATEGORIES)


# ---- matter types --------------------------------------------------------------------------


class TestMatterTypes:
    def test_list_detail_filters_and_absent_inactive(self, api, db):
        licensing = MatterType.objects.get(code="01")
        retired = MatterType.objects.create(code="99", name="停用类型", is_active=False)
        response = api.get(MATTER_TYPES)
        assert response.status_code == 200
        listed = ids(response)
        assert licensing.pk in listed and retired.pk not in listed
        record = body(api.get(f"{MATTER_TYPES}{licensing.pk}/"))
        assert record == {**record, "code": "01", "name": licensing.name, "applied_for": licensing.applied_for}
        assert record["updated_at"]
        assert ids(api.get(MATTER_TYPES, {"code": "01"})) == [licensing.pk]
        applied = ids(api.get(MATTER_TYPES, {"applied_for": "true"}))
        assert set(applied) == set(
            MatterType.objects.filter(is_active=True, applied_for=True).values_list("pk", flat=True)
        )
        for query in (licensing.name, analysis.initials(licensing.name), zhconv.convert(licensing.name, "zh-hant")):
            assert ids(api.get(MATTER_TYPES, {"q": query}))[0] == licensing.pk, query
        assert_not_found_in_chinese(api, f"{MATTER_TYPES}{retired.pk}/")

    def test_rename_changes_the_etag(self, api, db):
        licensing = MatterType.objects.get(code="01")

        def rename():
            licensing.name = "行政许可（新）"
            licensing.save()

        _, again = revalidate(api, f"{MATTER_TYPES}{licensing.pk}/", rename)
        assert body(again)["name"] == "行政许可（新）"

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_resends_types_and_withdraws_disabled_ones(self, api, db):
        api.get(MATTER_TYPES)  # the collection row exists
        moment = timezone.now()
        assert body(api.get(MATTER_TYPES, since(moment)))["results"] == []
        retired = MatterType.objects.get(code="01")
        retired.is_active = False
        retired.save()
        response = api.get(MATTER_TYPES, since(moment))
        assert set(ids(response)) == set(MatterType.objects.filter(is_active=True).values_list("pk", flat=True))
        assert tombstones(response) == {(str(retired.pk), "withdrawn")}

    def test_queries_do_not_grow(self, api, db):
        for i in range(20):
            MatterType.objects.create(code=f"T{i:02d}", name=f"测试类型{i}")
        assert_queries_do_not_grow(api, MATTER_TYPES)


# ---- statistics ----------------------------------------------------------------------------


class TestStats:
    def test_one_document_of_the_matters_in_force(self, api, world):
        county = DepartmentFactory(name="东湖区市场监管局", short_name="东湖市监", level="county", parent=world.dept_a)
        MatterFactory(department=county, handling_type=term("handling_type", "immediate"), promised_limit=0, visits=0)
        response = api.get(STATS)
        assert response.status_code == 200 and response["ETag"]
        data = body(response)
        overall = data["overall"]
        assert overall["total"] == 3  # the two drafts do not count
        assert overall["immediate"] == 1 and overall["immediate_share"] == round(1 / 3, 4)
        assert overall["zero_visits"] == 1 and overall["at_most_one_visit"] == 3
        assert overall["average_promised"] == 10.0 and overall["compression"] == 0.5
        assert [(row["level"], row["level_name"], row["total"]) for row in data["by_level"]] == [
            ("city", "市级", 2),
            ("county", "县（区）级", 1),
        ]
        by_department = {row["department"]["id"]: row for row in data["by_department"]}
        assert by_department.keys() == {world.dept_a.pk, world.dept_b.pk, county.pk}
        assert by_department[county.pk]["department"]["credit_code"] == county.credit_code
        assert by_department[county.pk]["immediate_share"] == 1.0

    def test_empty_shares_are_null(self, api, db):
        data = body(api.get(STATS))
        assert data["overall"]["total"] == 0 and data["overall"]["immediate_share"] is None
        assert data["by_level"] == [] and data["by_department"] == []

    @pytest.mark.parametrize("change", ["new", "cancel", "department"])
    def test_relevant_edits_change_the_etag(self, api, world, change):
        def edit():
            if change == "new":
                MatterFactory(department=world.dept_b)
            elif change == "cancel":
                lifecycle.change_state(world.matters["own"], world.users["reviewer"], "cancel", "法律修订")
            else:
                world.dept_a.name = "示范市甲局（更名）"
                world.dept_a.save()

        revalidate(api, STATS, edit)

    def test_a_draft_does_not_change_the_numbers(self, api, world):
        first = api.get(STATS)
        MatterFactory(department=world.dept_a, draft=True)
        assert body(api.get(STATS)) == body(first)


# ---- the working-day calendar --------------------------------------------------------------


class TestWorkdays:
    def test_holidays_and_make_up_days_of_a_year(self, api, db):
        response = api.get(WORKDAYS, {"year": "2025"})
        assert response.status_code == 200 and response["ETag"]
        data = body(response)
        assert data["year"] == 2025 and data["provisional"] is False
        days = {d["date"]: d for d in data["days"]}
        assert days["2025-10-01"] == {
            "date": "2025-10-01",
            "weekday": 3,
            "is_working_day": False,
            "kind": "holiday",
            "name": "国庆节",
        }
        assert days["2025-10-04"]["kind"] == "holiday"  # a weekend day inside the holiday
        assert days["2025-09-28"] == {
            "date": "2025-09-28",
            "weekday": 7,
            "is_working_day": True,
            "kind": "workday",
            "name": "国庆节",
        }
        assert "2025-09-26" not in days  # a plain Friday
        assert "2025-09-27" not in days  # a plain Saturday
        assert [d["date"] for d in data["days"]] == sorted(days)

    def test_default_year_is_this_year(self, api, db):
        response = api.get(WORKDAYS)
        assert response.status_code == 200
        assert body(response)["year"] == timezone.localdate().year

    def test_a_year_not_yet_entered_lists_the_statutory_holidays_as_provisional(self, api, db):
        data = body(api.get(WORKDAYS, {"year": "2027"}))
        assert data["provisional"] is True
        holidays = {d["date"]: d["name"] for d in data["days"] if d["kind"] == "holiday"}
        # 元旦; 春节 from 除夕 (5 February) for four days; 清明 5 April; 劳动节 1-2 May; 端午 9 June;
        # 中秋 15 September; 国庆 1-3 October (and the weekend days among them).
        for day, name in [
            ("2027-01-01", "元旦"),
            ("2027-02-05", "春节"),
            ("2027-02-08", "春节"),
            ("2027-04-05", "清明节"),
            ("2027-05-01", "劳动节"),
            ("2027-06-09", "端午节"),
            ("2027-09-15", "中秋节"),
            ("2027-10-01", "国庆节"),
        ]:
            assert holidays[day] == name
        assert not [d for d in data["days"] if d["kind"] == "workday"]  # make-up days are not known yet

    @pytest.mark.parametrize(("year", "message"), [("abc", "四位数字"), ("1999", "之间"), ("2101", "之间")])
    def test_bad_or_uncovered_year_is_400_in_chinese(self, api, db, year, message):
        response = api.get(WORKDAYS, {"year": year})
        assert response.status_code == 400
        assert message in body(response)["detail"]

    def test_a_calendar_edit_changes_the_etag(self, api, db):
        def edit():
            CalendarDay.objects.create(date=datetime.date(2025, 12, 31), kind="holiday", name="测试假日")

        _, again = revalidate(api, WORKDAYS, edit, {"year": "2025"})
        assert {"date": "2025-12-31", "name": "测试假日"}.items() <= body(again)["days"][-1].items()

    def test_the_calculation_endpoints_still_answer(self, api, db):
        due = api.get("/api/v1/workdays/due-date", {"start": "2025-09-26", "days": "5"})
        assert due.status_code == 200 and body(due)["due_date"] == "2025-10-10"
        day = api.get("/api/v1/workdays/is-working-day", {"date": "2025-09-28"})
        assert body(day) == {"date": "2025-09-28", "is_working_day": True, "name": "国庆节", "provisional": False}
