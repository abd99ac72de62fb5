"""Helpers for the read-resource suites (tests/api/test_resources_*.py)."""

from __future__ import annotations

import datetime
import json

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def body(response) -> dict:
    return json.loads(response.content)


def ids(response) -> list[int]:
    return [record["id"] for record in body(response)["results"]]


def tombstones(response) -> set[tuple[str, str]]:
    return {(t["id"], t["status"]) for t in body(response)["tombstones"]}


def since(moment: datetime.datetime) -> dict:
    return {"updated_since": moment.isoformat()}


def assert_not_found_in_chinese(api, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 404
    assert "没有编号为" in body(response)["detail"]


def revalidate(api, url: str, change, params=None) -> tuple:
    """304 with the ETag of a first read; then ``change()``; then a 200 with a new ETag."""
    params = params or {}
    first = api.get(url, params)
    assert first.status_code == 200
    assert api.get(url, params, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    change()
    again = api.get(url, params, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    return first, again


def list_queries(api, url: str, size: int, *, sync: bool = False) -> int:
    """Queries of one cold list request of ``size`` records (browse, or sync from 10 minutes ago)."""
    cache.clear()
    params: dict = {"page_size": size}
    if sync:
        params.update(since(timezone.now() - datetime.timedelta(minutes=10)))
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    assert len(body(response)["results"]) == size
    return len(queries)


def assert_queries_do_not_grow(api, url: str) -> None:
    api.get(url)  # the collection versions settle (rows created, transitions computed) once
    for sync in (False, True):
        assert list_queries(api, url, 20, sync=sync) == list_queries(api, url, 2, sync=sync)
