"""Login safety: lockout after repeated failures, password rules, production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from ..permissions.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_account_is_locked_after_repeated_failures(client):
    UserFactory(username="clerk", superuser=True)
    login = reverse("wagtailadmin_login")
    for _ in range(3):
        response = client.post(login, {"username": "clerk", "password": "wrong-password"})
        assert response.status_code in (200, 429)
    # Even the right password is refused now, with an explanation in Chinese.
    response = client.post(login, {"username": "clerk", "password": "Correct-Horse-42"})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_successful_login_through_the_admin_form(client):
    UserFactory(username="clerk", superuser=True)
    response = client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": "Correct-Horse-42"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_weak_password_is_refused_when_an_administrator_creates_a_user(client):
    admin = UserFactory(username="root", superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "weakling",
            "email": "weak@example.gov.cn",
            "first_name": "弱",
            "last_name": "王",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码" in html and ("太短" in html or "常见" in html or "全部为数字" in html)
    assert not get_user_model().objects.filter(username="weakling").exists()


def _settings_probe(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'LANGUAGE_CODE', 'TIME_ZONE']}))"
    )
    hidden = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in hidden}
    base.update({"DJANGO_SETTINGS_MODULE": "cms.settings.base", **env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def test_secret_key_required_when_debug_is_off():
    result = _settings_probe({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PII_KEYS = {"PII_ENCRYPTION_KEYS": "dGVzdC1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE=", "PII_HASH_KEY": "h" * 32}


def test_pii_keys_required_when_debug_is_off():
    result = _settings_probe({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "PII_ENCRYPTION_KEYS and PII_HASH_KEY must be set" in result.stderr


def test_security_settings_are_on_when_debug_is_off():
    result = _settings_probe({"DEBUG": "false", "SECRET_KEY": "x" * 50, **PII_KEYS})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["LANGUAGE_CODE"] == "zh-hans" and values["TIME_ZONE"] == "Asia/Shanghai"


def test_development_defaults_need_no_environment():
    result = _settings_probe({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["DEBUG"] is True
