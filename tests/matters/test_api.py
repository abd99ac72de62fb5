"""The matters API: bad input gets a clear Chinese message naming the field; writes are revisions."""

from __future__ import annotations

import pytest

from matters.models import Matter

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post("/api/v1/matters/", data, content_type="application/json")


@pytest.fixture
def owner_client(client, world):
    client.force_login(world.users["owner"])
    return client


def payload(world, **overrides):
    data = {
        "name": "新事项",
        "implementation_code": f"{world.dept_a.credit_code}200001",
        "matter_type": "01",
        "department": world.dept_a.credit_code,
    }
    data.update(overrides)
    return data


def test_unknown_department_code(owner_client, world):
    response = post(owner_client, **payload(world, department="11990100XXXXXXXXXX"))
    assert response.status_code == 400
    assert response.json()["department"] == ["没有统一社会信用代码为“11990100XXXXXXXXXX”的部门。"]


def test_unknown_matter_type(owner_client, world):
    response = post(owner_client, **payload(world, matter_type="99"))
    assert response.status_code == 400
    assert "没有编码为“99”的事项类型" in response.json()["matter_type"][0]


def test_overlong_name_names_the_field(owner_client, world):
    response = post(owner_client, **payload(world, name="事" * 201))
    assert response.status_code == 400
    assert "200" in response.json()["name"][0]
    assert not Matter.objects.filter(name__startswith="事事事").exists()


def test_duplicate_implementation_code(owner_client, world):
    response = post(owner_client, **payload(world, implementation_code=world.matters["own"].implementation_code))
    assert response.status_code == 400
    assert response.json()["implementation_code"] == ["该实施编码已被其他事项使用。"]


def test_bad_characters_in_code(owner_client, world):
    response = post(owner_client, **payload(world, implementation_code="编码 有空格"))
    assert response.status_code == 400
    assert "编码只能包含字母、数字" in response.json()["implementation_code"][0]


def based(matter, data: dict) -> dict:
    """Writes name the revision they were based on (the current one here)."""
    return {**data, "revision": Matter.objects.get(pk=matter.pk).latest_revision_id}


def test_update_of_live_matter_is_a_draft_until_published(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["owner"])
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/", based(matter, {"name": "新名称"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "新名称" and response.json()["has_unpublished_changes"]
    # The public still sees the version in force.
    client.logout()
    assert client.get(f"/api/v1/matters/{matter.pk}/").json()["name"] == "甲局在用事项"


def test_owner_cannot_publish_reviewer_can(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["owner"])
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/?publish=1",
        based(matter, {"name": "想直接发布"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "没有发布该事项的权限" in response.json()["detail"]
    matter.refresh_from_db()
    assert matter.name == "甲局在用事项"

    client.force_login(world.users["reviewer"])
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/?publish=1",
        based(matter, {"name": "审核员发布"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    matter.refresh_from_db()
    assert matter.name == "审核员发布" and matter.live


def test_owner_cannot_move_matter_to_other_department(client, world):
    matter = world.matters["own_draft"]
    client.force_login(world.users["owner"])
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/",
        based(matter, {"department": world.dept_b.credit_code}),
        content_type="application/json",
    )
    assert response.status_code == 403
    matter.refresh_from_db()
    assert matter.department == world.dept_a


def test_forged_id_in_url_is_404(client, world):
    client.force_login(world.users["owner"])
    assert client.get("/api/v1/matters/999999/").status_code == 404
    assert client.get("/api/v1/matters/abc/").status_code == 404


def test_filter_by_department(client, world):
    response = client.get("/api/v1/matters/", {"department__credit_code": world.dept_b.credit_code})
    assert {m["name"] for m in response.json()["results"]} == {"乙局在用事项"}


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/matters/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_publishing_through_the_api_is_gated_by_standards(client, world):
    matter = world.matters["own_draft"]
    client.force_login(world.users["reviewer"])
    revisions = matter.revisions.count()
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/?publish=1", based(matter, {"name": "未压缩"}), content_type="application/json"
    )
    assert response.status_code == 200  # a clean change publishes
    matter.refresh_from_db()
    assert matter.live
    draft = matter.get_latest_revision_as_object()
    draft.visit_reason = ""
    draft.save_revision()
    revisions = matter.revisions.count()
    response = client.patch(
        f"/api/v1/matters/{matter.pk}/?publish=1",
        based(matter, {"name": "缺少现场办理原因"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "必须现场办理的原因" in response.json()["standards"][0]
    matter.refresh_from_db()
    assert matter.name == "未压缩"
    assert matter.revisions.count() == revisions  # the refused write left nothing behind
