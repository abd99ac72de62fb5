"""The 安全审计 admin: auditors only (not the system administrator, not the superuser: 三权分立),
read-only, filters and search, exports without formulas or personal data; reading is recorded."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

import audit
from audit.models import AuditEvent

from ..disclosure.factories import DisclosureRequestFactory
from ..permissions.factories import UserFactory
from .factories import AuditEventFactory, events

pytestmark = pytest.mark.django_db

ID, PHONE, NAME = "110101199003071234", "13812345678", "张三丰"


@pytest.fixture
def auditor(org):
    return UserFactory(username="auditor", auditor=True)


def test_only_auditors_see_the_log_and_the_refusals_are_recorded(client, org, auditor):
    AuditEventFactory(actor_username="someone")
    index = reverse("audit:index")
    client.force_login(auditor)
    assert client.get(index).status_code == 200
    superuser = UserFactory(username="root", superuser=True)
    for user in (org.users["sysadmin"], org.users["owner"], org.users["disclosure"], superuser):
        client.force_login(user)
        response = client.get(index)
        assert response.status_code in (302, 403), user
        assert response.status_code == 403 or "/admin/audit" not in response["Location"]
        event = AuditEventFactory._meta.model.objects.filter(kind="audit_viewed", result="denied").first()
        assert event is not None
    denied = {e.actor_username for e in events("audit_viewed") if e.result == "denied"}
    assert denied == {"sysadmin", "owner_a", "disclosure", "root"}
    # The menu shows it to the auditor only.
    client.force_login(auditor)
    assert '"/admin/audit/"' in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(org.users["sysadmin"])
    assert '"/admin/audit/"' not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_admin_has_no_add_edit_or_delete(client, auditor):
    event = AuditEventFactory()
    for name in ("add", "edit", "delete", "copy", "history", "usage"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit:{name}", args=[] if name == "add" else [event.pk])
    client.force_login(auditor)
    assert client.get(f"/admin/audit/edit/{event.pk}/").status_code == 404
    assert client.post(f"/admin/audit/delete/{event.pk}/").status_code == 404
    page = client.get(reverse("audit:inspect", args=[event.pk]))
    assert page.status_code == 200 and event.actor_username in page.content.decode()
    assert f"/admin/audit/edit/{event.pk}/" not in page.content.decode()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    viewed = events("audit_viewed")
    assert viewed[-1].object_id == str(event.pk) and viewed[-1].actor == auditor


def test_filters_and_search(client, auditor):
    AuditEventFactory(kind="login_failure", actor_username="mallory", client_address="203.0.113.7", result="failure")
    AuditEventFactory(kind="login_success", actor_username="alice", client_address="10.1.1.1")
    AuditEventFactory(kind="login_success", actor_username="bob", client_address="10.1.1.2", days_ago=40)
    client.force_login(auditor)
    index = reverse("audit:index")

    def names(**query):
        rows = client.get(index, query).context["object_list"]
        kinds = ("login_failure", "login_success")
        return {r.actor_username for r in rows if r.kind in kinds and r.actor_username != "auditor"}

    assert names() == {"mallory", "alice", "bob"}
    assert names(kind="login_failure") == {"mallory"}
    assert names(result="failure") == {"mallory"}
    assert names(actor_username="ALICE") == {"alice"}
    assert names(client_address="10.1.1.") == {"alice", "bob"}
    assert names(q="mall") == {"mallory"}
    from django.utils import timezone

    since = (timezone.localdate() - timezone.timedelta(days=10)).isoformat()
    assert names(occurred_at_from=since) == {"mallory", "alice"}
    filtered = [e for e in events("audit_viewed") if e.detail.get("filter_kind") == "login_failure"]
    assert filtered and filtered[0].detail["view"] == "index"


def test_exports_neutralise_formulas_carry_no_personal_data_and_are_recorded(client, world, auditor):
    # Personal data flows through the audited views ...
    request = DisclosureRequestFactory(department=world.dept_a, name=NAME, id_number=ID, phone=PHONE)
    client.force_login(world.users["owner"])
    client.get(reverse("disclosure_request_detail", args=[request.pk]))
    client.force_login(world.users["disclosure"])
    client.get(reverse("disclosure_requests"), {"export": "csv"})
    # ... and a hostile user name reaches the log through a failed login.
    client.post(reverse("wagtailadmin_login"), {"username": '=HYPERLINK("http://x")', "password": "x"})
    client.post(reverse("wagtailadmin_login"), {"username": "@SUM(1)", "password": "x"})

    client.force_login(auditor)
    response = client.get(reverse("audit:index"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["时间", "事件类型代码", "事件类型"]
    usernames = [row[3] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in usernames and "'@SUM(1)" in usernames
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert "pii_view" in text and "pii_export" in text
    for value in (ID, PHONE, NAME, "张**", "1234", "5678"):
        assert value not in text, value

    response = client.get(reverse("audit:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "'@SUM(1)" in cells and not any(c.startswith(("=", "+", "@")) for c in cells)
    assert not any(value in c for c in cells for value in (ID, PHONE, NAME))

    exported = events("audit_exported")
    assert [e.detail["format"] for e in exported] == ["csv", "xlsx"] and exported[0].actor == auditor
    # Nor anywhere in the table itself.
    dump = str(list(AuditEvent.objects.values()))
    assert ID not in dump and PHONE not in dump and NAME not in dump


def test_record_is_stable_for_other_apps(org):
    """The signature the second-factor work calls (docs/security-audit.md)."""
    event = audit.record(
        "second_factor_failed", user=org.users["owner"], obj=org.users["owner"], result="failure", method="totp"
    )
    assert (event.kind_label, event.get_result_display(), event.detail) == (
        "第二因子验证失败",
        "失败",
        {"method": "totp"},
    )
