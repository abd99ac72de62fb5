"""Terminals in the admin: the key shown once, rotation with a grace period, revocation,
service users for scopes that act as a department member, stale terminals."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from permissions.models import Membership
from permissions.policy import policy_for
from terminals import service as terminals
from terminals.models import Terminal, TerminalKey
from terminals.viewsets import TerminalViewSet

from ..helpers import form_post_data
from ..terminals.factories import TerminalFactory

pytestmark = pytest.mark.django_db


def terminal_data(department, **changes) -> dict:
    data = {
        "name": "部门业务系统",
        "kind": "department_system",
        "department": department.pk,
        "expected_interval": 60,
        "is_active": "on",
        "change_reason": "登记终端",
    }
    data.update(changes)
    return data


def edit_data(terminal, user, **changes) -> dict:
    data = form_post_data(TerminalViewSet().get_form_class()(instance=terminal, for_user=user))
    data["change_reason"] = "调整终端"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_key_is_issued_on_create_and_shown_once(client, hall_world):
    world = hall_world
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-terminals:add"), terminal_data(world.dept_a))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    terminal = Terminal.objects.get(name="部门业务系统")
    key_row = terminal.keys.get()
    html = response.content.decode()
    key = html.split('id="api-key" type="text" readonly value="')[1].split('"')[0]
    assert key.startswith(key_row.prefix + ".")
    assert f"Authorization: Api-Key {key}" in html and "只显示这一次" in html
    assert TerminalKey.objects.is_valid(key)
    assert key not in key_row.hashed_key and key_row.pk != key  # only the hash is stored
    # The edit page lists the key by its prefix, never the key itself.
    html = client.get(reverse("api-terminals:edit", args=[terminal.pk])).content.decode()
    assert key_row.prefix in html and key not in html
    assert terminal.history.first().history_user == world.users["owner"]


def test_rotate_gives_old_keys_a_grace_period(client, hall_world):
    world = hall_world
    terminal = world.records[("terminal", "own")]
    old = terminals.issue_key(terminal, "旧密钥")
    soon = timezone.now() + datetime.timedelta(hours=1)
    expiring = terminals.issue_key(terminal, "即将过期")
    TerminalKey.objects.filter(prefix=expiring.partition(".")[0]).update(expiry_date=soon)
    client.force_login(world.users["reviewer"])  # "change" suffices for a terminal without member scopes
    response = client.post(reverse("api-terminals:rotate_keys", args=[terminal.pk]))
    assert response.status_code == 200 and "只显示这一次" in response.content.decode()
    new = response.content.decode().split('id="api-key" type="text" readonly value="')[1].split('"')[0]
    assert TerminalKey.objects.is_valid(new)
    old_row = TerminalKey.objects.get(prefix=old.partition(".")[0])
    grace = old_row.expiry_date - timezone.now()
    assert datetime.timedelta(hours=23) < grace <= datetime.timedelta(hours=24)
    assert TerminalKey.objects.is_valid(old)  # still works during the grace period
    assert TerminalKey.objects.get(prefix=expiring.partition(".")[0]).expiry_date == soon  # not extended
    assert TerminalKey.objects.get(prefix=new.partition(".")[0]).expiry_date is None
    # GET is not an action.
    assert client.get(reverse("api-terminals:rotate_keys", args=[terminal.pk])).status_code == 405


def test_revoke_revokes_every_key(client, hall_world):
    world = hall_world
    terminal = world.records[("terminal", "own")]
    keys = [terminals.issue_key(terminal, f"密钥{i}") for i in range(2)]
    client.force_login(world.users["owner"])
    response = client.post(reverse("api-terminals:revoke_keys", args=[terminal.pk]), follow=True)
    assert "已吊销" in response.content.decode()
    assert not any(TerminalKey.objects.is_valid(k) for k in keys)
    assert terminal.keys.filter(revoked=False).count() == 0


def test_key_actions_follow_the_policy(client, hall_world):
    world = hall_world
    terminal = world.records[("terminal", "own")]
    key = terminals.issue_key(terminal, "密钥")
    client.force_login(world.users["owner_b"])
    assert client.post(reverse("api-terminals:revoke_keys", args=[terminal.pk])).status_code == 404
    assert client.post(reverse("api-terminals:rotate_keys", args=[terminal.pk])).status_code == 404
    assert TerminalKey.objects.is_valid(key) and terminal.keys.count() == 1
    # A reviewer may not mint a key that acts as the department's content owner.
    terminal.scopes = ["write_matters"]
    terminal.save()
    client.force_login(world.users["reviewer"])
    response = client.post(reverse("api-terminals:rotate_keys", args=[terminal.pk]))
    assert response.status_code in (302, 403) and terminal.keys.count() == 1
    # CSRF is enforced on the key actions.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["owner"])
    assert strict.post(reverse("api-terminals:revoke_keys", args=[terminal.pk])).status_code == 403
    assert TerminalKey.objects.is_valid(key)


def _service_user(terminal):
    return get_user_model().objects.filter(username=f"api-terminal-{terminal.pk}").first()


def test_service_user_only_for_member_scopes(client, hall_world):
    world = hall_world
    owner = world.users["owner"]
    client.force_login(owner)
    client.post(reverse("api-terminals:add"), terminal_data(world.dept_a, scopes=["submit_requests"]))
    terminal = Terminal.objects.get(name="部门业务系统")
    assert _service_user(terminal) is None and terminal.service_user is None

    # Granting read_drafts creates the service user: owner of A and of nothing else.
    data = edit_data(terminal, owner, scopes=["read_drafts", "submit_requests"])
    assert client.post(reverse("api-terminals:edit", args=[terminal.pk]), data).status_code == 302
    terminal.refresh_from_db()
    user = terminal.service_user
    assert user.username == f"api-terminal-{terminal.pk}" and user.first_name == "部门业务系统"
    assert user.is_active and not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("department", "role")) == [(world.dept_a.pk, "owner")]
    assert policy_for(Terminal).departments_for_action(user, "add").get() == world.dept_a

    # Scopes removed: the user is deactivated and loses its memberships.
    data = edit_data(terminal, owner, scopes=None)
    assert client.post(reverse("api-terminals:edit", args=[terminal.pk]), data).status_code == 302
    user.refresh_from_db()
    assert not user.is_active and not Membership.objects.filter(user=user).exists()

    # Granted again, then the terminal is deactivated: same.
    client.post(reverse("api-terminals:edit", args=[terminal.pk]), edit_data(terminal, owner, scopes=["write_matters"]))
    user.refresh_from_db()
    assert user.is_active and Membership.objects.filter(user=user).count() == 1
    terminal.refresh_from_db()
    client.post(reverse("api-terminals:edit", args=[terminal.pk]), edit_data(terminal, owner, is_active=None))
    user.refresh_from_db()
    assert not user.is_active and not Membership.objects.filter(user=user).exists()


def test_service_user_moves_with_the_terminal_and_goes_with_it(client, hall_world):
    world = hall_world
    terminal = world.records[("terminal", "own")]
    terminal.scopes = ["read_drafts"]
    terminal.save()
    user = terminals.sync_service_user(terminal)
    sysadmin = world.users["sysadmin"]
    client.force_login(sysadmin)
    client.post(
        reverse("api-terminals:edit", args=[terminal.pk]), edit_data(terminal, sysadmin, department=world.dept_b.pk)
    )
    assert list(Membership.objects.filter(user=user).values_list("department", flat=True)) == [world.dept_b.pk]
    assert client.post(reverse("api-terminals:delete", args=[terminal.pk])).status_code == 302
    user.refresh_from_db()
    assert not user.is_active and not Membership.objects.filter(user=user).exists()


def test_only_who_may_create_in_the_department_grants_member_scopes(client, hall_world):
    world = hall_world
    terminal = world.records[("terminal", "own")]
    reviewer = world.users["reviewer"]
    client.force_login(reviewer)
    data = edit_data(terminal, reviewer, scopes=["write_matters"])
    response = client.post(reverse("api-terminals:edit", args=[terminal.pk]), data)
    assert response.status_code == 200
    assert "只有能在该部门新建内容的人员才能授予" in response.content.decode()
    terminal.refresh_from_db()
    assert terminal.scopes == [] and _service_user(terminal) is None


def test_deactivating_a_terminal_keeps_its_keys_but_they_stop_working(hall_world):
    from rest_framework.test import APIRequestFactory

    from terminals.auth import TerminalKeyAuthentication

    terminal = hall_world.records[("terminal", "own")]
    key = terminals.issue_key(terminal, "密钥")
    request = APIRequestFactory().get("/api/v1/matters/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert TerminalKeyAuthentication().authenticate(request)[1].terminal == terminal
    terminal.is_active = False
    terminal.save()
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        TerminalKeyAuthentication().authenticate(request)


# ---- stale terminals --------------------------------------------------------------------------------


def test_stale_terminals_is_one_query_matching_is_stale(hall_world, django_assert_num_queries):
    department = hall_world.dept_a
    now = timezone.now()
    minutes = datetime.timedelta(minutes=1)
    specs = {
        "刚访问": (15, now - 44 * minutes, True),
        "超时": (15, now - 46 * minutes, True),
        "长间隔": (1440, now - 3 * 1440 * minutes + minutes, True),
        "长间隔超时": (1440, now - 3 * 1440 * minutes - minutes, True),
        "从未访问": (15, None, True),
        "已停用": (15, None, False),
    }
    Terminal.objects.all().delete()
    for name, (interval, seen, active) in specs.items():
        TerminalFactory(
            department=department, name=name, expected_interval=interval, last_seen_at=seen, is_active=active
        )
    with django_assert_num_queries(1):
        stale = set(terminals.stale_terminals(Terminal.objects.all()).values_list("name", flat=True))
    assert stale == {"超时", "长间隔超时", "从未访问"}
    assert stale == {t.name for t in Terminal.objects.all() if t.is_stale}


def test_stale_filter_and_dashboard_panel(client, hall_world):
    world = hall_world
    now = timezone.now()
    Terminal.objects.filter(pk=world.records[("terminal", "own")].pk).update(last_seen_at=now)
    client.force_login(world.users["owner"])
    assert "失联终端" not in client.get(reverse("wagtailadmin_home")).content.decode()
    html = client.get(reverse("api-terminals:index")).content.decode()
    assert "甲局叫号机" in html and "正常" in html

    TerminalFactory(department=world.dept_a, name="甲局显示屏", kind="screen", expected_interval=5)
    html = client.get(reverse("api-terminals:index"), {"stale": "true"}).content.decode()
    assert "甲局显示屏" in html and "甲局叫号机" not in html and "从未访问" in html and "失联" in html
    html = client.get(reverse("api-terminals:index"), {"stale": "false"}).content.decode()
    assert "甲局叫号机" in html and "甲局显示屏" not in html

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "失联终端" in dashboard and "甲局显示屏" in dashboard
    # B's never-seen terminal is stale too, but not A's owner's to see.
    assert "乙局叫号机" not in dashboard
    client.force_login(world.users["owner_b"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "乙局叫号机" in dashboard and "甲局显示屏" not in dashboard
