"""The permission matrix: role x action x (own department, other department), admin and API.

Every cell is asked through the real admin views and the real API, never the policy alone.
"own" means a record of department A (the department of the owner and reviewer), "other" a
record of department B. Expected outcomes:
  ok    the action is carried out (and its effect is checked)
  403   the record is visible but the action is refused (Wagtail's admin turns a
        PermissionDenied into a redirect to the dashboard with an error message)
  404   the record is invisible to the user
  login the admin sends the user to the login page (no admin access at all)
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Revision

from matters.models import Matter

from ..helpers import matter_form_data as form_data
from ..helpers import matter_url as url

pytestmark = pytest.mark.django_db

ROLES = ["owner", "reviewer", "disclosure", "sysadmin", "nodept"]


# ---- admin ---------------------------------------------------------------------------------

ADMIN_EXPECTED = {
    # role:        view    edit    delete  history revert
    "owner": {
        "own": dict(view="ok", edit="ok", delete="ok", history="ok", revert="ok"),
        "other": dict(view="404", edit="404", delete="404", history="404", revert="404"),
    },
    "reviewer": {
        "own": dict(view="ok", edit="ok", delete="403", history="ok", revert="ok"),
        "other": dict(view="404", edit="404", delete="404", history="404", revert="404"),
    },
    "disclosure": {
        "own": dict(view="ok", edit="403", delete="403", history="ok", revert="403"),
        "other": dict(view="ok", edit="403", delete="403", history="ok", revert="403"),
    },
    "sysadmin": {
        "own": dict(view="ok", edit="ok", delete="ok", history="ok", revert="ok"),
        "other": dict(view="ok", edit="ok", delete="ok", history="ok", revert="ok"),
    },
    "nodept": {
        "own": dict(view="login", edit="login", delete="login", history="login", revert="login"),
        "other": dict(view="login", edit="login", delete="login", history="login", revert="login"),
    },
}

ADMIN_CELLS = [
    (role, target, action, expected)
    for role, targets in ADMIN_EXPECTED.items()
    for target, actions in targets.items()
    for action, expected in actions.items()
]


def _assert_refused(response, expected: str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert reverse("wagtailadmin_login") in response["Location"]
    elif expected == "403":
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == int(expected), response.status_code


@pytest.mark.parametrize(("role", "target", "action", "expected"), ADMIN_CELLS)
def test_admin_matrix(client, world, role, target, action, expected):
    user = world.users[role]
    matter = world.matters[target]
    client.force_login(user)
    revisions_before = matter.revisions.count()

    if action == "view":
        response = client.get(url("inspect", matter.pk))
        if expected == "ok":
            assert response.status_code == 200
            assert matter.implementation_code in response.content.decode()
        else:
            _assert_refused(response, expected)

    elif action == "edit":
        response = client.post(url("edit", matter.pk), form_data(matter, name="改过的名称"))
        if expected == "ok":
            assert response.status_code == 302, response.content.decode()[:2000]
            latest = Revision.objects.for_instance(matter).order_by("-pk").first()
            assert latest.content["name"] == "改过的名称"
            assert latest.user == user
        else:
            _assert_refused(response, expected)
            assert matter.revisions.count() == revisions_before

    elif action == "delete":
        response = client.post(url("delete", matter.pk))
        if expected == "ok":
            assert response.status_code == 302
            assert not Matter.objects.filter(pk=matter.pk).exists()
        else:
            _assert_refused(response, expected)
            assert Matter.objects.filter(pk=matter.pk).exists()

    elif action == "history":
        response = client.get(url("history", matter.pk))
        if expected == "ok":
            assert response.status_code == 200
        else:
            _assert_refused(response, expected)

    elif action == "revert":
        revision = matter.revisions.order_by("pk").first()
        revert_url = url("revisions_revert", matter.pk, revision.pk)
        response = client.post(revert_url, form_data(matter, name="恢复后的名称"))
        if expected == "ok":
            assert response.status_code == 302
            assert matter.revisions.count() == revisions_before + 1
        else:
            _assert_refused(response, expected)
            assert matter.revisions.count() == revisions_before


LIST_EXPECTED = {
    "owner": {"甲局在用事项", "甲局草稿事项"},
    "reviewer": {"甲局在用事项", "甲局草稿事项"},
    "disclosure": {"甲局在用事项", "甲局草稿事项", "乙局在用事项", "乙局草稿事项"},
    "sysadmin": {"甲局在用事项", "甲局草稿事项", "乙局在用事项", "乙局草稿事项"},
}
ALL_NAMES = {"甲局在用事项", "甲局草稿事项", "乙局在用事项", "乙局草稿事项"}


@pytest.mark.parametrize("role", list(LIST_EXPECTED))
def test_admin_listing_contains_exactly_permitted(client, world, role):
    client.force_login(world.users[role])
    html = client.get(url("list")).content.decode()
    shown = {name for name in ALL_NAMES if name in html}
    assert shown == LIST_EXPECTED[role]


def test_admin_listing_refused_without_department(client, world):
    client.force_login(world.users["nodept"])
    _assert_refused(client.get(url("list")), "login")


CREATE_EXPECTED = {
    # role: (own department, other department)
    "owner": ("ok", "invalid"),
    "reviewer": ("403", "403"),
    "disclosure": ("403", "403"),
    "sysadmin": ("ok", "ok"),
    "nodept": ("login", "login"),
}


@pytest.mark.parametrize("role", list(CREATE_EXPECTED))
@pytest.mark.parametrize("target", ["own", "other"])
def test_admin_create_matrix(client, world, role, target):
    expected = CREATE_EXPECTED[role][0 if target == "own" else 1]
    department = world.dept_a if target == "own" else world.dept_b
    client.force_login(world.users[role])
    code = f"{department.credit_code}209999"
    data = form_data(
        Matter(),
        name="新建的事项",
        implementation_code=code,
        matter_type=world.matters["own"].matter_type_id,
        department=department.pk,
    )
    response = client.post(url("add"), data)
    created = Matter.objects.filter(implementation_code=code).first()
    if expected == "ok":
        assert response.status_code == 302
        assert created is not None and created.department == department
        assert created.revisions.get().user == world.users[role]
    elif expected == "invalid":
        # A forged department id: the form refuses it in Chinese and nothing is saved.
        assert response.status_code == 200
        assert "您无权把内容归属到这个部门" in response.content.decode()
        assert created is None
    else:
        _assert_refused(response, expected)
        assert created is None


def test_create_form_offers_only_own_departments(client, world):
    client.force_login(world.users["owner"])
    html = client.get(url("add")).content.decode()
    select = html[html.index('name="department"') :]
    select = select[: select.index("</select>")]
    assert world.dept_a.name in select
    assert world.dept_b.name not in select


# ---- API -----------------------------------------------------------------------------------

API_LIST_EXPECTED = {
    "owner": {"甲局在用事项", "甲局草稿事项", "乙局在用事项"},
    "reviewer": {"甲局在用事项", "甲局草稿事项", "乙局在用事项"},
    "disclosure": ALL_NAMES,
    "sysadmin": ALL_NAMES,
    "nodept": {"甲局在用事项", "乙局在用事项"},
    "anonymous": {"甲局在用事项", "乙局在用事项"},
}


def _api_client(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", list(API_LIST_EXPECTED))
def test_api_list_contains_exactly_readable(client, world, role):
    response = _api_client(client, world, role).get("/api/v1/matters/")
    assert response.status_code == 200
    assert {m["name"] for m in response.json()["results"]} == API_LIST_EXPECTED[role]


API_EXPECTED = {
    # role: {target: {view, edit, delete}}
    "owner": {
        "own": dict(view="200", edit="200", delete="204"),
        "other": dict(view="200", edit="403", delete="403"),
        "other_draft": dict(view="404", edit="404", delete="404"),
    },
    "reviewer": {
        "own": dict(view="200", edit="200", delete="403"),
        "other": dict(view="200", edit="403", delete="403"),
        "other_draft": dict(view="404", edit="404", delete="404"),
    },
    "disclosure": {
        "own": dict(view="200", edit="403", delete="403"),
        "other": dict(view="200", edit="403", delete="403"),
        "other_draft": dict(view="200", edit="403", delete="403"),
    },
    "sysadmin": {
        "own": dict(view="200", edit="200", delete="204"),
        "other": dict(view="200", edit="200", delete="204"),
        "other_draft": dict(view="200", edit="200", delete="204"),
    },
    "nodept": {
        "own": dict(view="200", edit="403", delete="403"),
        "other": dict(view="200", edit="403", delete="403"),
        "other_draft": dict(view="404", edit="404", delete="404"),
    },
}
API_CELLS = [
    (role, target, action, expected)
    for role, targets in API_EXPECTED.items()
    for target, actions in targets.items()
    for action, expected in actions.items()
]


@pytest.mark.parametrize(("role", "target", "action", "expected"), API_CELLS)
def test_api_matrix(client, world, role, target, action, expected):
    matter = world.matters[target]
    api = _api_client(client, world, role)
    detail = f"/api/v1/matters/{matter.pk}/"
    if action == "view":
        response = api.get(detail)
    elif action == "edit":
        payload = {"name": "接口改名", "revision": matter.latest_revision_id}  # writes name their base
        response = api.patch(detail, payload, content_type="application/json")
    else:
        response = api.delete(detail)
    assert str(response.status_code) == expected, response.content[:500]
    if action == "edit":
        latest = Revision.objects.for_instance(matter).order_by("-pk").first()
        assert (latest.content["name"] == "接口改名") is (expected == "200")
    if action == "delete":
        assert Matter.objects.filter(pk=matter.pk).exists() is (expected != "204")


API_CREATE_EXPECTED = {
    "owner": ("201", "403"),
    "reviewer": ("403", "403"),
    "disclosure": ("403", "403"),
    "sysadmin": ("201", "201"),
    "nodept": ("403", "403"),
    "anonymous": ("401", "401"),  # not authenticated: asked for a key or a login
}


@pytest.mark.parametrize("role", list(API_CREATE_EXPECTED))
@pytest.mark.parametrize("target", ["own", "other"])
def test_api_create_matrix(client, world, role, target):
    expected = API_CREATE_EXPECTED[role][0 if target == "own" else 1]
    department = world.dept_a if target == "own" else world.dept_b
    code = f"{department.credit_code}209998"
    response = _api_client(client, world, role).post(
        "/api/v1/matters/",
        {
            "name": "接口新建",
            "implementation_code": code,
            "matter_type": "01",
            "department": department.credit_code,
        },
        content_type="application/json",
    )
    assert str(response.status_code) == expected, response.content[:500]
    created = Matter.objects.filter(implementation_code=code).first()
    assert (created is not None) is (expected == "201")
    if created is not None:
        assert not created.live  # a draft until published
        assert created.revisions.get().user == world.users[role]
