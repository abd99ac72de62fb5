"""The push API for hall systems: keys with write_cases, idempotent pushes, steps, 400/404/409."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from cases.api import WRITE_CASES
from cases.models import Case, CaseState
from terminals.models import TerminalKind

from ..terminals.factories import TerminalFactory
from ..terminals.factories import key_header as header
from .factories import ID_NUMBER, PHONE

LIST = "/api/v1/cases/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hall_system(case_world):
    return TerminalFactory(
        department=case_world.dept_a,
        kind=TerminalKind.HALL_SYSTEM,
        scopes=[WRITE_CASES.value],
        with_key=True,
        name="甲局审批系统",
    )


def payload(of_matter, **extra) -> dict:
    data = {
        "external_id": "SP-0001",
        "matter": of_matter.implementation_code,
        "applied_at": "2026-11-02T09:30:00+08:00",
        "applicant": {
            "kind": "person",
            "name": "李四",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
        },
    }
    data.update(extra)
    return data


def test_a_hall_system_pushes_a_case_and_the_same_id_again_returns_it(api, case_world, hall_system):
    matter = case_world.matters["promised"]
    first = api.post(LIST, payload(matter), format="json", **header(hall_system))
    assert first.status_code == 201, first.content
    data = json.loads(first.content)
    assert (
        data["state"] == "applied" and data["matter"] == matter.implementation_code and data["external_id"] == "SP-0001"
    )
    assert (
        data["applicant"] == "李*" and ID_NUMBER not in first.content.decode() and PHONE not in first.content.decode()
    )
    again = api.post(LIST, payload(matter), format="json", **header(hall_system))
    assert again.status_code == 200 and json.loads(again.content)["number"] == data["number"]
    case = Case.objects.get()
    assert case.channel == "pushed" and case.source_user == hall_system.service_user
    assert case.materials.filter(received=True).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"matter": "NOPE"}, "matter"),
        ({"hall": "no-such-hall"}, "hall"),
        ({"hall": "hall-a", "window": "Z99"}, "window"),
        (
            {
                "applicant": {
                    "kind": "person",
                    "name": "李四",
                    "id_type": "resident_id",
                    "id_number": "123",
                    "phone": PHONE,
                }
            },
            "id_number",
        ),
        (
            {
                "applicant": {
                    "kind": "person",
                    "name": "李四",
                    "id_type": "resident_id",
                    "id_number": ID_NUMBER,
                    "phone": "1",
                }
            },
            "phone",
        ),
        ({"external_id": "x" * 65}, "external_id"),
        ({"applied_at": "2099-01-01T00:00:00+08:00"}, "applied_at"),
    ],
)
def test_bad_pushes_are_400_naming_the_field_and_write_nothing(api, case_world, hall_system, change, field):
    response = api.post(LIST, payload(case_world.matters["promised"], **change), format="json", **header(hall_system))
    assert response.status_code == 400, response.content
    assert field in json.loads(response.content)
    assert not Case.objects.exists()


def test_a_case_of_another_departments_matter_is_refused(api, case_world, hall_system):
    response = api.post(LIST, payload(case_world.matters["other"]), format="json", **header(hall_system))
    assert response.status_code == 403 and "乙局" in json.loads(response.content)["detail"]
    assert not Case.objects.exists()


def test_a_key_without_the_scope_cannot_push(api, case_world):
    kiosk = TerminalFactory(department=case_world.dept_a, with_key=True)
    response = api.post(LIST, payload(case_world.matters["promised"]), format="json", **header(kiosk))
    assert response.status_code == 403 and not Case.objects.exists()
    assert api.post(LIST, payload(case_world.matters["promised"]), format="json").status_code in (401, 403)


def test_steps_are_reported_validated_and_idempotent(api, case_world, hall_system):
    created = api.post(LIST, payload(case_world.matters["promised"]), format="json", **header(hall_system))
    number = json.loads(created.content)["number"]
    steps = f"{LIST}{number}/steps/"
    accepted = api.post(
        steps, {"action": "accept", "on": "2026-11-02", "external_id": "S1"}, format="json", **header(hall_system)
    )
    assert accepted.status_code == 200, accepted.content
    data = json.loads(accepted.content)
    assert (
        data["state"] == "accepted"
        and data["due_date"] == "2026-11-16"
        and [s["action"] for s in data["steps"]] == ["apply", "accept"]
    )
    repeated = api.post(
        steps, {"action": "accept", "on": "2026-11-02", "external_id": "S1"}, format="json", **header(hall_system)
    )
    assert repeated.status_code == 200 and len(json.loads(repeated.content)["steps"]) == 2
    illegal = api.post(steps, {"action": "deliver", "on": "2026-11-03"}, format="json", **header(hall_system))
    assert illegal.status_code == 400 and "已受理" in json.loads(illegal.content)["action"][0]
    unknown = api.post(steps, {"action": "teleport"}, format="json", **header(hall_system))
    assert unknown.status_code == 400 and "action" in json.loads(unknown.content)
    stale = api.post(
        steps, {"action": "approve", "on": "2026-11-05", "revision": 0}, format="json", **header(hall_system)
    )
    assert stale.status_code == 409 and "已被他人办理" in json.loads(stale.content)["detail"]
    done = api.post(
        steps,
        {"action": "approve", "on": "2026-11-05", "revision": data["revision"]},
        format="json",
        **header(hall_system),
    )
    assert done.status_code == 200 and json.loads(done.content)["state"] == CaseState.APPROVED


def test_a_case_of_another_department_is_404_to_read_and_to_step(api, case_world, hall_system):
    from .factories import CaseFactory

    other = CaseFactory(matter=case_world.matters["other"])
    assert api.get(f"{LIST}{other.number}/", **header(hall_system)).status_code == 404
    response = api.post(f"{LIST}{other.number}/steps/", {"action": "accept"}, format="json", **header(hall_system))
    assert response.status_code == 404
    assert Case.objects.get(pk=other.pk).state == CaseState.APPLIED
    own = CaseFactory(matter=case_world.matters["promised"])
    read = api.get(f"{LIST}{own.number}/", **header(hall_system))
    assert read.status_code == 200 and json.loads(read.content)["applicant"] == "张**"


def test_the_schema_documents_the_push_api(api):
    response = api.get("/api/schema/", {"format": "json"})
    paths = json.loads(response.content)["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{number}/", "/api/v1/cases/{number}/steps/"} <= set(paths)
    assert "409" in paths["/api/v1/cases/{number}/steps/"]["post"]["responses"]


def test_a_batch_push_answers_each_case_in_order_and_one_bad_case_spoils_nothing(api, case_world, hall_system):
    matter = case_world.matters["promised"]
    api.post(LIST, payload(matter, external_id="OLD-1"), format="json", **header(hall_system))
    batch = {
        "cases": [
            payload(matter, external_id="NEW-1"),
            payload(matter, external_id="OLD-1"),
            payload(matter, external_id="BAD-1", matter="NOPE"),
            payload(case_world.matters["other"], external_id="OTHER-1"),
            payload(matter, external_id="NEW-2", channel="window"),
        ]
    }
    response = api.post(f"{LIST}batch/", batch, format="json", **header(hall_system))
    assert response.status_code == 200, response.content
    data = json.loads(response.content)
    assert [r["status"] for r in data["results"]] == [201, 200, 400, 403, 201]
    assert (data["created"], data["existing"], data["refused"]) == (2, 1, 2)
    assert "matter" in data["results"][2]["errors"] and data["results"][2]["external_id"] == "BAD-1"
    assert data["results"][0]["case"]["state"] == "applied" and data["results"][0]["case"]["applicant"] == "李*"
    assert set(Case.objects.values_list("external_id", flat=True)) == {"OLD-1", "NEW-1", "NEW-2"}
    assert PHONE not in response.content.decode() and ID_NUMBER not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "message"), [({"cases": []}, "cases 列表"), ({"x": 1}, "cases 列表"), (None, "至多推送 100")]
)
def test_a_batch_must_be_a_list_of_at_most_a_hundred(api, case_world, hall_system, body, message):
    if body is None:
        body = {"cases": [payload(case_world.matters["promised"], external_id=f"N-{n}") for n in range(101)]}
    response = api.post(f"{LIST}batch/", body, format="json", **header(hall_system))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists()
