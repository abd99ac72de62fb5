"""/api/v1/halls/, /api/v1/windows/ and /api/v1/notices/: content, filters, caching, sync, feeds."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from halls.models import Notice

from ..halls.factories import HallFactory, NoticeFactory, WindowFactory
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from ..terminals.factories import FeedFactory
from .resources_helpers import (
    assert_not_found_in_chinese,
    assert_queries_do_not_grow,
    body,
    ids,
    revalidate,
    since,
    tombstones,
)

HALLS = "/api/v1/halls/"
WINDOWS = "/api/v1/windows/"
NOTICES = "/api/v1/notices/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def halls(world):
    city = HallFactory(
        department=world.dept_a,
        code="city-center",
        name="示范市政务服务中心",
        phone="0999-12345",
        directions="地铁1号线",
    )
    county = HallFactory(department=world.dept_b, code="donghu", name="东湖区政务服务中心", county=True, sort_order=1)
    closed = HallFactory(department=world.dept_a, code="old-center", name="旧大厅", inactive=True)
    return {"city": city, "county": county, "closed": closed}


def notice(department, halls, title="公告", **extra) -> Notice:
    return NoticeFactory(department=department, halls=halls, title=title, text="公告内容。", **extra)


# ---- halls ---------------------------------------------------------------------------------


class TestHalls:
    def test_list_and_detail(self, api, world, halls):
        response = api.get(HALLS)
        assert response.status_code == 200
        assert ids(response) == [halls["city"].pk, halls["county"].pk]
        record = body(response)["results"][0]
        assert record == {
            **record,
            "code": "city-center",
            "name": "示范市政务服务中心",
            "level": "city",
            "level_name": "市政务服务中心",
            "address": "示范市人民大道1号",
            "phone": "0999-12345",
            "directions": "地铁1号线",
            "department": {"id": world.dept_a.pk, "credit_code": world.dept_a.credit_code, "name": "示范市甲局"},
        }
        detail = api.get(f"{HALLS}{halls['county'].pk}/")
        assert body(detail)["level_name"] == "县（区）政务服务中心"

    def test_filters_and_search(self, api, world, halls):
        assert ids(api.get(HALLS, {"code": "donghu"})) == [halls["county"].pk]
        assert ids(api.get(HALLS, {"level": "city"})) == [halls["city"].pk]
        assert ids(api.get(HALLS, {"department": world.dept_b.credit_code})) == [halls["county"].pk]
        # q is the portal's analysis (docs/search.md): word parts, pinyin, initials, Traditional.
        for query in ("东湖", "donghuqu", "dhq", "東湖區"):
            assert ids(api.get(HALLS, {"q": query})) == [halls["county"].pk], query
        bad = api.get(HALLS, {"level": "planet"})
        assert bad.status_code == 400 and "层级" in body(bad)["level"][0]

    def test_inactive_hall_is_absent_and_404(self, api, world, halls):
        assert halls["closed"].pk not in ids(api.get(HALLS))
        assert_not_found_in_chinese(api, f"{HALLS}{halls['closed'].pk}/")

    def test_rename_changes_the_etag(self, api, world, halls):
        def rename():
            halls["city"].name = "示范市民中心"
            halls["city"].save()

        _, again = revalidate(api, HALLS, rename)
        assert "示范市民中心" in again.content.decode()

    def test_department_rename_reaches_the_embedded_reference(self, api, world, halls):
        def rename():
            world.dept_a.name = "示范市甲局（更名）"
            world.dept_a.save()

        _, again = revalidate(api, f"{HALLS}{halls['city'].pk}/", rename)
        assert body(again)["department"]["name"] == "示范市甲局（更名）"

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_a_deactivated_hall(self, api, world, halls):
        moment = timezone.now()
        halls["county"].is_active = False
        halls["county"].save()
        response = api.get(HALLS, since(moment))
        assert ids(response) == []
        assert tombstones(response) == {(str(halls["county"].pk), "withdrawn")}

    def test_queries_do_not_grow(self, api, world):
        for i in range(20):
            HallFactory(department=world.dept_a if i % 2 else world.dept_b)
        assert_queries_do_not_grow(api, HALLS)


# ---- windows -------------------------------------------------------------------------------


@pytest.fixture
def windows(world, halls):
    own, draft, other = world.matters["own"], world.matters["own_draft"], world.matters["other"]
    cancelled = MatterFactory(department=world.dept_a, name="将被取消的事项", cancelled=True)
    a01 = WindowFactory(
        hall=halls["city"],
        number="A01",
        name="综合受理窗口",
        comprehensive=True,
        departments=[world.dept_a, world.dept_b],
        matters=[own, draft, other, cancelled],
    )
    b02 = WindowFactory(
        hall=halls["city"], number="B02", name="出件窗口", kind="collection", closed=True, closed_reason="系统升级"
    )
    c01 = WindowFactory(
        hall=halls["county"],
        number="C01",
        name="乙局专业窗口",
        sort_order=1,
        departments=[world.dept_b],
        matters=[other],
    )
    hidden = WindowFactory(hall=halls["closed"], number="X01", name="旧窗口")
    return {"a01": a01, "b02": b02, "c01": c01, "hidden": hidden, "cancelled": cancelled}


class TestWindows:
    def test_list_and_detail(self, api, world, halls, windows):
        response = api.get(WINDOWS)
        assert ids(response) == [windows["a01"].pk, windows["b02"].pk, windows["c01"].pk]
        record = body(api.get(f"{WINDOWS}{windows['a01'].pk}/"))
        own, other = world.matters["own"], world.matters["other"]
        assert record["hall"] == {"id": halls["city"].pk, "code": "city-center", "name": "示范市政务服务中心"}
        assert record["kind"] == "comprehensive" and record["kind_name"] == "综合窗口（无差别受理）"
        assert [d["credit_code"] for d in record["departments"]] == [world.dept_a.credit_code, world.dept_b.credit_code]
        # Only matters in force: the draft and the cancelled matter are not listed.
        assert {m["id"] for m in record["matters"]} == {own.pk, other.pk}
        assert record["matters"][0].keys() == {"id", "implementation_code", "name"}
        assert record["is_open"] is True
        closed = body(api.get(f"{WINDOWS}{windows['b02'].pk}/"))
        assert closed["is_open"] is False and closed["closed_reason"] == "系统升级"

    def test_filters(self, api, world, halls, windows):
        a01, b02, c01 = windows["a01"].pk, windows["b02"].pk, windows["c01"].pk
        assert ids(api.get(WINDOWS, {"hall": "donghu"})) == [c01]
        assert ids(api.get(WINDOWS, {"kind": "collection"})) == [b02]
        assert ids(api.get(WINDOWS, {"department": world.dept_b.credit_code})) == [a01, c01]
        assert ids(api.get(WINDOWS, {"matter": world.matters["other"].implementation_code})) == [a01, c01]
        assert ids(api.get(WINDOWS, {"matter": world.matters["own_draft"].implementation_code})) == []
        assert ids(api.get(WINDOWS, {"matter": windows["cancelled"].implementation_code})) == []
        assert ids(api.get(WINDOWS, {"is_open": "false"})) == [b02]
        for query in ("出件", "chujian", "cjck", "B02", "b02"):
            assert ids(api.get(WINDOWS, {"q": query})) == [b02], query

    def test_a_search_answers_304_and_its_queries_do_not_grow_with_its_results(self, api, world, halls, windows):
        from django.core.cache import cache
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        for i in range(12):
            WindowFactory(hall=halls["city"], number=f"D{i:02d}", name=f"综合受理{i}号窗口")
        counts = {}
        for query in ("cjck", "zhsl"):  # 出件窗口; the twelve 综合受理 windows and A01
            cache.clear()
            api.get(WINDOWS, {"q": "qxzqxz"})  # the synonyms, domain words and collection versions
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = api.get(WINDOWS, {"q": query})
            counts[query] = (len(queries), len(ids(response)))
        assert counts["cjck"][1] == 1 and counts["zhsl"][1] == 13
        assert counts["cjck"][0] == counts["zhsl"][0], counts
        first = api.get(WINDOWS, {"q": "cjck"})
        assert api.get(WINDOWS, {"q": "cjck"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert api.get(WINDOWS, {"q": "zhsl"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200

    def test_window_of_an_inactive_hall_is_absent_and_404(self, api, world, windows):
        assert windows["hidden"].pk not in ids(api.get(WINDOWS))
        assert_not_found_in_chinese(api, f"{WINDOWS}{windows['hidden'].pk}/")

    @pytest.mark.parametrize("change", ["window", "hall", "matters", "matter_published"])
    def test_relevant_edits_change_the_etag(self, api, world, halls, windows, change):
        def edit():
            if change == "window":
                windows["a01"].name = "综合受理一号窗口"
                windows["a01"].save()
            elif change == "hall":
                halls["city"].name = "示范市民中心"
                halls["city"].save()
            elif change == "matters":
                windows["b02"].matters.add(world.matters["own"])
            else:
                draft = world.matters["own"].get_latest_revision_as_object()
                draft.name = "甲局在用事项（新名称）"
                draft.save_revision().publish()

        _, again = revalidate(api, WINDOWS, edit)
        expected = {
            "window": "综合受理一号窗口",
            "hall": "示范市民中心",
            "matters": None,
            "matter_published": "甲局在用事项（新名称）",
        }[change]
        if expected:
            assert expected in again.content.decode()
        else:
            b02 = next(r for r in body(again)["results"] if r["id"] == windows["b02"].pk)
            assert [m["id"] for m in b02["matters"]] == [world.matters["own"].pk]

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_deleted_windows_and_windows_of_a_closed_hall(self, api, world, halls, windows):
        moment = timezone.now()
        deleted = windows["b02"].pk
        windows["b02"].delete()
        halls["county"].is_active = False
        halls["county"].save()
        windows["a01"].matters.remove(world.matters["other"])
        response = api.get(WINDOWS, since(moment))
        assert ids(response) == [windows["a01"].pk]
        assert tombstones(response) == {(str(deleted), "deleted"), (str(windows["c01"].pk), "withdrawn")}
        filtered = api.get(WINDOWS, {**since(moment), "hall": "city-center"})
        assert tombstones(filtered) == {(str(deleted), "deleted")}  # stored tombstones are not filtered

    def test_queries_do_not_grow(self, api, world, halls):
        matters = [MatterFactory(department=world.dept_a) for _ in range(3)]
        for i in range(20):
            WindowFactory(
                hall=halls["city" if i % 2 else "county"], departments=[world.dept_a, world.dept_b], matters=matters
            )
        assert_queries_do_not_grow(api, WINDOWS)


# ---- notices -------------------------------------------------------------------------------


class TestNotices:
    def test_only_current_published_notices(self, api, world, halls):
        now = timezone.now()
        current = notice(world.dept_a, [halls["city"], halls["closed"]], "系统升级通知", level="urgent")
        open_ended = notice(world.dept_b, [halls["county"]], "长期公告", starts_at=now - datetime.timedelta(days=3))
        future = notice(world.dept_a, [halls["city"]], "明天的公告", starts_at=now + datetime.timedelta(days=1))
        expired = notice(world.dept_a, [halls["city"]], "过期公告", ends_at=now - datetime.timedelta(minutes=1))
        hidden = notice(world.dept_a, [halls["city"]], "撤下的公告", is_active=False)
        response = api.get(NOTICES)
        assert ids(response) == [current.pk, open_ended.pk]
        record = body(response)["results"][0]
        assert record["title"] == "系统升级通知" and record["text"] == "公告内容。"
        assert record["level"] == "urgent" and record["level_name"] == "紧急"
        assert record["halls"] == [{"id": halls["city"].pk, "code": "city-center", "name": "示范市政务服务中心"}]
        assert record["department"]["id"] == world.dept_a.pk
        assert record["ends_at"] is None
        for gone in (future, expired, hidden):
            assert_not_found_in_chinese(api, f"{NOTICES}{gone.pk}/")

    def test_filters(self, api, world, halls):
        city = notice(world.dept_a, [halls["city"]], "市中心公告", level="important")
        both = notice(world.dept_b, [halls["city"], halls["county"]], "两个大厅的公告")
        assert set(ids(api.get(NOTICES, {"hall": "city-center"}))) == {city.pk, both.pk}
        assert ids(api.get(NOTICES, {"hall": "donghu"})) == [both.pk]
        assert ids(api.get(NOTICES, {"level": "important"})) == [city.pk]
        assert ids(api.get(NOTICES, {"department": world.dept_b.credit_code})) == [both.pk]
        for query in ("两个", "兩個大廳", "lianggedating"):
            assert ids(api.get(NOTICES, {"q": query})) == [both.pk], query
        assert ids(api.get(NOTICES, {"q": "shizhongxin"})) == [city.pk]

    def test_edit_changes_the_etag(self, api, world, halls):
        made = notice(world.dept_a, [halls["city"]], "原标题")

        def edit():
            made.title = "新标题"
            made.save()

        _, again = revalidate(api, NOTICES, edit)
        assert "新标题" in again.content.decode()

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_expired_and_taken_down_notices(self, api, world, halls):
        start = timezone.now()
        expiring = notice(world.dept_a, [halls["city"]], "即将到期", ends_at=start + datetime.timedelta(seconds=30))
        taken_down = notice(world.dept_a, [halls["county"]], "将被撤下")
        moment = timezone.now()
        taken_down.is_active = False
        taken_down.save()
        later = start + datetime.timedelta(seconds=60)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = api.get(NOTICES, since(moment))
        assert ids(response) == []
        assert tombstones(response) == {(str(expiring.pk), "withdrawn"), (str(taken_down.pk), "withdrawn")}
        at = {t["id"]: t["at"] for t in body(response)["tombstones"]}
        assert at[str(expiring.pk)].startswith(expiring.ends_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M"))
        filtered = body(api.get(NOTICES, {**since(moment), "hall": "donghu"}))
        assert {t["id"] for t in filtered["tombstones"]} == {str(taken_down.pk)}

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_delivers_a_notice_when_it_starts(self, api, world, halls):
        now = timezone.now()
        scheduled = notice(world.dept_a, [halls["city"]], "定时公告", starts_at=now + datetime.timedelta(minutes=5))
        first = body(api.get(NOTICES, since(now - datetime.timedelta(minutes=1))))
        assert first["results"] == []
        later = now + datetime.timedelta(minutes=10)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = api.get(NOTICES, {"updated_since": first["until"]})
        assert ids(response) == [scheduled.pk]

    def test_deleted_notice_is_a_tombstone(self, api, world, halls):
        made = notice(world.dept_a, [halls["city"]])
        moment = timezone.now() - datetime.timedelta(seconds=1)
        pk = made.pk
        made.delete()
        assert (str(pk), "deleted") in tombstones(api.get(NOTICES, since(moment)))

    def test_queries_do_not_grow(self, api, world, halls):
        for i in range(20):
            notice(world.dept_a if i % 2 else world.dept_b, [halls["city"], halls["county"]], f"公告{i}")
        assert_queries_do_not_grow(api, NOTICES)


# ---- feeds ---------------------------------------------------------------------------------


def feed(department, slug: str, source: str, **extra):
    return FeedFactory(department=department, slug=slug, title=slug, source=source, **extra)


def test_window_feed_applies_halls_and_departments(api, world, halls, windows):
    feed(world.dept_a, "city-windows", "windows", halls=[halls["city"]], fields=["number", "hall"])
    data = body(api.get("/api/v1/feeds/city-windows/"))
    assert [r["id"] for r in data["results"]] == [windows["b02"].pk, windows["a01"].pk]  # -updated
    assert set(data["results"][0]) == {"id", "number", "hall"}
    feed(world.dept_a, "b-windows", "windows", departments=[world.dept_b], ordering="name")
    assert [r["id"] for r in body(api.get("/api/v1/feeds/b-windows/"))["results"]] == [
        windows["a01"].pk,
        windows["c01"].pk,
    ]


def test_notice_feed_applies_halls_and_departments(api, world, halls):
    city = notice(world.dept_a, [halls["city"]], "市中心公告")
    county = notice(world.dept_b, [halls["county"]], "东湖公告")
    feed(world.dept_a, "county-notices", "notices", halls=[halls["county"]])
    assert [r["id"] for r in body(api.get("/api/v1/feeds/county-notices/"))["results"]] == [county.pk]
    feed(world.dept_a, "a-notices", "notices", departments=[world.dept_a], ordering="-published")
    assert [r["id"] for r in body(api.get("/api/v1/feeds/a-notices/"))["results"]] == [city.pk]


def test_hall_of_another_department_level(api, world):
    """A county department's hall is listed with its own level."""
    county = DepartmentFactory(name="东湖区政务服务管理局", short_name="东湖政务", level="county", parent=world.dept_a)
    hall = HallFactory(department=county, code="donghu-2", county=True)
    assert body(api.get(f"{HALLS}{hall.pk}/"))["department"]["name"] == "东湖区政务服务管理局"
