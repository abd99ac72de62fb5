"""Security headers on every kind of response, no inline script without the nonce, `check --deploy` clean.

GB/T 22239-2019 level 3, 8.1.4.4 入侵防范 and 8.1.3.x 安全区域边界 (docs/security-headers.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from core.security_headers import ContentSecurityPolicyMiddleware

from ..cms.factories import DocumentFactory
from ..theme.conftest import parse
from ..theme.test_accessibility import PAGE_TYPES, url_of

ROOT = Path(__file__).resolve().parents[2]
PERMISSIONS = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def assert_common_headers(response, *, frame: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == frame
    for feature in PERMISSIONS:
        assert feature in response["Permissions-Policy"]
    csp = directives(response)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in csp["script-src"]


def assert_public_policy(response) -> None:
    assert_common_headers(response, frame="DENY")
    csp = directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]


def inline_scripts(html: str) -> list[dict[str, str]]:
    """The attributes of every <script> that runs its own text (no src, and JavaScript)."""
    return [
        e.attrs
        for e in parse(html).find_all("script")
        if "src" not in e.attrs and e.attrs.get("type", "text/javascript") in {"text/javascript", "module"}
    ]


EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_public_pages_carry_the_strict_policy_and_no_inline_script_without_the_nonce(client, world, kind):
    url, status = url_of(kind, world)
    response = client.get(url)
    assert response.status_code == status
    assert_public_policy(response)
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for attrs in inline_scripts(html):
        assert nonce and attrs.get("nonce") == nonce.group(1), f"{url}: inline script without the nonce: {attrs}"
    assert not EVENT_HANDLER.search(html), f"{url}: an inline on…= handler (refused by the policy)"
    assert ' style="' not in html, f"{url}: a style attribute (refused by the policy)"


@pytest.mark.django_db
def test_the_elderly_mode_script_runs_from_a_file_before_the_first_paint(client, world):
    """It was an inline script in <head>: now a blocking file, which the policy allows without a nonce."""
    doc = parse(client.get("/").content.decode())
    head_scripts = [e for e in doc.find_all("script") if "head" in e.ancestors]
    assert [e.attrs.get("src", "") for e in head_scripts] == ["/static/theme/early.js"]
    assert "defer" not in head_scripts[0].attrs and "async" not in head_scripts[0].attrs


@pytest.mark.django_db
def test_print_buttons_work_without_an_inline_handler(client, world):
    html = client.get(url_of("guide_print", world)[0]).content.decode()
    assert "data-print" in html and "onclick" not in html
    assert "/static/theme/portal.js" in html
    assert "button[data-print]" in (ROOT / "theme/static/theme/portal.js").read_text()


@pytest.mark.django_db
def test_admin_pages_carry_the_admin_policy(client, world):
    """Wagtail's widgets need 'unsafe-inline' (no nonce, or browsers would ignore it); framing by the admin only."""
    client.force_login(world.users["sysadmin"])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert_common_headers(response, frame="SAMEORIGIN")
    csp = directives(response)
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert not any(source.startswith("'nonce-") for source in csp["script-src"] + csp["style-src"])
    assert "/static/core/admin/behaviours.js" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_page_carries_the_admin_policy(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert_common_headers(response, frame="SAMEORIGIN")


@pytest.mark.django_db
def test_api_responses_carry_the_headers(client, world):
    response = client.get("/api/v1/matters/")
    assert response.status_code == 200
    assert_public_policy(response)


@pytest.mark.django_db
def test_api_docs_run_no_inline_script(client):
    """Swagger UI's settings come from a file (?script), its inline <style> carries the nonce."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert_public_policy(response)
    html = response.content.decode()
    assert inline_scripts(html) == []
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_document_downloads_carry_the_headers(client, world, settings, tmp_path):
    """Served by Wagtail's document view from the file system, as in production."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    settings.WAGTAILDOCS_SERVE_METHOD = "serve_view"
    document = DocumentFactory()
    response = client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))
    assert response.status_code == 200, (document.file.name, response.status_code)
    # Wagtail's own policy for a served file is stricter than the site's, and is kept: nothing in the
    # file may run or load anything (WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT).
    assert directives(response)["default-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    for feature in PERMISSIONS:
        assert feature in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_view_that_sets_its_own_policy_keeps_it(rf):
    """django-csp's decorators (csp_override …) still win over the area's default."""
    from django.http import HttpResponse

    response = HttpResponse()
    response._csp_config = {"default-src": ["'none'"]}
    request = rf.get("/admin/")
    middleware = ContentSecurityPolicyMiddleware(lambda r: response)
    middleware.process_request(request)
    result = middleware.process_response(request, response)
    assert result["Content-Security-Policy"] == "default-src 'none'"


TEMPLATE_DIRS = [
    "theme",
    "portal",
    "guides",
    "disclosure",
    "matters",
    "halls",
    "sitesearch",
    "core",
    "terminals",
    "workdays",
    "permissions",
    "api",
]


def project_templates() -> list[Path]:
    return sorted(p for app in TEMPLATE_DIRS for p in (ROOT / app).glob("templates/**/*.html"))


def test_no_project_template_has_an_inline_script_or_handler():
    """Public and admin alike: scripts are static files (the admin's policy allows inline ones for
    Wagtail's own widgets only; ours must not rely on that)."""
    offenders = []
    for path in project_templates():
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if EVENT_HANDLER.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: on…= handler")
    assert project_templates() and not offenders, "\n".join(offenders)


def test_no_public_template_has_a_style_attribute_or_element_without_the_nonce():
    """The public policy allows styles from files or with the nonce only; admin templates are exempt."""
    offenders = []
    for path in project_templates():
        if "/admin/" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle=", text):
            offenders.append(f"{path.relative_to(ROOT)}: style attribute")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if "csp_nonce" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not offenders, "\n".join(offenders)


def deploy_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="deploy-check-" + "x7Q_" * 12,
        ALLOWED_HOSTS="gov.example.cn",
        PII_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PII_HASH_KEY="deploy-check-hash-key-0123456789",
        **extra,
    )
    return env


def run_deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = deploy_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}", VAR_DIR=str(tmp_path), **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    run = run_deploy_check(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout + run.stderr


def test_check_deploy_fails_when_hsts_is_switched_off(tmp_path):
    """The same check notices a weakened production configuration (it is not silenced wholesale)."""
    run = run_deploy_check(tmp_path, SECURE_HSTS_SECONDS="0")
    assert run.returncode != 0
    assert "security.W004" in run.stdout + run.stderr


@pytest.mark.django_db
def test_admin_pages_load_no_avatar_from_gravatar(client, world):
    """Staff e-mail hashes are not sent to www.gravatar.com (the admin's img-src refuses it too)."""
    client.force_login(world.users["sysadmin"])
    assert "gravatar.com" not in client.get(reverse("wagtailadmin_home")).content.decode()
