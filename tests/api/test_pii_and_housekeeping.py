"""Applicants' personal data never reaches the API; old tombstones are pruned."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import Tombstone
from api.registry import router

from ..disclosure.factories import DisclosureRequestFactory

PII = ("张三丰", "110101199003071234", "13812345678", "湖滨路18号", "zhang@example.cn")


@pytest.mark.django_db
def test_no_api_response_contains_applicants_personal_data(api, world, settings):
    settings.API_SYNC_OVERLAP_SECONDS = 3600
    DisclosureRequestFactory(department=world.dept_a, received=datetime.date(2025, 3, 3))
    since = (timezone.now() - datetime.timedelta(minutes=30)).isoformat()
    api.force_authenticate(world.users["disclosure"])  # even the office, who handles requests
    urls = ["/api/schema/", "/api/v1/"]
    for prefix, _viewset, _basename in router.registry:
        urls += [f"/api/v1/{prefix}/", f"/api/v1/{prefix}/?updated_since={since}"]
    checked = 0
    for url in urls:
        response = api.get(url, HTTP_ACCEPT="application/json")
        if response.status_code != 200:
            continue
        text = response.content.decode()
        for value in PII:
            assert value not in text, f"{url} leaks {value}"
        if url.startswith("/api/v1/") and "results" in text and "updated_since" not in url:
            for record in json.loads(text).get("results", [])[:3]:
                if isinstance(record, dict) and "id" in record and str(record["id"]).isdigit():
                    detail = api.get(f"{url}{record['id']}/")
                    for value in PII:
                        assert value not in detail.content.decode()
        checked += 1
    assert checked >= 4


@pytest.mark.django_db
def test_prune_tombstones_keeps_the_retention_period(settings):
    settings.API_TOMBSTONE_RETENTION_DAYS = 90
    old = Tombstone.objects.create(kind="matters", object_id="1", reason="deleted")
    Tombstone.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=91))
    recent = Tombstone.objects.create(kind="matters", object_id="2", reason="deleted")
    call_command("prune_tombstones", stdout=io.StringIO())
    assert list(Tombstone.objects.values_list("pk", flat=True)) == [recent.pk]
