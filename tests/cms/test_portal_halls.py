"""服务大厅 on the portal: halls by level, one page per hall with its windows and notices,
404 for a hall that does not exist or was deactivated, and flat query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matters.pages import MatterCatalogPage
from portal.models import HallIndexPage, HomePage

from ..halls.factories import NoticeFactory, WindowFactory
from ..matters.factories import MatterFactory
from .portal_helpers import build_portal, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(world):
    portal = build_portal(world)
    page = HallIndexPage(title="服务大厅", slug="fwdt", search_description="各级政务服务中心的地址和窗口")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return portal


def test_index_lists_active_halls_by_level(client, portal):
    response = client.get("/fwdt/")
    assert response.status_code == 200
    page = text(response)
    assert "市政务服务中心 测试市政务服务中心" in page
    assert "县（区）政务服务中心 测试东区政务服务中心" in page
    assert "地铁1号线市民中心站" in page and "0999-1234567" in page
    assert "已停用的旧大厅" not in page
    assert 'href="/fwdt/city-center/"' in response.content.decode()


def test_hall_page_shows_windows_open_or_closed_with_what_they_handle(client, portal):
    response = client.get("/fwdt/city-center/")
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert "测试市政务服务中心" in page and "共 2 个窗口，1 个开放" in page
    assert "A01 综合受理窗口 开放 综合窗口（无差别受理）" in page
    assert "A02 甲局专业窗口 暂停服务 专业窗口 系统升级，暂停服务半天" in page
    assert "进驻部门：甲局、乙局" in page
    # Matters handled: in force only, linked to the catalog.
    catalog = MatterCatalogPage.objects.get().url
    own = portal.world.matters["own"]
    assert f'href="{catalog}item/{own.implementation_code}/"' in html
    assert "可办理事项（2 项）" in page and "甲局草稿事项" not in page
    # Notices shown on this hall's screens now.
    assert "中心停车场临时关闭" in page
    for hidden in ("东区中心延时服务", "已经过期的公告", "已经撤下的公告", "下月才开始的公告"):
        assert hidden not in page
    # The breadcrumbs lead back to the halls page.
    assert "首页 服务大厅 测试市政务服务中心" in page


@pytest.mark.parametrize("code", ["no-such-hall", "old-hall"])
def test_unknown_or_deactivated_hall_is_404(client, portal, code):
    response = client.get(f"/fwdt/{code}/")
    assert response.status_code == 404
    assert "已停用的旧大厅" not in response.content.decode()


def test_hall_page_queries_do_not_grow_with_windows_matters_and_notices(client, portal):
    client.get("/fwdt/city-center/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/fwdt/city-center/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    world, city = portal.world, portal.halls["city"]
    extra = [MatterFactory(department=world.dept_b, name=f"新增事项{i}") for i in range(5)]
    for i in range(5):
        WindowFactory(
            hall=city, number=f"C{i:02d}", name=f"新增窗口{i}", matters=extra, departments=[world.dept_a, world.dept_b]
        )
        NoticeFactory(department=world.dept_b, title=f"新增公告{i}", halls=[city], days_left=1)
    assert "C04 新增窗口4" in text(client.get("/fwdt/city-center/"))
    assert count() == before
