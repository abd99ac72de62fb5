"""Public portal pages are marked for shared caches (nginx) with an ETag; nothing personal is."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cases.pages import CaseIndexPage
from portal.models import HomePage

from ..permissions.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_gets_a_shareable_page_with_an_etag_and_a_304(client, settings):
    settings.PORTAL_CACHE_SECONDS = 60
    response = client.get("/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert response.has_header("ETag") and not response.cookies
    again = client.get("/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_published_change_gives_a_new_etag(client):
    first = client.get("/")["ETag"]
    home = HomePage.objects.get()
    home.title = "改版后的首页"
    revision = home.save_revision()
    revision.publish()
    response = client.get("/", HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200 and response["ETag"] != first


def test_a_signed_in_visitor_is_never_shared(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_a_page_with_a_form_keeps_its_csrf_token_to_itself(client):
    page = CaseIndexPage(title="办件服务", slug="banjian")
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/banjian/lookup/")
    assert response.status_code == 200 and "csrfmiddlewaretoken" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")


def test_the_api_keeps_its_own_cache_headers_and_the_admin_is_never_public(client):
    api = client.get("/api/v1/matters/")
    assert api.status_code == 200 and api["Cache-Control"].startswith("public, max-age=")
    login = client.get("/admin/login/")
    assert "public" not in login.get("Cache-Control", "")


def test_zero_seconds_turns_it_off(client, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    assert "public" not in client.get("/").get("Cache-Control", "")
