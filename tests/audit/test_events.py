"""Each kind of event is recorded through the real views, with who, what, when, where and result,
and never with the personal data or secret involved (GB/T 22239-2019 8.1.4.3 a) b))."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import audit
from audit.models import AuditEvent
from guides.models import GuideSectionPage
from permissions.models import Membership
from terminals.models import Terminal

from ..disclosure.factories import DisclosureRequestFactory
from ..halls.test_terminals_admin import terminal_data
from ..helpers import form_post_data, matter_form_data, matter_url
from ..permissions.factories import PASSWORD, UserFactory
from .factories import events

pytestmark = pytest.mark.django_db

ID, PHONE, NAME = "110101199003071234", "13812345678", "张三丰"


def test_login_through_the_admin_form_is_recorded_with_the_client_address(client):
    user = UserFactory(username="clerk", superuser=True)
    response = client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    [event] = events("login_success")
    assert (event.actor, event.actor_username, event.client_address, event.result) == (
        user,
        "clerk",
        "127.0.0.1",
        "success",
    )
    assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))


@override_settings(PROXY_COUNT=1)
def test_the_address_is_the_one_the_trusted_proxy_saw_never_a_forged_header(client):
    UserFactory(username="clerk")
    client.post(
        reverse("wagtailadmin_login"),
        {"username": "clerk", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",  # the client forged 1.2.3.4; the proxy saw .9
    )
    assert [e.client_address for e in events("login_failure")] == ["203.0.113.9"]


def test_failed_login_records_the_name_typed_never_the_password(client):
    UserFactory(username="clerk")
    client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": "Secret-Typo-99"})
    client.post(reverse("wagtailadmin_login"), {"username": "nobody-here", "password": "Secret-Typo-99"})
    first, second = events("login_failure")
    assert (first.actor, first.actor_username, first.result) == (None, "clerk", "failure")
    assert second.actor_username == "nobody-here"
    assert "Secret-Typo-99" not in str(list(AuditEvent.objects.values()))


def test_lockout_after_five_failures_is_recorded(client):
    UserFactory(username="clerk")
    for _ in range(5):
        client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    lockouts = events("lockout")
    assert lockouts and lockouts[0].actor_username == "clerk" and lockouts[0].result == "denied"
    assert len(events("login_failure")) >= 5
    assert not events("login_success")


def test_logout_and_password_change_through_the_admin(client):
    user = UserFactory(username="clerk", superuser=True)
    client.force_login(user)
    data = {}
    for panels in client.get(reverse("wagtailadmin_account")).context["panels_by_tab"].values():
        for panel in panels:
            data.update(form_post_data(panel.get_form()))
    data.update(
        {
            "name_email-first_name": "洁",
            "name_email-last_name": "孙",
            "password-old_password": PASSWORD,
            "password-new_password1": "Another-Horse-77",
            "password-new_password2": "Another-Horse-77",
        }
    )
    response = client.post(reverse("wagtailadmin_account"), data)
    errors = (
        [(panel.name, panel.get_form().errors) for tab in response.context["panels_by_tab"].values() for panel in tab]
        if response.status_code == 200
        else []
    )
    assert response.status_code == 302, errors
    user.refresh_from_db()
    assert user.check_password("Another-Horse-77")
    [change] = events("password_change")
    assert (change.actor, change.object_id) == (user, str(user.pk))
    client.post(reverse("wagtailadmin_logout"))
    assert [e.actor for e in events("logout")] == [user]


def test_a_hash_upgrade_at_login_is_not_a_password_change(client):
    user = UserFactory(username="clerk")
    user.set_password(PASSWORD)
    user.save()  # set_password + save on an existing user: a change, recorded once
    before = len(events("password_change"))
    assert before == 1
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.ScryptPasswordHasher",
            "django.contrib.auth.hashers.MD5PasswordHasher",
        ]
    ):
        response = client.post(reverse("wagtailadmin_login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("scrypt$")  # rehashed at login and saved
    assert len(events("password_change")) == before


def test_group_and_permission_changes_name_who_changed_what(client, org):
    admin = UserFactory(username="root", superuser=True)
    target = org.users["nodept"]
    client.force_login(admin)
    editors = Group.objects.get(name="政务公开办编辑")
    edit = reverse("wagtailusers_users:edit", args=[target.pk])
    data = form_post_data(client.get(edit).context["form"])
    data.update(groups=[str(editors.pk)], first_name="敏", last_name="周")
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    change = [e for e in events("user_groups_changed") if e.object_id == str(target.pk)][-1]
    assert (change.actor, change.detail["action"], change.detail["groups"]) == (admin, "add", ["政务公开办编辑"])
    editors.permissions.add(Permission.objects.get(codename="view_department"))
    last = events("group_permissions_changed")[-1]
    assert last.object_repr == "政务公开办编辑" and last.detail["permissions"] == ["permissions.view_department"]


def test_membership_changes_are_recorded_by_permissions(org):
    membership = Membership.objects.create(user=org.users["nodept"], department=org.dept_a, role="owner")
    membership.delete()
    added, removed = [e for e in events("membership_changed") if e.detail["user_id"] == org.users["nodept"].pk]
    assert added.detail == {
        "action": "add",
        "user_id": org.users["nodept"].pk,
        "department_id": org.dept_a.pk,
        "role": "owner",
    }
    assert removed.detail["action"] == "remove" and added.object_repr == "nodept @ 甲局（内容维护员）"


def test_publishing_a_page_in_the_admin_is_recorded(client, world):
    section = GuideSectionPage.objects.get(department=world.dept_a)
    client.force_login(world.users["reviewer"])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[section.pk]),
        {"title": "甲局办事指南（新）", "slug": section.slug, "action-publish": "publish"},
    )
    assert response.status_code == 302
    [event] = [e for e in events("page_published") if e.actor == world.users["reviewer"]]
    assert (event.object_type, event.object_id, event.object_repr) == (
        "guides.guidesectionpage",
        str(section.pk),
        "甲局办事指南（新）",
    )
    assert event.client_address == "127.0.0.1"


def test_publishing_and_deleting_a_snippet_are_recorded(client, world):
    """A matter is a snippet with draft state: publish through its edit view, then delete it."""
    matter = world.matters["own_draft"]
    client.force_login(world.users["sysadmin"])
    response = client.post(matter_url("edit", matter.pk), matter_form_data(matter, **{"action-publish": "publish"}))
    assert response.status_code == 302
    published = [e for e in events("snippet_published") if e.object_id == str(matter.pk)]
    assert published and published[-1].actor == world.users["sysadmin"]
    assert published[-1].object_type == "matters.matter"
    response = client.post(matter_url("delete", matter.pk))
    assert response.status_code == 302
    deleted = [e for e in events("content_deleted") if e.detail.get("object_pk") == str(matter.pk)]
    assert deleted and deleted[0].actor == world.users["sysadmin"] and deleted[0].object_type == "matters.matter"


def test_viewing_a_requests_personal_data_records_its_id_never_its_values(client, world):
    request = DisclosureRequestFactory(department=world.dept_a, name=NAME, id_number=ID, phone=PHONE)
    client.force_login(world.users["owner"])  # its handler
    page = client.get(reverse("disclosure_request_detail", args=[request.pk])).content.decode()
    assert ID in page
    [event] = events("pii_view")
    assert (event.actor, event.object_type, event.object_id) == (
        world.users["owner"],
        "disclosure.disclosurerequest",
        str(request.pk),
    )
    assert event.detail == {"view": "detail"}
    row = str(list(AuditEvent.objects.values()))
    assert ID not in row and PHONE not in row and NAME not in row and "张**" not in row


def test_exporting_requests_records_their_ids(client, world):
    a = DisclosureRequestFactory(department=world.dept_a, name=NAME, id_number=ID, phone=PHONE)
    b = DisclosureRequestFactory(department=world.dept_b, name="王五", phone="13900000000")
    client.force_login(world.users["disclosure"])
    response = client.get(reverse("disclosure_requests"), {"export": "csv"})
    assert ID in response.content.decode()
    [event] = events("pii_export")
    assert event.actor == world.users["disclosure"] and event.object_type == "disclosure.disclosurerequest"
    assert sorted(event.detail["ids"]) == sorted([a.pk, b.pk]) and event.detail["count"] == 2
    assert event.detail["numbers_in_clear"] is True
    row = str(list(AuditEvent.objects.values()))
    assert ID not in row and PHONE not in row and NAME not in row and "13900000000" not in row


def test_terminal_keys_created_rotated_revoked_in_the_admin(client, org):
    client.force_login(org.users["owner"])
    response = client.post(reverse("api-terminals:add"), terminal_data(org.dept_a))
    assert response.status_code == 200
    terminal = Terminal.objects.get()
    key = response.context["key"]
    client.post(reverse("api-terminals:rotate_keys", args=[terminal.pk]))
    client.post(reverse("api-terminals:revoke_keys", args=[terminal.pk]))
    created, rotated, revoked = events("api_key_created"), events("api_key_rotated"), events("api_key_revoked")
    assert [e.object_id for e in created + rotated + revoked] == [str(terminal.pk)] * 3
    assert created[0].actor == org.users["owner"] and created[0].detail == {"prefix": key.split(".")[0]}
    assert revoked[0].detail == {"revoked": 2}
    assert key not in str(list(AuditEvent.objects.values()))


def test_record_refuses_personal_data_keys_and_unknown_kinds(org):
    with pytest.raises(ValueError):
        audit.record("pii_view", obj=org.dept_a, phone=PHONE)
    with pytest.raises(ValueError):
        audit.record("no_such_kind")
    with pytest.raises(ValueError):
        audit.record("pii_view", result="maybe")
    with pytest.raises(ValueError):
        audit.record("pii_view", note="x" * 500)


def test_domains_register_their_own_kinds():
    key = audit.register_kind("test_case_closed", "办结测试")
    event = audit.record(key, user="system", result="success", case_id=7)
    assert event.kind_label == "办结测试" and event.detail == {"case_id": 7}
    with pytest.raises(ValueError):
        audit.register_kind("test_case_closed", "另一个名字")


def test_deleting_a_user_keeps_their_events(org):
    user = org.users["nodept"]
    audit.record("login_success", user=user)
    user.delete()
    event = AuditEvent.objects.filter(kind="login_success", actor_username="nodept").get()
    assert event.actor is None
    assert events("user_deleted")[-1].object_repr == "nodept"


def test_old_rows_stay_readable(org):
    event = audit.record("login_success", user=org.users["owner"])
    assert event.occurred_at <= timezone.now() + datetime.timedelta(seconds=1)
