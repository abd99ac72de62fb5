"""The shared viewset guards the views Wagtail leaves unchecked: lock, unlock, chooser,
unpublish, usage, workflow history, bulk delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matters.models import Matter

from ..helpers import matter_url as url

pytestmark = pytest.mark.django_db


def test_lock_own_but_not_other(client, world):
    client.force_login(world.users["owner"])
    assert client.post(url("lock", world.matters["other"].pk)).status_code == 404
    world.matters["other"].refresh_from_db()
    assert not world.matters["other"].locked
    client.post(url("lock", world.matters["own"].pk))
    world.matters["own"].refresh_from_db()
    assert world.matters["own"].locked and world.matters["own"].locked_by == world.users["owner"]


def test_owner_cannot_unlock_others_lock_reviewer_can(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["reviewer"])
    client.post(url("lock", matter.pk))
    matter.refresh_from_db()
    assert matter.locked_by == world.users["reviewer"]

    client.force_login(world.users["owner"])
    client.post(url("unlock", matter.pk))
    matter.refresh_from_db()
    assert matter.locked  # owners may release only their own locks

    client.force_login(world.users["owner_b"])
    assert client.post(url("unlock", matter.pk)).status_code == 404

    client.force_login(world.users["sysadmin"])
    client.post(url("unlock", matter.pk))
    matter.refresh_from_db()
    assert not matter.locked


def test_unpublish_needs_publish_right_on_the_record(client, world):
    client.force_login(world.users["owner"])
    client.post(url("unpublish", world.matters["own"].pk))
    world.matters["own"].refresh_from_db()
    assert world.matters["own"].live
    client.force_login(world.users["reviewer"])
    assert client.post(url("unpublish", world.matters["other"].pk)).status_code == 404
    client.post(url("unpublish", world.matters["own"].pk))
    world.matters["own"].refresh_from_db()
    assert not world.matters["own"].live


@pytest.mark.parametrize("view", ["usage", "workflow_history", "inspect"])
def test_read_views_hide_other_departments(client, world, view):
    client.force_login(world.users["owner"])
    assert client.get(url(view, world.matters["own"].pk)).status_code == 200
    assert client.get(url(view, world.matters["other_draft"].pk)).status_code == 404


def test_chooser_offers_own_and_public_records_only(client, world):
    client.force_login(world.users["owner"])
    chooser = reverse(f"{Matter.snippet_viewset.chooser_viewset.name}:choose")
    html = client.get(chooser).json()["html"]
    assert "甲局草稿事项" in html and "乙局在用事项" in html
    assert "乙局草稿事项" not in html
    chosen = reverse(f"{Matter.snippet_viewset.chooser_viewset.name}:chosen", args=[world.matters["other_draft"].pk])
    assert client.get(chosen).status_code == 404


def test_bulk_delete_only_deletes_permitted(client, world):
    client.force_login(world.users["owner"])
    own, other = world.matters["own"], world.matters["other"]
    bulk = reverse("wagtail_bulk_action", args=["matters", "matter", "delete"]) + f"?id={own.pk}&id={other.pk}"
    client.post(bulk)
    assert not Matter.objects.filter(pk=own.pk).exists()
    assert Matter.objects.filter(pk=other.pk).exists()


def test_bulk_delete_never_names_records_the_user_may_not_see(client, world):
    client.force_login(world.users["owner"])
    own, hidden = world.matters["own"], world.matters["other_draft"]
    bulk = reverse("wagtail_bulk_action", args=["matters", "matter", "delete"])
    html = client.get(f"{bulk}?id={own.pk}&id={hidden.pk}").content.decode()
    assert "甲局在用事项" in html and "乙局草稿事项" not in html
    html = client.get(f"{bulk}?id=all").content.decode()
    assert "乙局" not in html
    assert client.get(f"{bulk}?id={hidden.pk}").status_code == 404
