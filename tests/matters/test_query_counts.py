"""Listings do not issue more queries for more rows (admin listing, API list)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matters.models import Matter

from .factories import MatterFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url: str, *, cold: bool = False) -> int:
    if cold:  # the API caches bodies and records: measure the work of building them
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["owner", "sysadmin"])
def test_admin_listing_queries_do_not_grow(client, world, role):
    client.force_login(world.users[role])
    url = reverse(Matter.snippet_viewset.get_url_name("list"))
    count_queries(client, url)  # warm caches (content types, site)
    small = count_queries(client, url)
    for _ in range(20):
        MatterFactory(department=world.dept_a)
    large = count_queries(client, url)
    assert large == small


@pytest.mark.parametrize("role", ["owner", "nodept", "anonymous"])
def test_api_list_queries_do_not_grow(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    count_queries(client, "/api/v1/matters/")
    small = count_queries(client, "/api/v1/matters/", cold=True)
    for _ in range(20):
        MatterFactory(department=world.dept_a)
    count_queries(client, "/api/v1/matters/")  # the collection's version settles after the change
    large = count_queries(client, "/api/v1/matters/", cold=True)
    assert large == small
