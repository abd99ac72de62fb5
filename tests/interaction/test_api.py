"""The 12345 hand-off: keys with the hotline scope create items (idempotent on the ticket), read only
their own items (no phone number ever), and close answered ones with the 回访 result; 400 naming the
field, 401/403 without the scope, 404 for anyone else's item, 409 for a stale revision."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from interaction.api import HOTLINE
from interaction.models import Interaction, Source, State
from terminals.models import TerminalKind

from ..terminals.factories import TerminalFactory
from ..terminals.factories import key_header as header
from .factories import PHONE, REPLY, submit, take

LIST = "/api/v1/interactions/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hotline(iworld):
    return TerminalFactory(
        department=iworld.dept_a,
        kind=TerminalKind.DEPARTMENT_SYSTEM,
        scopes=[HOTLINE.value],
        with_key=True,
        name="12345热线系统",
    )


@pytest.fixture
def other_hotline(iworld):
    return TerminalFactory(
        department=iworld.dept_b, kind=TerminalKind.DEPARTMENT_SYSTEM, scopes=[HOTLINE.value], with_key=True
    )


def payload(**extra) -> dict:
    data = {
        "ticket": "12345-20261102-0001",
        "kind": "complaint",
        "subject": "小区夜间施工噪音",
        "body": "工地每天晚上十一点后仍在施工，请处理。",
        "name": "赵六",
        "phone": PHONE,
        "department": "yi",
        "consent": True,
    }
    data.update(extra)
    return data


def post(api, hotline, **extra):
    return api.post(LIST, payload(**extra), format="json", **header(hotline))


def test_the_hotline_creates_an_item_and_the_same_ticket_again_returns_it(api, iworld, hotline):
    first = post(api, hotline)
    assert first.status_code == 201, first.content
    data = json.loads(first.content)
    assert data["number"].startswith("TS2026-") and data["ticket"] == "12345-20261102-0001"
    assert data["department"] == "示范市乙局" and data["state"] == "submitted" and data["name"] == "赵*"
    assert data["reply"] == "" and data["light"] == "green" and data["due_date"]
    assert PHONE not in first.content.decode() and "lookup_code" not in data
    again = post(api, hotline)
    assert again.status_code == 200 and json.loads(again.content)["number"] == data["number"]
    item = Interaction.objects.get()
    assert item.source == Source.HOTLINE and item.hotline_client_id == hotline.pk and item.phone == PHONE
    assert item.steps.get().actor_name == "12345热线" and "12345-20261102-0001" in item.steps.get().note


def test_the_department_comes_from_its_code_credit_code_or_the_matter(api, iworld, hotline):
    by_credit = post(api, hotline, ticket="T-2", department=iworld.dept_a.credit_code)
    assert json.loads(by_credit.content)["department"] == "示范市甲局"
    matter = iworld.matters["other"]
    by_matter = post(api, hotline, ticket="T-3", department="", matter=matter.implementation_code)
    assert by_matter.status_code == 201 and json.loads(by_matter.content)["department"] == "示范市乙局"
    assert Interaction.objects.get(hotline_ticket="T-3").matter == matter


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "praise"}, "kind"),
        ({"ticket": ""}, "ticket"),
        ({"ticket": "x" * 41}, "ticket"),
        ({"subject": "题" * 101}, "subject"),
        ({"body": "字" * 2001}, "body"),
        ({"body": "短"}, "body"),
        ({"phone": "123"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"department": "no-such"}, "department"),
        ({"department": "", "matter": "NOPE"}, "matter"),
        ({"department": ""}, "department"),
        ({"submitted_at": "2099-01-01T00:00:00+08:00"}, "submitted_at"),
    ],
)
def test_bad_items_are_400_naming_the_field_and_write_nothing(api, iworld, hotline, change, field):
    response = post(api, hotline, **change)
    assert response.status_code == 400, response.content
    assert field in json.loads(response.content)
    assert not Interaction.objects.exists()


def test_another_system_cannot_reuse_a_ticket(api, iworld, hotline, other_hotline):
    post(api, hotline)
    response = post(api, other_hotline)
    assert response.status_code == 400 and "ticket" in json.loads(response.content)
    assert Interaction.objects.count() == 1


def test_keys_without_the_scope_and_anonymous_callers_are_refused(api, iworld):
    kiosk = TerminalFactory(department=iworld.dept_a, with_key=True)
    assert post(api, kiosk).status_code == 403
    assert api.post(LIST, payload(), format="json").status_code in (401, 403)
    assert not Interaction.objects.exists()
    item = submit(iworld.dept_a)
    assert api.get(f"{LIST}{item.number}/", **header(kiosk)).status_code == 403


def test_the_hotline_reads_only_its_own_items_and_never_the_phone(api, iworld, hotline, other_hotline):
    number = json.loads(post(api, hotline).content)["number"]
    own = api.get(f"{LIST}{number}/", **header(hotline))
    assert own.status_code == 200 and PHONE not in own.content.decode()
    assert api.get(f"{LIST}{number}/", **header(other_hotline)).status_code == 404
    portal_item = submit(iworld.dept_b)
    assert api.get(f"{LIST}{portal_item.number}/", **header(hotline)).status_code == 404
    assert api.get(f"{LIST}ZX2026-999999/", **header(hotline)).status_code == 404


def test_the_reply_is_given_once_approved_and_the_hotline_closes_it(api, iworld, hotline):
    number = json.loads(post(api, hotline, department="jia").content)["number"]
    item = Interaction.objects.get(number=number)
    item = take(item, "accept", iworld.users["owner"])
    item = take(item, "submit", iworld.users["owner"], reply=REPLY)
    reading = json.loads(api.get(f"{LIST}{number}/", **header(hotline)).content)
    assert reading["state"] == "review" and reading["reply"] == ""  # a draft is not given out
    early = api.post(f"{LIST}{number}/close/", {"satisfaction": "satisfied"}, format="json", **header(hotline))
    assert early.status_code == 400 and "不能进行“办结”" in early.content.decode()
    item = take(item, "approve", iworld.users["reviewer"])
    reading = json.loads(api.get(f"{LIST}{number}/", **header(hotline)).content)
    assert reading["state"] == "answered" and reading["reply"] == REPLY and reading["answered_on"]
    assert [s["action"] for s in reading["steps"]] == ["submit_new", "accept", "approve"]
    stale = api.post(
        f"{LIST}{number}/close/",
        {"satisfaction": "satisfied", "revision": reading["revision"] - 1},
        format="json",
        **header(hotline),
    )
    assert stale.status_code == 409 and "已被他人办理" in json.loads(stale.content)["detail"]
    bad = api.post(f"{LIST}{number}/close/", {"satisfaction": "great"}, format="json", **header(hotline))
    assert bad.status_code == 400 and "satisfaction" in json.loads(bad.content)
    closed = api.post(
        f"{LIST}{number}/close/",
        {"satisfaction": "unsatisfied", "note": "认为处理太慢", "revision": reading["revision"]},
        format="json",
        **header(hotline),
    )
    assert closed.status_code == 200, closed.content
    data = json.loads(closed.content)
    assert data["state"] == "closed" and data["satisfaction"] == "unsatisfied"
    step = Interaction.objects.get(number=number).steps.get(action="close")
    assert step.actor is None and step.actor_name == "12345热线" and step.note == "回访结果：不满意；认为处理太慢"


def test_a_refused_item_shows_its_reason(api, iworld, hotline):
    number = json.loads(post(api, hotline, department="jia").content)["number"]
    take(Interaction.objects.get(number=number), "reject", iworld.users["owner"], note="不属于行政机关职责")
    data = json.loads(api.get(f"{LIST}{number}/", **header(hotline)).content)
    assert data["state"] == State.REJECTED and data["refusal"] == "不属于行政机关职责" and data["light"] == ""


def test_the_hotline_cannot_close_another_systems_item(api, iworld, hotline, other_hotline):
    number = json.loads(post(api, hotline).content)["number"]
    response = api.post(f"{LIST}{number}/close/", {"satisfaction": "satisfied"}, format="json", **header(other_hotline))
    assert response.status_code == 404
