"""The demo data and `make run`: a fresh database boots into a working site."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from wagtail.models import ReferenceIndex

from core.demo import DemoContext, references_once
from matters.models import ImportBatch, Matter
from permissions import demo_data
from permissions.models import Department, Membership

from ..factories import MatterFactory

ROOT = Path(__file__).resolve().parents[2]


def row_counts() -> dict[str, int]:
    """Rows in every table the project and its libraries own (history and revisions included)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


DEMO_PASSWORD = "Another-Demo-Pass-9"


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker) -> str:
    """The demo city, loaded once for this module (a build takes minutes) and rolled back after it.

    Each test runs in a savepoint inside it, so none sees another's changes. Returns what load_demo printed.
    """
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEMO_PASSWORD=DEMO_PASSWORD):
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_load_demo_builds_the_city_and_is_idempotent(demo_city):
    assert Department.objects.count() == len(demo_data.DEPARTMENTS)
    levels = set(Department.objects.values_list("level", flat=True))
    assert levels == {"city", "county", "town", "community"}
    assert Department.objects.filter(level="city", parent__name="示范市人民政府").count() >= 8
    assert Matter.objects.count() >= 150
    # One membership per demo account with a department, plus the service user of the terminal
    # whose keys may write matters (cms/demo_halls.py).
    people = Membership.objects.filter(user__terminal__isnull=True)
    assert people.count() == sum(1 for spec in demo_data.USERS if spec.department)
    assert Membership.objects.filter(user__terminal__isnull=False).count() == 1
    for spec in demo_data.USERS:
        assert spec.username in demo_city
    assert "demoLED1." in demo_city  # the demo terminal keys are printed with the accounts

    # The catalog came in as one import batch of the demo workbook; its line and the two
    # "once at the end" lines (search index, reference index) are printed.
    assert ImportBatch.objects.get().created == 151
    assert "事项目录    事项 153，本次新增 151" in demo_city
    assert "搜索索引" in demo_city and "引用索引" in demo_city

    before = row_counts()
    call_command("load_demo", stdout=StringIO())
    assert row_counts() == before


@pytest.mark.django_db
def test_the_reference_index_is_brought_up_to_date_once_at_the_end(world):
    references = ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(Matter))
    with references_once(DemoContext()) as made:
        matter = MatterFactory(department=world.dept_a)
        matter.save()
        assert not references.filter(object_id=str(matter.pk)).exists()
    assert made["记录"] >= 1
    assert references.filter(object_id=str(matter.pk), model_path="department").get().to_object_id == str(
        world.dept_a.pk
    )


