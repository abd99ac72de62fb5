"""The second factor (issue 14 item 3): enrolment, verification, backup codes, throttling, the
system administrator's reset, and the staff API — each through the real views, starting from a
password-only session (``password_only_login``; other tests' ``force_login`` passes both factors)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import factors, signals

from ..conftest import password_only_login
from ..permissions.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=factors.TOTP_NAME, confirmed=True)


class Caught(list):
    def __call__(self, sender, **kwargs):
        self.append(kwargs)


@pytest.fixture
def caught():
    found = {name: Caught() for name in ("enrolled", "verified", "failed", "reset")}
    for name, receiver in found.items():
        getattr(signals, f"second_factor_{name}").connect(receiver)
    yield found
    for name, receiver in found.items():
        getattr(signals, f"second_factor_{name}").disconnect(receiver)


def test_signing_in_with_the_password_leads_to_enrolment_first(client):
    UserFactory(username="clerk", superuser=True)
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "clerk", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/2fa/enrol/?next=%2Fadmin%2F"
    # What the enrolment page itself loads from /admin/: the icon sprite and the translations.
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_backup_codes_once(client, caught):
    user = UserFactory(username="clerk", superuser=True)
    password_only_login(client, user)
    page = client.get("/admin/2fa/enrol/?next=/admin/pages/")
    html = page.content.decode()
    assert page.status_code == 200 and "绑定身份验证器" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert factors.grouped(factors.base32_secret(device)) in html
    # Reloading keeps the same secret (the phone may have scanned it already).
    client.get("/admin/2fa/enrol/")
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post("/admin/2fa/enrol/", {"code": "000000", "next": "/admin/pages/"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post("/admin/2fa/enrol/", {"code": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/backup-codes/")
    shown = client.get(response["Location"])
    codes = [c for c in shown.context["codes"]]
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored as keyed hashes only, and shown this once.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {factors.hash_backup_code(c) for c in codes}
    assert not stored & {factors.normalise_backup_code(c) for c in codes}
    assert client.get("/admin/2fa/backup-codes/").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert [e["user"] for e in caught["enrolled"]] == [user]
    assert caught["failed"][0]["reason"] == "wrong_code"


def test_later_sign_ins_verify_a_code_and_a_code_is_accepted_only_once(client, caught):
    user = UserFactory(username="clerk", superuser=True)
    device = enrolled(user)
    password_only_login(client, user)
    response = client.get("/admin/pages/")
    assert response["Location"] == "/admin/2fa/verify/?next=%2Fadmin%2Fpages%2F"
    code = code_for(device)
    response = client.post("/admin/2fa/verify/", {"code": code, "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    assert caught["verified"][0]["user"] == user

    other = client.__class__()
    password_only_login(other, user)
    replay = other.post("/admin/2fa/verify/", {"code": code})
    assert replay.status_code == 200 and "验证码不正确或已使用" in replay.content.decode()
    assert other.get("/admin/").status_code == 302


def test_a_backup_code_works_once(client):
    user = UserFactory(username="clerk", superuser=True)
    enrolled(user)
    codes = factors.new_backup_codes(user)
    password_only_login(client, user)
    response = client.post("/admin/2fa/verify/", {"code": codes[3].lower().replace("-", " ")}, follow=True)
    assert response.status_code == 200 and "还剩 9 个" in response.content.decode()

    other = client.__class__()
    password_only_login(other, user)
    again = other.post("/admin/2fa/verify/", {"code": codes[3]})
    assert "验证码不正确或已使用" in again.content.decode()


def test_wrong_codes_are_throttled_with_a_message_in_chinese(client, caught):
    """django-otp's throttling is on for TOTP by default: after a wrong code even the right one
    waits (1 s, then 2, 4, …), so guessing 10^6 codes is out of reach."""
    user = UserFactory(username="clerk", superuser=True)
    device = enrolled(user)
    password_only_login(client, user)
    for _ in range(3):
        client.post("/admin/2fa/verify/", {"code": "123456"})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    response = client.post("/admin/2fa/verify/", {"code": code_for(device)})
    assert "验证码错误次数过多，请在" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert {e["reason"] for e in caught["failed"]} == {"wrong_code", "throttled"}


def test_the_staff_api_refuses_a_password_only_session_but_not_a_verified_one(client):
    user = UserFactory(username="clerk", superuser=True)
    password_only_login(client, user)
    response = client.get("/api/v1/matters/")
    assert response.status_code == 403 and "双因素" in response.json()["detail"]
    # Another Authorization scheme does not take the session out of play.
    assert client.get("/api/v1/matters/", HTTP_AUTHORIZATION="Token abc").status_code == 403
    # A terminal key is the key's business (here an unknown one: the key auth refuses it).
    keyed = client.get("/api/v1/matters/", HTTP_AUTHORIZATION="Api-Key nope.nope")
    assert keyed.status_code == 401 and "双因素" not in keyed.content.decode()
    # Wagtail's admin API answers JSON too.
    admin_api = client.get("/admin/api/main/pages/")
    assert admin_api.status_code == 403 and admin_api["Content-Type"] == "application/json"

    verified = client.__class__()
    verified.force_login(user)
    assert verified.get("/api/v1/matters/").status_code == 200


def test_a_system_administrator_resets_another_users_factor_and_it_is_signalled(client, caught):
    admin = UserFactory(username="root", superuser=True)
    editor = UserFactory(username="editor", superuser=True)
    enrolled(editor)
    factors.new_backup_codes(editor)
    editors_browser = client.__class__()
    editors_browser.force_login(editor)
    assert editors_browser.get("/admin/").status_code == 200

    client.force_login(admin)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert f"/admin/2fa/reset/{editor.pk}/" in listing
    confirm = client.get(f"/admin/2fa/reset/{editor.pk}/")
    assert confirm.status_code == 200 and "确认重置" in confirm.content.decode()
    response = client.post(f"/admin/2fa/reset/{editor.pk}/")
    assert response.status_code == 302
    assert not factors.has_factor(editor) and not TOTPDevice.objects.filter(user=editor).exists()
    assert caught["reset"] == [
        {
            "signal": signals.second_factor_reset,
            "user": editor,
            "actor": admin,
            "request": caught["reset"][0]["request"],
        }
    ]
    # The editor's sessions are over; at the next sign-in they enrol again.
    assert editors_browser.get("/admin/").status_code == 302
    password_only_login(editors_browser, editor)
    assert editors_browser.get("/admin/")["Location"].startswith("/admin/2fa/enrol/")


def test_only_a_system_administrator_may_reset_and_a_superuser_only_by_a_superuser(client, org):
    root = UserFactory(username="root", superuser=True)
    owner, sysadmin = org.users["owner"], org.users["sysadmin"]
    enrolled(root)
    enrolled(owner)
    client.force_login(owner)
    assert client.post(f"/admin/2fa/reset/{sysadmin.pk}/").status_code == 403
    client.force_login(sysadmin)
    assert client.post(f"/admin/2fa/reset/{root.pk}/").status_code == 403
    assert factors.has_factor(root)
    assert client.post(f"/admin/2fa/reset/{owner.pk}/").status_code == 302
    assert not factors.has_factor(owner)
    assert not factors.may_reset(root, root)
