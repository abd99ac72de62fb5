"""The read API machine, through the matters endpoint: ETag/304, Cache-Control, sync, tombstones."""

from __future__ import annotations

import datetime
import json
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matters import lifecycle

from ..matters.factories import MatterFactory

LIST = "/api/v1/matters/"


def body(response) -> dict:
    return json.loads(response.content)


def ids(response) -> set[int]:
    return {record["id"] for record in body(response)["results"]}


def since_param(moment: datetime.datetime) -> dict:
    return {"updated_since": moment.isoformat()}


@pytest.mark.django_db
class TestConditionalRequests:
    def test_every_get_carries_validators_and_cache_control(self, api, world):
        for url in (LIST, f"{LIST}{world.matters['own'].pk}/"):
            response = api.get(url)
            assert response.status_code == 200
            assert response["ETag"].startswith('"')
            assert response["Last-Modified"].endswith("GMT")
            assert response["Cache-Control"] == "public, max-age=60"

    def test_revalidation_is_304_without_serialising(self, api, world):
        first = api.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert len(queries) == 1  # the collection versions, nothing else

    def test_if_modified_since(self, api, world):
        first = api.get(LIST)
        assert api.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        older = "Mon, 01 Jan 2024 00:00:00 GMT"
        assert api.get(LIST, HTTP_IF_MODIFIED_SINCE=older).status_code == 200

    def test_unrelated_etag_is_200(self, api, world):
        assert api.get(LIST, HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    def test_identical_data_gives_identical_bytes(self, api, world):
        first = api.get(LIST)
        cache.clear()
        second = api.get(LIST)
        assert first.content == second.content
        assert first["ETag"] == second["ETag"]

    @pytest.mark.parametrize("change", ["publish", "cancel", "department", "new"])
    def test_any_relevant_edit_gives_200_with_a_new_etag(self, api, world, change):
        first = api.get(LIST)
        matter = world.matters["own"]
        if change == "publish":
            draft = matter.get_latest_revision_as_object()
            draft.name = "甲局在用事项（新名称）"
            draft.save_revision().publish()
        elif change == "cancel":
            lifecycle.change_state(matter, world.users["reviewer"], "cancel", "法律修订")
        elif change == "department":
            world.dept_a.name = "示范市甲局（更名）"
            world.dept_a.save()
        else:
            MatterFactory(department=world.dept_b)
        again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200
        assert again["ETag"] != first["ETag"]
        assert again.content != first.content

    def test_a_draft_save_does_not_change_what_the_public_reads(self, api, world):
        first = api.get(LIST)
        matter = world.matters["own"]
        draft = matter.get_latest_revision_as_object()
        draft.name = "尚未发布的新名称"
        draft.save_revision()
        again = api.get(LIST)
        assert "尚未发布的新名称" not in again.content.decode()
        assert body(again) == body(first)

    def test_cache_control_never_reaches_past_a_scheduled_go_live(self, api, world):
        matter = world.matters["own"]
        go_live = timezone.now() + datetime.timedelta(seconds=30)
        draft = matter.get_latest_revision_as_object()
        draft.name = "定时发布的新名称"
        revision = draft.save_revision()
        revision.approved_go_live_at = go_live
        revision.save()
        first = api.get(LIST)
        max_age = int(first["Cache-Control"].split("max-age=")[1])
        assert 0 <= max_age <= 30
        later = go_live + datetime.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            after = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert after.status_code == 200  # the transition moved the version, caches revalidate
        assert after["Cache-Control"] == "public, max-age=60"

    def test_client_no_cache_rereads_but_gives_the_same_answer(self, api, world):
        first = api.get(LIST)
        fresh = api.get(LIST, HTTP_CACHE_CONTROL="no-cache")
        assert fresh.status_code == 200
        assert fresh.content == first.content


@pytest.fixture
def exact_window(settings):
    """No look-back before updated_since, so the window of a test is exact."""
    settings.API_SYNC_OVERLAP_SECONDS = 0


@pytest.mark.django_db
@pytest.mark.usefixtures("exact_window")
class TestSync:
    def test_changes_and_tombstones_after_the_time_given(self, api, world):
        moment = timezone.now()
        changed = world.matters["own"]
        draft = changed.get_latest_revision_as_object()
        draft.promised_limit = 5
        draft.save_revision().publish()
        cancelled = MatterFactory(department=world.dept_a, name="将被取消的事项", cancelled=True)
        deleted = MatterFactory(department=world.dept_b, name="将被删除的事项")
        deleted_pk = deleted.pk
        deleted.delete()

        response = api.get(LIST, since_param(moment))
        assert response.status_code == 200
        data = body(response)
        assert ids(response) == {changed.pk}
        tombstones = {(t["id"], t["status"]) for t in data["tombstones"]}
        assert (str(cancelled.pk), "withdrawn") in tombstones
        assert (str(deleted_pk), "deleted") in tombstones
        assert str(world.matters["other"].pk) not in {t["id"] for t in data["tombstones"]}
        assert data["until"] and data["next"] is None

    def test_unpublished_matter_is_withdrawn(self, api, world):
        moment = timezone.now()
        matter = world.matters["other"]
        matter.unpublish()
        data = body(api.get(LIST, since_param(moment)))
        assert {"id": str(matter.pk), "status": "withdrawn"}.items() <= data["tombstones"][0].items()

    def test_a_never_published_draft_is_not_a_tombstone(self, api, world):
        moment = timezone.now()
        MatterFactory(department=world.dept_a, draft=True)
        assert body(api.get(LIST, since_param(moment)))["tombstones"] == []

    def test_next_sync_from_until_sees_only_later_changes(self, api, world):
        first = body(api.get(LIST, since_param(timezone.now() - datetime.timedelta(minutes=1))))
        later = MatterFactory(department=world.dept_a, name="之后新增的事项")
        second = api.get(LIST, {"updated_since": first["until"]})
        assert ids(second) == {later.pk}

    def test_cursor_pages_cover_every_change_once(self, api, world):
        moment = timezone.now()
        created = {MatterFactory(department=world.dept_a).pk for _ in range(5)}
        seen: list[int] = []
        url, params = LIST, {**since_param(moment), "page_size": 2}
        pages = 0
        while url:
            data = body(api.get(url, params))
            seen += [r["id"] for r in data["results"]]
            if data["next"]:
                assert "cursor=" in data["next"] and "until=" in data["next"]
                assert pages == 0 or data["tombstones"] == []
                parts = urlsplit(data["next"])
                url, params = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
            else:
                url = None
            pages += 1
        assert sorted(seen) == sorted(created)
        assert pages == 3

    def test_filters_apply_to_changes_and_withdrawals(self, api, world):
        moment = timezone.now()
        own = MatterFactory(department=world.dept_a)
        MatterFactory(department=world.dept_b)
        lifecycle.change_state(world.matters["other"], world.users["sysadmin"], "cancel", "撤销")
        data = body(api.get(LIST, {**since_param(moment), "department": world.dept_a.credit_code}))
        assert {r["id"] for r in data["results"]} == {own.pk}
        assert data["tombstones"] == []

    def test_bad_parameters_are_named_in_chinese(self, api, world):
        response = api.get(LIST, {"updated_since": "昨天"})
        assert response.status_code == 400
        assert "updated_since" in body(response) and "ISO 8601" in body(response)["updated_since"][0]
        response = api.get(LIST, {**since_param(timezone.now()), "cursor": "garbage!"})
        assert response.status_code == 400 and "cursor" in body(response)
        response = api.get(LIST, {"page": "0"})
        assert response.status_code == 400 and "页码" in body(response)["page"][0]
        response = api.get(LIST, {"page": "99"})
        assert response.status_code == 404 and "第 99 页不存在" in body(response)["detail"]

    def test_too_old_a_start_is_410(self, api, world):
        response = api.get(LIST, since_param(timezone.now() - datetime.timedelta(days=400)))
        assert response.status_code == 410
        assert "全量同步" in body(response)["detail"]


@pytest.mark.django_db
def test_overlap_resends_recent_records(api, world):
    """Rows stamped just before ``updated_since`` may have committed after it: they come again."""
    recent = MatterFactory(department=world.dept_a)
    response = api.get(LIST, since_param(timezone.now()))
    assert recent.pk in ids(response)


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"updated_since": "NOW"}])
def test_list_queries_do_not_grow_with_length(api, world, params):
    def count(n_records: int) -> int:
        cache.clear()
        query = dict(params, page_size=n_records)
        if query.get("updated_since") == "NOW":
            query["updated_since"] = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
        with CaptureQueriesContext(connection) as queries:
            response = api.get(LIST, query)
        assert response.status_code == 200
        assert len(body(response)["results"]) == n_records
        return len(queries)

    for _ in range(20):
        MatterFactory(department=world.dept_a)
    api.get(LIST)  # the collection versions settle (rows created, transitions computed) once
    assert count(20) == count(2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"updated_after": "1120-02-22T19:43:32-22:25"},
        {"updated_before": "0001-01-01T00:00:00+05:00"},
        {"updated_since": "2026-01-01T00:00:00+15:30"},
    ],
)
def test_times_a_database_cannot_compare_are_400(api, world, params):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert "超出范围" in json.dumps(body(response), ensure_ascii=False)
