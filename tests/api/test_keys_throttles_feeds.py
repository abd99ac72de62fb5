"""Terminal keys, throttling, CORS and low-code feeds, through HTTP."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.throttling import AnonThrottle, TerminalThrottle
from terminals.models import Terminal, TerminalKey
from terminals.service import revoke_keys, rotate_keys

from ..matters.factories import MatterFactory
from ..terminals.factories import FeedFactory, TerminalFactory
from .conftest import key_header

LIST = "/api/v1/matters/"


@pytest.mark.django_db
class TestKeys:
    def test_a_valid_key_is_accepted_and_last_seen_recorded(self, api, kiosk):
        terminal, key = kiosk, kiosk.api_key
        response = api.get(LIST, **key_header(key))
        assert response.status_code == 200
        terminal.refresh_from_db()
        assert terminal.last_seen_at is not None
        assert (timezone.now() - terminal.last_seen_at).total_seconds() < 60

    def test_the_x_api_key_header_works_too(self, api, kiosk):
        assert api.get(LIST, HTTP_X_API_KEY=kiosk.api_key).status_code == 200

    @pytest.mark.parametrize("how", ["revoked", "deactivated", "wrong", "expired", "unknown"])
    def test_unusable_keys_are_refused(self, api, kiosk, how):
        terminal, key = kiosk, kiosk.api_key
        if how == "revoked":
            revoke_keys(terminal)
        elif how == "deactivated":
            terminal.is_active = False
            terminal.save()
        elif how == "wrong":
            key = key[:-2] + ("xx" if not key.endswith("xx") else "yy")
        elif how == "expired":
            TerminalKey.objects.filter(terminal=terminal).update(
                expiry_date=timezone.now() - datetime.timedelta(minutes=1)
            )
        else:
            key = "nope1234.abcdefghijklmnopqrstuvwxyz012345"
        response = api.get(LIST, **key_header(key))
        assert response.status_code == 401
        assert "接口密钥无效" in json.loads(response.content)["detail"]
        assert response["WWW-Authenticate"] == "Api-Key"

    def test_rotation_keeps_the_old_key_for_the_grace_period_only(self, api, kiosk):
        terminal, old = kiosk, kiosk.api_key
        new = rotate_keys(terminal, grace_hours=1)
        assert api.get(LIST, **key_header(new)).status_code == 200
        assert api.get(LIST, **key_header(old)).status_code == 200
        TerminalKey.objects.filter(terminal=terminal, expiry_date__isnull=False).update(
            expiry_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert api.get(LIST, **key_header(old)).status_code == 401
        assert api.get(LIST, **key_header(new)).status_code == 200

    def test_a_public_key_sees_only_public_matters(self, api, world, kiosk):
        data = json.loads(api.get(LIST, **key_header(kiosk.api_key)).content)
        names = {r["name"] for r in data["results"]}
        assert names == {"甲局在用事项", "乙局在用事项"}

    def test_a_drafts_key_sees_its_own_department_drafts_only(self, api, world, department_system):
        response = api.get(LIST, **key_header(department_system.api_key))
        names = {r["name"] for r in json.loads(response.content)["results"]}
        assert names == {"甲局在用事项", "甲局草稿事项", "乙局在用事项"}
        assert response["Cache-Control"] == "private, no-cache"
        other_draft = world.matters["other_draft"]
        assert api.get(f"{LIST}{other_draft.pk}/", **key_header(department_system.api_key)).status_code == 404


@pytest.fixture
def frozen_window(monkeypatch):
    """Every request of a test falls in the same throttle window (no minute boundary mid-test)."""
    for throttle in (AnonThrottle, TerminalThrottle):
        monkeypatch.setattr(throttle, "timer", lambda self: 1_000_020.0)


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_window")
class TestThrottling:
    def test_anonymous_clients_get_429_with_retry_after(self, api, world, monkeypatch):
        monkeypatch.setattr(AnonThrottle, "rate", "3/minute", raising=False)
        statuses = [api.get(LIST).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get(LIST)
        assert 0 < int(response["Retry-After"]) <= 60
        assert "请求过于频繁" in json.loads(response.content)["detail"]

    def test_each_key_has_its_own_bucket(self, api, world, monkeypatch):
        monkeypatch.setattr(AnonThrottle, "rate", "1/minute", raising=False)
        monkeypatch.setattr(TerminalThrottle, "rate", "2/minute", raising=False)
        key_a = TerminalFactory(department=world.dept_a, name="终端一", with_key=True).api_key
        key_b = TerminalFactory(department=world.dept_a, name="终端二", with_key=True).api_key
        assert api.get(LIST).status_code == 200
        assert api.get(LIST).status_code == 429  # anonymous bucket spent
        assert [api.get(LIST, **key_header(key_a)).status_code for _ in range(3)] == [200, 200, 429]
        assert api.get(LIST, **key_header(key_b)).status_code == 200  # another terminal, another bucket

    def test_revalidations_count_too(self, api, world, monkeypatch):
        monkeypatch.setattr(AnonThrottle, "rate", "2/minute", raising=False)
        etag = api.get(LIST)["ETag"]
        assert api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 429

    def test_far_below_the_limit_requests_reach_the_shared_count_in_batches(self, api, world, monkeypatch, settings):
        """Another server's requests count against the same limit: a batch late at most, then exactly."""
        settings.API_THROTTLE_LOCAL_BATCH = 10
        monkeypatch.setattr(AnonThrottle, "rate", "100/minute", raising=False)  # batches of 100 / 20 = 5
        shared_key = f"throttle_anon_127.0.0.1:{int(1_000_020.0 // 60)}"
        etag = api.get(LIST)["ETag"]
        assert cache.get(shared_key) is None  # one request: not yet in the shared count
        assert [api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(4)] == [304] * 4
        assert cache.get(shared_key) == 5  # the fifth sent the batch
        cache.incr(shared_key, 90)  # the same client on other servers: 95 in all
        assert [api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(5)] == [304] * 5
        assert cache.get(shared_key) == 100  # this server learnt of the 90 with its next batch
        refused = api.get(LIST, HTTP_IF_NONE_MATCH=etag)  # near the limit every request counts at once
        assert refused.status_code == 429
        assert cache.get(shared_key) == 101


