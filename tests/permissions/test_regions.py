"""permissions.regions: the 区划 of the department tree, read once per process."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from permissions import regions
from permissions.models import Department

from .factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """示范市 with two districts, a street and a community under 东湖区, a city bureau and its branch."""
    gov = DepartmentFactory(name="示范市人民政府", short_name="市政府", slug="city")
    bureau = DepartmentFactory(name="示范市公安局", short_name="市公安局", slug="ga", parent=gov)
    branch = DepartmentFactory(
        name="示范市公安局东湖分局", short_name="东湖分局", slug="gadh", parent=bureau, county=True
    )
    donghu = DepartmentFactory(
        name="示范市东湖区人民政府", short_name="东湖区政府", slug="dhqzf", parent=gov, county=True
    )
    donghu_market = DepartmentFactory(name="示范市东湖区市场监督管理局", slug="dhscj", parent=donghu, county=True)
    hubin = DepartmentFactory(
        name="示范市东湖区湖滨街道办事处", short_name="湖滨街道", slug="hbjd", parent=donghu, town=True
    )
    cuihu = DepartmentFactory(
        name="示范市东湖区湖滨街道翠湖社区居民委员会", slug="chsq", parent=hubin, level="community"
    )
    xishan = DepartmentFactory(
        name="示范市西山区人民政府", short_name="西山区政府", slug="xsqzf", parent=gov, county=True
    )
    qingshi = DepartmentFactory(name="青石镇人民政府", short_name="青石镇", slug="qsz", parent=xishan, town=True)
    closed = DepartmentFactory(name="示范市北湖区人民政府", slug="bhqzf", parent=gov, county=True, inactive=True)
    found = dict(locals())
    return {k: v for k, v in found.items() if isinstance(v, Department)}


def test_the_switch_lists_the_city_each_district_and_its_towns_under_it(city):
    choices = regions.region_choices()
    assert [(c.slug, c.label, c.depth, c.district_slug) for c in choices] == [
        ("", "全市", 0, ""),
        ("dhqzf", "东湖区", 1, ""),
        ("hbjd", "湖滨街道", 2, "dhqzf"),
        ("xsqzf", "西山区", 1, ""),
        ("qsz", "青石镇", 2, "xsqzf"),  # named without the city's prefix: its own place name
    ]
    assert choices[1].department == city["donghu"]
    # A city bureau's district branch, a district's bureau, a community and a closed district are no region.
    for key in ("bureau", "branch", "donghu_market", "cuihu", "closed"):
        assert regions.region_of(city[key]) is None


def test_a_region_covers_its_department_and_everything_below_it(city):
    donghu = regions.region_by_slug("dhqzf")
    assert regions.region_department_ids(donghu) == {
        city["donghu"].pk,
        city["donghu_market"].pk,
        city["hubin"].pk,
        city["cuihu"].pk,
    }
    assert regions.region_department_ids(regions.region_by_slug("hbjd")) == {city["hubin"].pk, city["cuihu"].pk}
    assert regions.region_department_ids(None) is None  # the whole city: no filter
    assert regions.region_label(donghu) == "东湖区" and regions.region_label(None) == "全市"


def test_unknown_forged_and_empty_slugs_name_no_region(city):
    for slug in ("", None, "nope", "ga", "dhscj", "bhqzf", "x" * 500, "dhqzf' OR 1=1", ["dhqzf"]):
        assert regions.region_by_slug(slug) is None
    assert regions.region_by_slug(" dhqzf ") == city["donghu"]


def test_request_region_reads_what_the_site_layer_set(city):
    request = RequestFactory().get("/")
    assert regions.request_region(request) is None  # no middleware: the whole city
    request.portal_region = city["xishan"]
    assert regions.request_region(request) == city["xishan"]


def test_in_region_is_one_condition_whatever_the_number_of_departments(city, django_assert_num_queries):
    for n in range(12):
        DepartmentFactory(name=f"东湖区第{n}局", parent=city["donghu"], county=True)
    donghu = regions.region_by_slug("dhqzf")
    queryset = regions.in_region(Department.objects.all(), donghu, field="parent")
    with django_assert_num_queries(1):
        children = list(queryset)
    assert {d.parent_id for d in children} <= regions.region_department_ids(donghu)
    assert len(children) == 12 + 3  # the bureaux, the street, the community
    everything = Department.objects.all()
    assert regions.in_region(everything, None) is everything


def test_the_table_is_read_once_and_rebuilt_after_a_department_changes(city, django_assert_num_queries):
    regions.region_choices()
    with django_assert_num_queries(0):
        regions.region_choices()
        regions.region_by_slug("dhqzf")
        regions.region_department_ids(regions.region_by_slug("hbjd"))
    city["hubin"].name = "示范市东湖区湖心街道办事处"
    city["hubin"].save()
    assert [c.label for c in regions.region_choices()][2] == "湖心街道"
    DepartmentFactory(name="示范市东湖区新城街道办事处", slug="xcjd", parent=city["donghu"], town=True)
    assert regions.region_by_slug("xcjd") is not None
    assert "xcjd" in {c.slug for c in regions.region_choices()}


def test_within_a_request_the_version_token_is_read_once(city, monkeypatch):
    reads = []
    real = regions.shared_cache.version
    monkeypatch.setattr(regions.shared_cache, "version", lambda name: reads.append(name) or real(name))
    regions.region_choices()
    reads.clear()
    with regions.one_look_up_per_request():
        regions.region_choices()
        regions.region_department_ids(regions.region_by_slug("dhqzf"))
        regions.region_label(regions.region_by_slug("hbjd"))
    assert reads == [regions.VERSION_NAME]
    regions.region_choices()  # outside a request: every call asks (another process may have changed it)
    regions.region_choices()
    assert len(reads) == 3
