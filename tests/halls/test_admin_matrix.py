"""The permission matrix of the hall and interface admin: role x action x (own, other department)
for halls, windows, notices, terminals and feeds, through the real admin views.

"own" is a record of department A (the department of the owner and the reviewer), "other" one of
department B; "create" posts a new record into A or B (for a window: into a hall of A or B).
  ok      the action is carried out (and its effect checked)
  hidden  the listing works but does not show the record
  invalid the form is shown again with an error, nothing is created
  403     refused (Wagtail's admin turns PermissionDenied into a redirect to the dashboard)
  404     the record is invisible to the user
  denied  403 or 404: a user with no right at all on the model
  login   no admin access: sent to the login page
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from halls.models import Hall, Notice, Window
from terminals.models import Feed, Terminal

from ..helpers import form_post_data

pytestmark = pytest.mark.django_db

MODELS = {
    "hall": (Hall, "halls"),
    "window": (Window, "hall-windows"),
    "notice": (Notice, "hall-notices"),
    "terminal": (Terminal, "api-terminals"),
    "feed": (Feed, "api-feeds"),
}
ACTIONS = ["list", "create", "edit", "delete", "history"]

EXPECTED = {
    "owner": {
        "own": dict(list="ok", create="ok", edit="ok", delete="ok", history="ok"),
        "other": dict(list="hidden", create="invalid", edit="404", delete="404", history="404"),
    },
    "reviewer": {
        "own": dict(list="ok", create="403", edit="ok", delete="403", history="ok"),
        "other": dict(list="hidden", create="403", edit="404", delete="404", history="404"),
    },
    "disclosure": {
        "own": dict(list="403", create="403", edit="denied", delete="denied", history="denied"),
        "other": dict(list="403", create="403", edit="denied", delete="denied", history="denied"),
    },
    "sysadmin": {
        "own": dict(list="ok", create="ok", edit="ok", delete="ok", history="ok"),
        "other": dict(list="ok", create="ok", edit="ok", delete="ok", history="ok"),
    },
    "nodept": {
        "own": dict(list="login", create="login", edit="login", delete="login", history="login"),
        "other": dict(list="login", create="login", edit="login", delete="login", history="login"),
    },
}

CELLS = [
    (model, role, action, target, EXPECTED[role][target][action])
    for model in MODELS
    for role in EXPECTED
    for target in ("own", "other")
    for action in ACTIONS
]


def url(model: str, view: str, *args) -> str:
    return reverse(f"{MODELS[model][1]}:{view}", args=args or None)


def label(record) -> str:
    return getattr(record, "title", None) or record.name


def create_data(model: str, world, target: str) -> dict:
    """What the admin's create form posts for a new record in department A (own) or B (other)."""
    department = world.dept_a if target == "own" else world.dept_b
    hall = world.records[("hall", target)]
    reason = {"change_reason": "测试新建"}
    if model == "hall":
        return dict(
            reason,
            name="新建的大厅",
            code="new-hall",
            level="county",
            department=department.pk,
            address="示范市新区1号",
            hours="工作日 9:00-17:00",
            sort_order=0,
            is_active="on",
        )
    if model == "window":
        return dict(reason, hall=hall.pk, number="Z99", name="新建的窗口", kind="help", sort_order=0, is_open="on")
    if model == "notice":
        return dict(
            reason,
            title="新建的公告",
            text="公告内容。",
            level="info",
            department=department.pk,
            halls=[hall.pk],
            starts_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            is_active="on",
        )
    if model == "terminal":
        return dict(
            reason, name="新建的终端", kind="screen", department=department.pk, expected_interval=15, is_active="on"
        )
    return dict(
        reason,
        title="新建的订阅",
        slug="new-feed",
        source="matters",
        department=department.pk,
        ordering="-updated",
        size=20,
        is_active="on",
    )


def edit_data(model: str, record, user) -> dict:
    viewset_form = _form_class(model)
    data = form_post_data(viewset_form(instance=record, for_user=user))
    data["change_reason"] = "测试修改"
    data["title" if model in ("notice", "feed") else "name"] = "改过的名称"
    return data


def _form_class(model: str):
    from halls.viewsets import HallViewSet, NoticeViewSet, WindowViewSet
    from terminals.viewsets import FeedViewSet, TerminalViewSet

    viewsets = {
        "hall": HallViewSet,
        "window": WindowViewSet,
        "notice": NoticeViewSet,
        "terminal": TerminalViewSet,
        "feed": FeedViewSet,
    }
    return viewsets[model]().get_form_class(for_update=True)


def assert_refused(response, expected: str) -> None:
    if expected == "login":
        assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
    elif expected == "403":
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    elif expected == "denied":
        assert response.status_code in (302, 403, 404), response.status_code
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == int(expected), response.status_code


@pytest.mark.parametrize(("model", "role", "action", "target", "expected"), CELLS)
def test_admin_matrix(client, hall_world, model, role, action, target, expected):
    world = hall_world
    user = world.users[role]
    record = world.records[(model, target)]
    klass = MODELS[model][0]
    client.force_login(user)

    if action == "list":
        response = client.get(url(model, "index"))
        if expected in ("ok", "hidden"):
            assert response.status_code == 200
            assert (label(record) in response.content.decode()) == (expected == "ok")
        else:
            assert_refused(response, expected)

    elif action == "create":
        before = klass.objects.count()
        response = client.post(url(model, "add"), create_data(model, world, target))
        if expected == "ok":
            assert response.status_code in (200, 302), response.status_code
            created = klass.objects.order_by("-pk").first()
            assert klass.objects.count() == before + 1, response.content.decode()[:3000]
            department = world.dept_a if target == "own" else world.dept_b
            assert created.department == department
            latest = created.history.first()
            assert latest.history_user == user and latest.history_change_reason == "测试新建"
        elif expected == "invalid":
            assert response.status_code == 200
            assert klass.objects.count() == before
            assert "您无权" in response.content.decode()
        else:
            assert_refused(response, expected)
            assert klass.objects.count() == before

    elif action == "edit":
        data = edit_data(model, record, world.users["sysadmin"])
        response = client.post(url(model, "edit", record.pk), data)
        record.refresh_from_db()
        if expected == "ok":
            assert response.status_code == 302, response.content.decode()[:3000]
            assert label(record) == "改过的名称"
            latest = record.history.first()
            assert latest.history_user == user and latest.history_change_reason == "测试修改"
        else:
            assert_refused(response, expected)
            assert label(record) != "改过的名称"

    elif action == "delete":
        response = client.post(url(model, "delete", record.pk))
        if expected == "ok":
            assert response.status_code == 302
            assert not klass.objects.filter(pk=record.pk).exists()
        else:
            assert_refused(response, expected)
            assert klass.objects.filter(pk=record.pk).exists()

    elif action == "history":
        response = client.get(url(model, "history", record.pk))
        if expected == "ok":
            assert response.status_code == 200
            assert "修改历史" in response.content.decode()
        else:
            assert_refused(response, expected)
