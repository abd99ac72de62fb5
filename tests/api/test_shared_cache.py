"""The API with a cache shared by every process (``API_SHARED_CACHE``: Redis in production).

Collection versions and key lookups are then answered from the cache, so a revalidation costs
no SQL query; what is written there is written after the commit, so a committed change is seen
by the next request and a rolled-back one never. The tests run on one process with the local
memory cache (or CI's Redis) and the setting forced on; ``django_capture_on_commit_callbacks``
runs what a real commit would (the test's own transaction never commits).
"""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError

from api.caching import _HotBodies
from api.collections import SHARED_SECONDS, _entry, _shared_key, forget_local_copies
from api.models import CollectionVersion
from terminals.service import revoke_keys

from ..halls.factories import NoticeFactory
from ..matters.factories import MatterFactory
from ..terminals.factories import TerminalFactory, key_header

LIST = "/api/v1/matters/"
NOTICES = "/api/v1/notices/"


@pytest.fixture
def shared(settings):
    settings.API_SHARED_CACHE = True


@pytest.fixture
def kiosk(world):
    return TerminalFactory(department=world.dept_a, with_key=True)


def committed(capture, api, url: str, **headers):
    """A request whose transaction commits (what it read may then be stored in the shared cache)."""
    with capture(execute=True):
        return api.get(url, **headers)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@pytest.mark.usefixtures("shared")
