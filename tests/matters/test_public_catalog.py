"""The public catalog: only matters in force, browsing and filters, the matter page with every
public element, the change log, and query counts that do not grow with the catalog."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matters import lifecycle
from matters.models import Fee, HandlingPlace, Material
from matters.pages import MatterCatalogPage

from .factories import MatterFactory, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_url(db):
    return MatterCatalogPage.objects.get().url


def item_url(catalog_url, matter) -> str:
    return f"{catalog_url}item/{matter.implementation_code}/"


def test_catalog_lists_only_matters_in_force(client, world, catalog_url):
    lifecycle.change_state(world.matters["other"], world.users["sysadmin"], "suspend", "暂停受理")
    html = client.get(catalog_url).content.decode()
    assert "甲局在用事项" in html
    assert "甲局草稿事项" not in html and "乙局在用事项" not in html


def test_filters_and_search(client, world, catalog_url):
    MatterFactory(
        department=world.dept_b,
        name="企业开办登记",
        service_objects=[term("service_object", "legal_enterprise")],
        natural_themes=[],
        legal_themes=[term("legal_theme", name="设立变更")],
    )
    html = client.get(catalog_url, {"q": "开办"}).content.decode()
    assert "企业开办登记" in html and "甲局在用事项" not in html
    html = client.get(catalog_url, {"department": world.dept_a.pk}).content.decode()
    assert "甲局在用事项" in html and "企业开办登记" not in html
    theme = term("legal_theme", name="设立变更")
    html = client.get(catalog_url, {"theme": theme.pk}).content.decode()
    assert "企业开办登记" in html and "甲局在用事项" not in html
    # A forged filter value is ignored, not an error.
    assert client.get(catalog_url, {"department": "999999", "level": "nowhere"}).status_code == 200


def test_theme_and_department_browsing(client, world, catalog_url):
    html = client.get(catalog_url).content.decode()
    assert "准营准办" in html  # the factory's natural-person theme, with a count
    assert world.dept_a.name in html


def test_matter_page_shows_every_public_element(client, world, catalog_url):
    matter = MatterFactory(
        department=world.dept_a,
        name="完整的事项",
        is_charged=True,
        result_name="食品经营许可证",
        remedies="可依法申请行政复议或提起行政诉讼。",
    )
    matter.fees = [Fee(name="工本费", standard="10元/证", basis="价费字〔2020〕1号")]
    matter.places = [
        HandlingPlace(
            name="市政务服务中心二楼12号窗口",
            address="示范市人民路1号",
            phone="0999-1234567",
            hours="周一至周五 9:00-17:00",
        )
    ]
    matter.materials = [
        Material(
            name="营业执照复印件",
            material_type="copy",
            source="government",
            necessity="conditional",
            condition="已办理营业执照的",
        )
    ]
    matter.save_revision().publish()
    html = client.get(item_url(catalog_url, matter)).content.decode()
    for text in (
        "完整的事项",
        "营业执照复印件",
        "已办理营业执照的",
        "受理",
        "《中华人民共和国行政许可法》",
        "工本费",
        "10元/证",
        "示范市人民路1号",
        "0999-1234567",
        "食品经营许可证",
        "可依法申请行政复议",
        "20 个工作日",
        "10 个工作日",
        world.dept_a.name,
    ):
        assert text in html, text


@pytest.mark.parametrize("target", ["own_draft", "suspended", "cancelled", "unknown"])
def test_non_public_matters_are_404(client, world, catalog_url, target):
    if target == "unknown":
        url = f"{catalog_url}item/NOPE/"
    else:
        matter = world.matters["own_draft" if target == "own_draft" else "own"]
        if target != "own_draft":
            action = "suspend" if target == "suspended" else "cancel"
            lifecycle.change_state(matter, world.users["reviewer"], action, "测试")
        url = item_url(catalog_url, matter)
    assert client.get(url).status_code == 404


def test_change_log_page(client, world, catalog_url):
    lifecycle.change_state(world.matters["other"], world.users["sysadmin"], "cancel", "依据废止")
    html = client.get(f"{catalog_url}changes/").content.decode()
    assert "事项变更公告" in html and "依据废止" in html and "乙局在用事项" in html
    html = client.get(f"{catalog_url}changes/", {"kind": "新增"}).content.decode()
    assert "依据废止" not in html and "甲局在用事项" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_catalog_queries_do_not_grow(client, world, catalog_url):
    _queries(client, catalog_url)
    small = _queries(client, catalog_url)
    for _ in range(15):
        MatterFactory(department=world.dept_a)
    assert _queries(client, catalog_url) == small
    assert _queries(client, catalog_url + "?q=事项") == _queries(client, catalog_url + "?q=测试")


def test_matter_page_queries_do_not_grow_with_materials(client, world, catalog_url):
    matter = world.matters["own"]
    url = item_url(catalog_url, matter)
    _queries(client, url)
    small = _queries(client, url)
    draft = matter.get_latest_revision_as_object()
    draft.materials = [Material(name=f"材料{i}") for i in range(12)]
    draft.save_revision().publish()
    assert _queries(client, url) == small
