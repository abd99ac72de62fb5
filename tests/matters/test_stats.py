"""Efficiency statistics on a small hand-computed catalog (domain.md §1.5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matters import stats

from ..permissions.factories import DepartmentFactory, UserFactory
from .factories import MatterFactory, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Four matters in force (three city, one county), one draft and one suspended one.

    | matter | dept   | handling | statutory | promised | visits | depth | in hall |
    | M1     | city   | 即办     | 10        | 0        | 0      | Ⅳ     | yes     |
    | M2     | city   | 承诺     | 20        | 5        | 1      | Ⅲ     | yes     |
    | M3     | city   | 承诺     | 30        | 10       | 0      | Ⅳ     | no      |
    | M4     | county | 承诺     | 20        | 20       | 2      | Ⅱ     | yes     |
    | M5     | county | draft (not counted)                                       |
    | M6     | county | suspended (not counted)                                   |
    """
    city = DepartmentFactory(name="示范市统计甲局")
    county = DepartmentFactory(name="示范市统计乙区局", county=True, parent=city)
    depth = {n: term("online_depth", f"depth_{n}") for n in (2, 3, 4)}
    MatterFactory(department=city, immediate=True, statutory_limit=10, online_depth=depth[4])
    MatterFactory(department=city, statutory_limit=20, promised_limit=5, visits=1, online_depth=depth[3])
    MatterFactory(
        department=city,
        statutory_limit=30,
        promised_limit=10,
        visits=0,
        online_depth=depth[4],
        in_hall=False,
    )
    MatterFactory(
        department=county,
        statutory_limit=20,
        promised_limit=20,
        visits=2,
        online_depth=depth[2],
    )
    MatterFactory(department=county, draft=True)
    MatterFactory(department=county, suspended=True)
    return city, county


def test_overall(catalog):
    row = stats.overall()
    assert row.total == 4
    assert row.immediate_share == pytest.approx(1 / 4)
    assert (row.promised_count, row.promised_sum, row.statutory_sum) == (3, 35, 70)
    assert row.average_promised == pytest.approx(35 / 3)
    assert row.average_statutory == pytest.approx(70 / 3)
    assert row.compression == pytest.approx(0.5)
    assert row.at_most_one_visit_share == pytest.approx(3 / 4)
    assert row.zero_visits_share == pytest.approx(2 / 4)
    assert row.fully_online_share == pytest.approx(2 / 4)
    assert row.in_hall_share == pytest.approx(3 / 4)


def test_by_department_and_level(catalog):
    city, county = catalog
    rows = {r.label: r for r in stats.by_department()}
    assert rows[city.name].total == 3
    assert rows[city.name].compression == pytest.approx(1 - 15 / 50)
    assert rows[county.name].total == 1 and rows[county.name].compression == pytest.approx(0)
    assert rows[county.name].immediate_share == 0
    levels = {r.label: r.total for r in stats.by_level()}
    assert levels == {"市级": 3, "县（区）级": 1}


def test_empty_catalog_gives_no_division_by_zero(db):
    row = stats.overall()
    assert row.total == 0 and row.immediate_share is None and row.compression is None


def test_stats_page_in_admin(client, catalog):
    reviewer = UserFactory(username="stats_viewer", reviewer_of=catalog[0])
    client.force_login(reviewer)
    html = client.get(reverse("matters_stats")).content.decode()
    assert "50.0%" in html and "70.0%" in html and "示范市统计甲局" in html
    client.force_login(UserFactory(username="outsider"))
    assert client.get(reverse("matters_stats")).status_code == 302
