"""The 2FA crawl (issue 14): every admin URL pattern, GET and POST, with a password-only staff
session reaches nothing — each goes to verification (HTML) or is refused (JSON) — and with a
verified session a sample behaves as before."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.middleware import EXEMPT_VIEWS

from ..conftest import password_only_login
from ..permissions.factories import UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = {"int": "{id}", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _sample(pattern, object_id: int) -> str:
    text = str(pattern)
    if text.startswith("^") or "(?P<" in text or "\\" in text:  # a regex pattern
        text = re.sub(r"\(\?P<\w+>[^)]*\d[^)]*\)", str(object_id), text)  # digit groups
        text = re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", "x", text)
        return text.lstrip("^").rstrip("$").replace("\\", "").replace("?", "")
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), text).format(id=object_id)


def admin_urls(object_id: int) -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            part = prefix + _sample(entry.pattern, object_id)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, part)
            elif isinstance(entry, URLPattern) and part.startswith("admin/"):
                found.append("/" + part)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def resolvable(urls: list[str]) -> list[str]:
    kept = []
    for url in urls:
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.view_name not in EXEMPT_VIEWS:
            kept.append(url)
    return kept


def test_no_admin_url_answers_a_password_only_session(client):
    user = UserFactory(username="root", superuser=True)
    urls = resolvable(admin_urls(user.pk))
    assert len(urls) > 250, len(urls)
    password_only_login(client, user)
    reached = []
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            ok = (response.status_code == 302 and response["Location"].startswith("/admin/2fa/enrol/")) or (
                response.status_code == 403 and response["Content-Type"] == "application/json"
            )
            if not ok:
                reached.append(f"{method.upper()} {url} → {response.status_code}")
    assert reached == []


def test_with_both_factors_the_admin_answers_as_before(client, world):
    user = world.users["sysadmin"]  # the 系统管理员 role, not a superuser
    client.force_login(user)
    for url in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/documents/", "/admin/2fa/backup-codes/new/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not any("/admin/2fa/" in hop for hop, _ in response.redirect_chain), url
    assert client.get("/admin/2fa/enrol/").status_code == 302  # enrolled already: on to verification
    assert client.get("/api/v1/matters/").status_code == 200
