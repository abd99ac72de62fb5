"""Staff sessions (issue 14 item 4): 30 minutes idle, 12 hours absolute, logout and password
change end the user's sessions on every device; the login lock keyed on the user name and the
real client address. Time travels by moving the session's own clock values back."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from accounts import sessions

from ..permissions.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def age(client, *, signed_in_ago: float, seen_ago: float) -> None:
    session = client.session
    now = sessions.now()
    session[sessions.AUTH_AT] = now - signed_in_ago
    session[sessions.SEEN_AT] = now - seen_ago
    session.save()


def test_a_staff_session_idle_for_more_than_30_minutes_ends_with_a_notice(client):
    user = UserFactory(username="clerk", superuser=True)
    client.force_login(user)
    age(client, signed_in_ago=29 * 60, seen_ago=29 * 60)
    assert client.get("/admin/").status_code == 200
    age(client, signed_in_ago=40 * 60, seen_ago=31 * 60)
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fpages%2F"
    notice = [str(m) for m in get_messages(response.wsgi_request)]
    assert notice == ["您已超过 30 分钟未操作，为保护账号安全已自动退出，请重新登录。"]
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "为保护账号安全已自动退出" in page.content.decode()


def test_activity_keeps_the_session_but_not_past_12_hours(client):
    user = UserFactory(username="clerk", superuser=True)
    client.force_login(user)
    age(client, signed_in_ago=11 * 3600, seen_ago=5 * 60)
    assert client.get("/admin/").status_code == 200
    assert sessions.now() - client.session[sessions.SEEN_AT] < 5  # the idle clock restarted
    age(client, signed_in_ago=12 * 3600 + 60, seen_ago=10)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "超过 12 小时" in client.get(response["Location"]).content.decode()


@override_settings(STAFF_SESSION_IDLE_SECONDS=60, STAFF_SESSION_ABSOLUTE_SECONDS=600)
def test_the_limits_are_settings(client):
    client.force_login(UserFactory(username="clerk", superuser=True))
    age(client, signed_in_ago=90, seen_ago=61)
    assert client.get("/admin/").status_code == 302


def test_an_expired_session_on_the_api_goes_on_signed_out(client):
    client.force_login(UserFactory(username="clerk", superuser=True))
    age(client, signed_in_ago=13 * 3600, seen_ago=10)
    response = client.get("/api/v1/matters/")
    assert response.status_code == 200  # the public list, as anyone sees it
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_users_sessions_on_every_device(client):
    user = UserFactory(username="clerk", superuser=True)
    laptop, phone = client, client.__class__()
    laptop.force_login(user)
    phone.force_login(user)
    assert phone.get("/admin/").status_code == 200
    laptop.post(reverse("wagtailadmin_logout"))
    response = phone.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # Signing in again afterwards works.
    phone.force_login(user)
    assert phone.get("/admin/").status_code == 200


def test_a_password_change_ends_every_other_session(client):
    user = UserFactory(username="clerk", superuser=True)
    laptop, phone = client, client.__class__()
    laptop.force_login(user)
    phone.force_login(user)
    response = laptop.post(
        reverse("wagtailadmin_account"),
        {
            "password-old_password": PASSWORD,
            "password-new_password1": "Another-Horse-77",
            "password-new_password2": "Another-Horse-77",
            "name_email-first_name": "晓",
            "name_email-last_name": "李",
            "name_email-email": user.email,
            "locale-preferred_language": "zh-hans",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Horse-77")
    assert laptop.get("/admin/").status_code == 200  # the session that changed it goes on
    assert phone.get("/admin/")["Location"].startswith(LOGIN)


def failed_logins(client, username: str, times: int, **headers) -> None:
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password"}, **headers)


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_failures_from_one_client_do_not_lock_the_user_out_elsewhere(client):
    """Issue 14: the lock was keyed on the proxy's address, so anyone could lock any editor out."""
    UserFactory(username="editor", superuser=True)
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    failed_logins(client, "editor", 5, **attacker)
    locked = client.post(LOGIN, {"username": "editor", "password": PASSWORD}, **attacker)
    assert locked.status_code == 429
    editor = client.__class__()
    response = editor.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302 and editor.session["_auth_user_id"]


def test_a_direct_client_forging_forwarded_for_is_locked_all_the_same(client):
    UserFactory(username="editor", superuser=True)
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "editor", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.66",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()


def test_the_lock_lasts_30_minutes_after_5_failures():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.5  # hours
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