class TestRevalidationWithoutQueries:
    @pytest.mark.parametrize("keyed", [False, True], ids=["anonymous", "keyed"])
    @pytest.mark.parametrize("kind", ["list", "detail"])
    def test_a_304_runs_no_query(
        self, api, world, kiosk, keyed, kind, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        url = LIST if kind == "list" else f"{LIST}{world.matters['own'].pk}/"
        headers = key_header(kiosk) if keyed else {}
        first = committed(django_capture_on_commit_callbacks, api, url, **headers)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]

    def test_a_committed_change_is_seen_by_the_next_request(
        self, api, world, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            MatterFactory(department=world.dept_b, name="新进驻事项")
        changed = committed(django_capture_on_commit_callbacks, api, LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert changed["ETag"] != first["ETag"]
        assert "新进驻事项" in changed.content.decode()
        with django_assert_num_queries(0):  # the new version is shared again
            assert api.get(LIST, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304

    def test_a_rolled_back_change_keeps_the_etag(
        self, api, world, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
            MatterFactory(department=world.dept_b, name="回滚的事项")
            raise Rollback
        with django_assert_num_queries(0):
            again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]

    def test_a_lost_cache_entry_is_read_again_from_the_database(
        self, api, world, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        cache.clear()  # Redis restarted
        again = committed(django_capture_on_commit_callbacks, api, LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        with django_assert_num_queries(0):
            assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_a_passed_clock_transition_changes_the_etag(
        self, api, world, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        notice = NoticeFactory(department=world.dept_a, title="本周六照常办公", days_left=1)
        first = committed(django_capture_on_commit_callbacks, api, NOTICES)
        assert "本周六照常办公" in first.content.decode()
        with django_assert_num_queries(0):
            assert api.get(NOTICES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        later = notice.ends_at + datetime.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            after = committed(django_capture_on_commit_callbacks, api, NOTICES, HTTP_IF_NONE_MATCH=first["ETag"])
            assert after.status_code == 200
            assert after["ETag"] != first["ETag"]
            assert "本周六照常办公" not in after.content.decode()
            with django_assert_num_queries(0):  # the bumped version is shared again
                assert api.get(NOTICES, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


@pytest.mark.django_db
@pytest.mark.usefixtures("shared")
class TestCachedKeys:
    def prime(self, api, kiosk, capture, django_assert_num_queries):
        first = committed(capture, api, LIST, **key_header(kiosk))
        with django_assert_num_queries(0):  # the key is answered from the cache
            assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"], **key_header(kiosk)).status_code == 304
        return first

    @pytest.mark.parametrize("change", ["revoke", "deactivate", "delete"])
    def test_a_withdrawn_key_is_refused_on_the_next_request(
        self, api, world, kiosk, change, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = self.prime(api, kiosk, django_capture_on_commit_callbacks, django_assert_num_queries)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            if change == "revoke":
                revoke_keys(kiosk)
            elif change == "deactivate":
                kiosk.is_active = False
                kiosk.save()
            else:
                kiosk.keys.get().delete()
        refused = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"], **key_header(kiosk))
        assert refused.status_code == 401
        assert "密钥无效" in refused.json()["detail"]

    def test_a_rolled_back_revocation_leaves_the_key_working(
        self, api, world, kiosk, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = self.prime(api, kiosk, django_capture_on_commit_callbacks, django_assert_num_queries)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
            revoke_keys(kiosk)
            raise Rollback
        assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"], **key_header(kiosk)).status_code == 304

    def test_the_cache_never_holds_the_key(self, api, world, kiosk, django_capture_on_commit_callbacks):
        committed(django_capture_on_commit_callbacks, api, LIST, **key_header(kiosk))
        secret = kiosk.api_key.partition(".")[2]
        prefix = kiosk.api_key.partition(".")[0]
        keys = [str(k) for k in (cache.keys("*") if hasattr(cache, "keys") else cache._cache)]  # Redis, locmem
        assert any("api:key:" in k for k in keys)
        assert not any(secret in k or prefix in k for k in keys)


@pytest.mark.django_db
class TestLocalCopy:
    """Each process keeps the versions it read for ``API_VERSIONS_LOCAL_SECONDS``: no round trip per
    poll, to Redis (shared cache) or to the database (the embedded default)."""

    @pytest.fixture(autouse=True, params=[True, False], ids=["shared-cache", "database"])
    def local_seconds(self, request, settings):
        settings.API_SHARED_CACHE = request.param
        settings.API_VERSIONS_LOCAL_SECONDS = 30

    def test_a_poll_needs_no_round_trip(
        self, api, world, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        first = committed(django_capture_on_commit_callbacks, api, LIST)  # kept here once it committed
        with (
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
            django_assert_num_queries(0),
        ):
            again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert get_many.call_count == 0

    def test_another_process_change_reaches_polls_once_the_copy_is_old(
        self, api, world, django_capture_on_commit_callbacks
    ):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        # Another process adds a matter (its commit drops its own copy, not this one's) ...
        MatterFactory(department=world.dept_b, name="另一台服务器上新增的事项")
        rows = list(CollectionVersion.objects.all())  # ... and publishes the new version
        cache.set_many({_shared_key(row.name): _entry(row) for row in rows}, SHARED_SECONDS)
        assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304  # within the 30 s
        later = time.monotonic() + 31
        with mock.patch("api.collections.time.monotonic", return_value=later):
            changed = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert "另一台服务器上新增的事项" in changed.content.decode()

    def test_this_process_own_commit_is_seen_at_once(self, api, world, django_capture_on_commit_callbacks):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            MatterFactory(department=world.dept_b, name="本机刚提交的事项")
        changed = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert "本机刚提交的事项" in changed.content.decode()

    def test_a_rolled_back_read_is_never_kept(self, api, world, settings, django_capture_on_commit_callbacks):
        """Rows read inside a transaction that rolls back (its own bump included) never answer a poll."""
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        forget_local_copies()
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
            MatterFactory(department=world.dept_b, name="回滚的事项")
            inside = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
            # The database path sees the transaction's own bump; the shared copy holds committed rows only.
            assert inside.status_code == (304 if settings.API_SHARED_CACHE else 200)
            raise Rollback
        assert api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_a_clock_transition_is_seen_at_once(self, api, world, django_capture_on_commit_callbacks):
        notice = NoticeFactory(department=world.dept_a, title="本周六照常办公", days_left=1)
        first = committed(django_capture_on_commit_callbacks, api, NOTICES)
        assert api.get(NOTICES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        later = notice.ends_at + datetime.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            after = api.get(NOTICES, HTTP_IF_NONE_MATCH=first["ETag"])
        assert after.status_code == 200
        assert "本周六照常办公" not in after.content.decode()


@pytest.mark.django_db
class TestHotBodies:
    """Each process keeps the bodies it served lately (``API_BODY_LOCAL_BYTES``), by ETag: a hit
    costs no round trip to the shared cache, and a changed collection is never answered from it."""

    @pytest.fixture(autouse=True)
    def local_bytes(self, settings):
        settings.API_SHARED_CACHE = True
        settings.API_BODY_LOCAL_BYTES = 4 * 1024 * 1024

    def test_a_hit_is_served_without_reading_the_shared_cache(self, api, world, django_capture_on_commit_callbacks):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        with mock.patch.object(cache, "get", wraps=cache.get) as shared_get:
            again = api.get(LIST)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]
        assert not [c for c in shared_get.call_args_list if str(c.args[0]).startswith("api:body:")]

    def test_a_change_is_served_at_once(self, api, world, django_capture_on_commit_callbacks):
        first = committed(django_capture_on_commit_callbacks, api, LIST)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            MatterFactory(department=world.dept_b, name="刚发布的事项")
        changed = api.get(LIST)
        assert changed["ETag"] != first["ETag"]
        assert "刚发布的事项" in changed.content.decode()

    def test_the_copies_stay_within_their_bytes_and_their_time(self, settings):
        settings.API_BODY_LOCAL_BYTES = 400
        settings.API_RESPONSE_CACHE_SECONDS = 60
        bodies = _HotBodies()
        for n in range(5):
            bodies.put(f"k{n}", bytes([n]) * 100)
        assert bodies.get("k0") is None  # the least recently used went first
        assert bodies.get("k4") == bytes([4]) * 100
        bodies.put("huge", b"x" * 101)  # over a quarter of the room: never kept
        assert bodies.get("huge") is None
        with mock.patch("api.caching.time.monotonic", return_value=time.monotonic() + 61):
            assert bodies.get("k4") is None  # no older than the shared copy may be


@pytest.mark.django_db
def test_throttles_let_requests_through_when_the_cache_is_down(api, world):
    """A Redis blip must not turn every API request into a 500: the throttle counts nothing and lets it pass."""
    down = RedisConnectionError("Connection refused")
    with mock.patch.object(cache, "add", side_effect=down), mock.patch.object(cache, "incr", side_effect=down):
        response = api.get(LIST)
    assert response.status_code == 200