@pytest.mark.django_db
def test_demo_catalog_reads_like_a_real_one(demo_city):
    """Editors and testers rely on the demo showing every state and every kind of finding."""
    by_status = Counter(Matter.objects.values_list("status", flat=True))
    assert by_status["in_force"] >= 120
    assert by_status["draft"] >= 1 and by_status["suspended"] >= 1 and by_status["cancelled"] >= 1
    # Every department that owns matters and every level of government is represented.
    assert {m.department.level for m in Matter.objects.select_related("department")} == {
        "city",
        "county",
        "town",
        "community",
    }
    # What is published passes the hard standardisation rules; some drafts do not, some warn.
    published = Matter.objects.exclude(status="draft")
    assert not [m.name for m in published if m.check_errors]
    assert Matter.objects.filter(status="draft", check_errors__gt=0).exists()
    assert published.filter(check_warnings__gt=0).exists()
    # Delegations (下放) to towns are linked to their source and in force there.
    delegated = Matter.objects.exclude(source_matter=None)
    assert delegated.filter(status="in_force", department__level="town").count() >= 2
    for record in delegated:
        assert record.implementation_code.startswith(record.department.credit_code)
    # Each published record carries the elements a guide is printed from.
    matter = Matter.objects.get(name="食品经营许可")
    assert matter.legal_bases.count() >= 2 and matter.materials.count() >= 5 and matter.steps.count() >= 3
    assert matter.places.get().address and matter.completeness >= 90
    assert sum(step.time_limit for step in matter.steps.all()) == matter.promised_limit


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_printed_password(demo_city, client):
    assert DEMO_PASSWORD in demo_city
    response = client.post(reverse("wagtailadmin_login"), {"username": "scjg_editor", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    # The second factor: the printed authenticator secret gives the code a phone would show.
    secret = settings.DEMO_TOTP_SECRET
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in demo_city
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    assert client.post(reverse("accounts_verify"), {"code": code}).status_code == 302
    # The market regulation editor sees their own matters and not the health commission's.
    html = client.get(reverse(Matter.snippet_viewset.get_url_name("list"))).content.decode()
    assert "食品经营许可" in html and "护士执业注册" not in html


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_a_printed_backup_code(demo_city, client):
    codes = re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}\b", demo_city.split("备用验证码", 1)[1].split("\n", 1)[0])
    assert len(codes) == 5
    client.post(reverse("wagtailadmin_login"), {"username": "wjw_editor", "password": DEMO_PASSWORD})
    assert client.get("/admin/")["Location"].startswith(reverse("accounts_verify"))
    assert client.post(reverse("accounts_verify"), {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_demo_site_pages(demo_city, client):
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "办事指南" in html and "政府信息公开" in html
    assert client.get("/guides/").status_code == 200
    assert "示范市市场监督管理局" in client.get("/xxgk/").content.decode()
    assert client.get(reverse("wagtailadmin_login")).status_code == 200


@pytest.mark.django_db
def test_demo_ratings_make_the_figures_meaningful(demo_city, client):
    """好差评: about half the finished cases rated, 差评 in every state of their handling, some late,
    appeals pending, upheld (excluded) and rejected; the case carries the level in force."""
    from django.utils import timezone

    from cases.models import Case
    from ratings.models import Appeal, Handling, Rating

    bad = Rating.objects.filter(level__lte=2)
    assert Rating.objects.count() > 500 and bad.count() >= 30
    assert set(bad.values_list("handling", flat=True)) == {h.value for h in Handling if h != Handling.NONE}
    assert any(rating.is_late(timezone.localdate()) for rating in bad)
    assert {Appeal.PENDING, Appeal.UPHELD, Appeal.REJECTED} <= set(Rating.objects.values_list("appeal", flat=True))
    assert Rating.objects.filter(excluded=True, appeal=Appeal.UPHELD).exists()
    rated = Case.objects.filter(ratings__excluded=False).distinct()
    assert rated.filter(satisfaction__isnull=True).count() == 0
    page = client.get("/pingjia/").content.decode()
    assert "示范市市场监督管理局" in page and "%" in page


@pytest.mark.django_db
def test_demo_guides_and_disclosure(demo_city, client):
    """40+ guides, three bundles across departments, a review backlog; 200+ disclosure documents."""
    from guides import reviews
    from guides.models import BundleGuidePage, GuidePage

    in_force = GuidePage.objects.live().filter(matter__status="in_force", matter__live=True)
    assert in_force.count() >= 40
    bundles = BundleGuidePage.objects.live()
    assert bundles.count() >= 3
    for bundle in bundles:
        assert len({m.matter.department_id for m in bundle.members.select_related("matter")}) >= 2
        html = client.get(bundle.url).content.decode()
        assert "已合并重复材料" in html and client.get(bundle.url + "print/").status_code == 200
    assert len(reviews.stale_guides()) >= 2
    guide = in_force.first()
    assert guide.matter.name in client.get(guide.url).content.decode()
    assert client.get(guide.url + "print/pdf/")["Content-Type"] == "application/pdf"
    from disclosure.models import DisclosureDocumentPage

    documents = DisclosureDocumentPage.objects.live()
    assert documents.count() >= 200 and not documents.filter(index_number__isnull=True).exists()
    assert documents.filter(publication_date__year=2025).count() >= 100
    assert documents.exclude(validity="in_force").exists() and documents.filter(published_late=True).exists()
    assert client.get("/xxgk/catalog/").status_code == 200

    from disclosure.models import DisclosureRequest
    from disclosure.request_models import REPLY_SUBREASONS, RequestStatus

    requests = DisclosureRequest.objects.all()
    assert requests.count() >= 60
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    outcomes_2025 = set(requests.filter(reply_date__year=2025).values_list("reply_type", "reply_subreason"))
    expected = {("disclosed", ""), ("partial", "")} | {(t, k) for t, rows in REPLY_SUBREASONS.items() for k, _ in rows}
    assert outcomes_2025 == expected

    from disclosure.models import AnnualReportPage
    from disclosure.report import identity_holds

    report = AnnualReportPage.objects.live().get(year=2025, scope__isnull=True)
    rows = report.tables["requests"]
    assert identity_holds(rows)
    assert sum(1 for values in rows.values() if values["total"]) >= 0.8 * len(rows)
    assert all(v["made"] for v in report.tables["documents"].values())
    assert client.get(report.url).status_code == 200 and client.get(report.url + "xlsx/").status_code == 200
    suspended = GuidePage.objects.get(matter__status="suspended")
    assert "本事项已暂停办理" in client.get(suspended.url).content.decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local test server)
        return response.status, response.read().decode()


def test_run_from_a_fresh_database_serves_home_and_admin_login(tmp_path):
    """What `make run` does, on an empty SQLite file: migrate, load_demo, serve."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"DEBUG": "true", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cms.settings.base"})
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        result = subprocess.run(manage + step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
    assert "scjg_editor" in result.stdout and (tmp_path / "db.sqlite3").exists()

    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert status == 200 and "示范市人民政府" in body
        status, body = _get(f"http://127.0.0.1:{port}/admin/login/")
        assert status == 200 and "csrfmiddlewaretoken" in body
    finally:
        server.terminate()
        server.wait(timeout=20)
