"""Feeds in the admin: output fields valid for the chosen source, size 1-200, the feed URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from terminals.feed_fields import available_fields
from terminals.models import Feed

pytestmark = pytest.mark.django_db


def feed_data(department, **changes) -> dict:
    data = {
        "title": "事项订阅",
        "slug": "matters-feed",
        "source": "matters",
        "department": department.pk,
        "ordering": "name",
        "size": 50,
        "is_active": "on",
        "change_reason": "新建订阅",
    }
    data.update(changes)
    return data


def test_feed_with_fields_of_its_source_is_saved(client, hall_world):
    world = hall_world
    names = [name for name, _ in available_fields("matters")]
    chosen = [names[2], names[0]]
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, fields=chosen, keyword="许可"))
    assert response.status_code == 302
    feed = Feed.objects.get(slug="matters-feed")
    assert feed.fields == [names[0], names[2]]  # in the source's order
    assert (feed.department, feed.ordering, feed.size, feed.keyword) == (world.dept_a, "name", 50, "许可")
    html = client.get(reverse("api-feeds:index")).content.decode()
    assert "/api/v1/feeds/matters-feed/" in html


def test_feed_rejects_a_field_the_source_does_not_have(client, hall_world):
    world = hall_world
    names = [name for name, _ in available_fields("matters")]
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, fields=[names[0], "no_such_field"]))
    assert response.status_code == 200
    assert "“no_such_field”不是任何数据来源的可选字段" in response.content.decode()
    assert not Feed.objects.filter(slug="matters-feed").exists()


def test_feed_rejects_a_field_of_another_source(client, hall_world, monkeypatch):
    """A field valid for one source (offered in its group) is refused for another, by name."""
    from terminals import forms

    catalogue = {"matters": [("id", "编号"), ("name", "事项名称")], "notices": [("id", "编号"), ("title", "标题")]}
    monkeypatch.setattr(forms, "available_fields", lambda source: catalogue.get(source, []))
    world = hall_world
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, fields=["id", "title"]))
    assert response.status_code == 200
    assert "“title”不是“事项”数据来源的可选字段" in response.content.decode()
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, source="notices", fields=["id", "title"]))
    assert response.status_code == 302
    assert Feed.objects.get(slug="matters-feed").fields == ["id", "title"]


@pytest.mark.parametrize("size", [0, 201, -5])
def test_feed_size_must_be_between_1_and_200(client, hall_world, size):
    world = hall_world
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, size=size))
    assert response.status_code == 200
    assert "条数必须在 1 到 200 之间" in response.content.decode()
    assert not Feed.objects.filter(slug="matters-feed").exists()


def test_feed_ordering_is_one_of_the_offered(client, hall_world):
    world = hall_world
    client.force_login(world.users["owner"])
    html = client.get(reverse("api-feeds:add")).content.decode()
    assert "最近更新在前" in html and "按名称" in html and "最新发布在前" in html
    response = client.post(reverse("api-feeds:add"), feed_data(world.dept_a, ordering="-id"))
    assert response.status_code == 200 and not Feed.objects.filter(slug="matters-feed").exists()