@pytest.mark.django_db
class TestCors:
    def test_only_configured_portal_origins(self, api, world, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://www.shifan.gov.cn"]
        allowed = api.get(LIST, HTTP_ORIGIN="https://www.shifan.gov.cn")
        assert allowed["Access-Control-Allow-Origin"] == "https://www.shifan.gov.cn"
        assert "ETag" in allowed["Access-Control-Expose-Headers"]
        other = api.get(LIST, HTTP_ORIGIN="https://evil.example.com")
        assert "Access-Control-Allow-Origin" not in other

    def test_preflight_allows_conditional_and_key_headers(self, api, world, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://www.shifan.gov.cn"]
        response = api.options(
            LIST,
            HTTP_ORIGIN="https://www.shifan.gov.cn",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-none-match",
        )
        assert response.status_code == 200
        allowed = response["Access-Control-Allow-Headers"]
        assert "if-none-match" in allowed and "authorization" in allowed

    def test_admin_is_never_cross_origin(self, client, world, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://www.shifan.gov.cn"]
        response = client.get("/admin/login/", HTTP_ORIGIN="https://www.shifan.gov.cn")
        assert "Access-Control-Allow-Origin" not in response


def kiosk_feed(world, **fields):
    """Department A's feed of matters at /api/v1/feeds/kiosk-matters/."""
    return FeedFactory(department=world.dept_a, slug="kiosk-matters", title="自助终端事项", **fields)


@pytest.mark.django_db
class TestFeeds:
    def test_source_filters_fields_ordering_and_size(self, api, world):
        for i in range(3):
            MatterFactory(department=world.dept_a, name=f"甲局事项{i}")
        kiosk_feed(world, departments=[world.dept_a], fields=["name", "promised_limit"], ordering="name", size=2)
        response = api.get("/api/v1/feeds/kiosk-matters/")
        assert response.status_code == 200
        data = json.loads(response.content)
        assert data["count"] == 4  # department A's four public matters, nothing of B
        assert [r["name"] for r in data["results"]] == ["甲局事项0", "甲局事项1"]
        assert set(data["results"][0]) == {"id", "name", "promised_limit"}
        assert data["next"].endswith("page=2")
        assert api.get("/api/v1/feeds/kiosk-matters/", {"page_size": 3}).status_code == 400

    def test_a_feed_never_shows_drafts(self, api, world, department_system):
        kiosk_feed(world, departments=[world.dept_a])
        response = api.get("/api/v1/feeds/kiosk-matters/", **key_header(department_system.api_key))
        assert "甲局草稿事项" not in response.content.decode()

    def test_key_required(self, api, world, kiosk):
        kiosk_feed(world, requires_key=True)
        refused = api.get("/api/v1/feeds/kiosk-matters/")
        assert refused.status_code == 401
        assert "需要接口密钥" in json.loads(refused.content)["detail"]
        allowed = api.get("/api/v1/feeds/kiosk-matters/", **key_header(kiosk.api_key))
        assert allowed.status_code == 200
        assert allowed["Cache-Control"] == "private, no-cache"

    def test_inactive_or_unknown_feed_is_404(self, api, world):
        kiosk_feed(world, inactive=True)
        for slug in ("kiosk-matters", "no-such-feed"):
            response = api.get(f"/api/v1/feeds/{slug}/")
            assert response.status_code == 404
            assert "数据订阅" in json.loads(response.content)["detail"]

    def test_caching_follows_the_source_and_the_definition(self, api, world):
        feed = kiosk_feed(world)
        first = api.get("/api/v1/feeds/kiosk-matters/")
        assert api.get("/api/v1/feeds/kiosk-matters/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        feed.fields = ["name"]
        feed.save()
        second = api.get("/api/v1/feeds/kiosk-matters/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200
        MatterFactory(department=world.dept_b)
        third = api.get("/api/v1/feeds/kiosk-matters/", HTTP_IF_NONE_MATCH=second["ETag"])
        assert third.status_code == 200

    def test_feed_sync_has_tombstones(self, api, world, settings):
        settings.API_SYNC_OVERLAP_SECONDS = 0
        kiosk_feed(world)
        moment = timezone.now()
        world.matters["own"].delete()
        data = json.loads(api.get("/api/v1/feeds/kiosk-matters/", {"updated_since": moment.isoformat()}).content)
        assert [t["status"] for t in data["tombstones"]] == ["deleted"]

    def test_the_feed_list(self, api, world):
        kiosk_feed(world)
        FeedFactory(department=world.dept_a, slug="off", inactive=True)
        data = json.loads(api.get("/api/v1/feeds/").content)
        assert [f["slug"] for f in data["results"]] == ["kiosk-matters"]
        assert data["results"][0]["url"].endswith("/api/v1/feeds/kiosk-matters/")


@pytest.mark.django_db
def test_stale_terminal_listing_follows_polling(api, world):
    from terminals.service import stale_terminals

    terminal = TerminalFactory(department=world.dept_a, with_key=True)
    key = terminal.api_key
    assert terminal in stale_terminals(Terminal.objects.all())
    api.get(LIST, **key_header(key))
    assert terminal not in stale_terminals(Terminal.objects.all())
