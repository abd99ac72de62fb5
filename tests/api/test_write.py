"""The write API for department systems: the policy decides, versions guard, history names the system."""

from __future__ import annotations

import json

import pytest
from wagtail.models import ModelLogEntry, Revision

from api.scopes import READ_DRAFTS
from matters.models import Matter
from terminals.models import TerminalKind

from ..matters.factories import MatterFactory
from ..terminals.factories import TerminalFactory
from .conftest import key_header

LIST = "/api/v1/matters/"


def detail(matter) -> str:
    return f"{LIST}{matter.pk}/"


def new_matter(owner, **extra) -> dict:
    data = {
        "implementation_code": f"{owner.credit_code}019999",
        "name": "系统新建事项",
        "matter_type": "01",
        "department": owner.credit_code,
        "materials": [
            {"name": "申请书", "source": "applicant"},
            {"name": "营业执照", "source": "government", "source_note": "市场监管部门"},
        ],
    }
    data.update(extra)
    return data


def revisions(matter) -> int:
    return Revision.objects.filter(object_id=str(matter.pk), content_type__model="matter").count()


@pytest.mark.django_db
class TestCreate:
    def test_own_department_creates_a_draft_named_after_the_system(self, api, world, department_system):
        terminal, key = department_system, department_system.api_key
        response = api.post(LIST, new_matter(world.dept_a), format="json", **key_header(key))
        assert response.status_code == 201, response.content
        data = json.loads(response.content)
        assert data["live"] is False and data["revision"]
        matter = Matter.objects.get(pk=data["id"])
        assert [m.name for m in matter.materials.all()] == ["申请书", "营业执照"]
        revision = matter.latest_revision
        assert revision.user == terminal.service_user
        assert terminal.name in revision.user.get_full_name() or revision.user.first_name == terminal.name
        entry = ModelLogEntry.objects.for_instance(matter).filter(action="wagtail.create").get()
        assert entry.user == terminal.service_user

    def test_materials_keep_the_order_given(self, api, world, department_system):
        """A case's material i is the matter's material i: the order sent is numbered, not left to the database."""
        names = ["营业执照", "申请书", "身份证明"]
        data = new_matter(world.dept_a, materials=[{"name": n} for n in names])
        response = api.post(LIST, data, format="json", **key_header(department_system.api_key))
        assert response.status_code == 201, response.content
        matter = Matter.objects.get(pk=json.loads(response.content)["id"])
        rows = matter.materials.order_by("sort_order").values_list("sort_order", "name")
        assert list(rows) == [(0, "营业执照"), (1, "申请书"), (2, "身份证明")]

    def test_another_department_is_refused_and_nothing_is_written(self, api, world, department_system):
        before = Matter.objects.count()
        response = api.post(LIST, new_matter(world.dept_b), format="json", **key_header(department_system.api_key))
        assert response.status_code == 403
        assert "无权" in json.loads(response.content)["detail"]
        assert Matter.objects.count() == before

    def test_bad_input_names_the_field_in_chinese(self, api, world, department_system):
        data = new_matter(world.dept_a, department="91110000000000000X", name="长" * 201)
        response = api.post(LIST, data, format="json", **key_header(department_system.api_key))
        assert response.status_code == 400
        errors = json.loads(response.content)
        assert "没有统一社会信用代码" in errors["department"][0]
        assert "name" in errors

    def test_a_material_without_a_name_is_named_by_position(self, api, world, department_system):
        data = new_matter(world.dept_a, materials=[{"name": "申请书"}, {"name": ""}])
        response = api.post(LIST, data, format="json", **key_header(department_system.api_key))
        assert response.status_code == 400
        errors = json.loads(response.content)["materials"]
        assert list(errors) == ["1"] and "name" in errors["1"]

    def test_publishing_needs_the_publish_right(self, api, world, department_system):
        before = Matter.objects.count()
        response = api.post(
            f"{LIST}?publish=1", new_matter(world.dept_a), format="json", **key_header(department_system.api_key)
        )
        assert response.status_code == 403
        assert Matter.objects.count() == before


@pytest.mark.django_db
class TestUpdate:
    def test_based_on_the_current_revision(self, api, world, department_system):
        terminal, key = department_system, department_system.api_key
        matter = world.matters["own"]
        current = matter.latest_revision_id
        response = api.patch(
            detail(matter),
            {"revision": current, "promised_limit": 5, "materials": [{"name": "新的申请表"}]},
            format="json",
            **key_header(key),
        )
        assert response.status_code == 200, response.content
        data = json.loads(response.content)
        assert data["revision"] != current and data["promised_limit"] == 5
        matter.refresh_from_db()
        assert matter.promised_limit == 10  # the version in force is unchanged until published
        draft = matter.get_latest_revision_as_object()
        assert draft.promised_limit == 5
        assert [m.name for m in draft.materials.all()] == ["新的申请表"]
        assert matter.latest_revision.user == terminal.service_user

    def test_if_match_header_works_as_the_base(self, api, world, department_system):
        matter = world.matters["own"]
        response = api.patch(
            detail(matter),
            {"name": "改名"},
            format="json",
            HTTP_IF_MATCH=f'"{matter.latest_revision_id}"',
            **key_header(department_system.api_key),
        )
        assert response.status_code == 200

    def test_an_outdated_base_is_409_and_changes_nothing(self, api, world, department_system):
        matter = world.matters["own"]
        stale = matter.latest_revision_id
        draft = matter.get_latest_revision_as_object()
        draft.name = "他人刚刚修改"
        draft.save_revision(user=world.users["owner"])
        count = revisions(matter)
        response = api.patch(
            detail(matter),
            {"revision": stale, "name": "覆盖他人"},
            format="json",
            **key_header(department_system.api_key),
        )
        assert response.status_code == 409
        assert "已被修改" in json.loads(response.content)["detail"]
        assert revisions(matter) == count
        assert Matter.objects.get(pk=matter.pk).get_latest_revision_as_object().name == "他人刚刚修改"

    def test_a_missing_base_is_428(self, api, world, department_system):
        matter = world.matters["own"]
        count = revisions(matter)
        response = api.patch(
            detail(matter), {"name": "无版本号"}, format="json", **key_header(department_system.api_key)
        )
        assert response.status_code == 428
        assert "revision" in json.loads(response.content)["detail"]
        assert revisions(matter) == count

    @pytest.mark.parametrize(
        ("target", "method", "expected"),
        [
            ("other", "patch", 403),  # public: readable, not writable
            ("other_draft", "patch", 404),  # not even readable
            ("other", "delete", 403),
            ("other_draft", "delete", 404),
            ("other_draft", "get", 404),
        ],
    )
    def test_another_departments_matter_bola(self, api, world, department_system, target, method, expected):
        matter = world.matters[target]
        count = revisions(matter)
        call = getattr(api, method)
        payload = {"revision": matter.latest_revision_id, "name": "越权修改"}
        kwargs = {"format": "json"} if method == "patch" else {}
        response = call(
            detail(matter), payload if method == "patch" else None, **kwargs, **key_header(department_system.api_key)
        )
        assert response.status_code == expected
        assert Matter.objects.filter(pk=matter.pk).exists()
        assert revisions(matter) == count
        assert Matter.objects.get(pk=matter.pk).name == matter.name

    def test_moving_a_matter_to_another_department_is_refused(self, api, world, department_system):
        matter = world.matters["own"]
        response = api.patch(
            detail(matter),
            {"revision": matter.latest_revision_id, "department": world.dept_b.credit_code},
            format="json",
            **key_header(department_system.api_key),
        )
        assert response.status_code == 403
        assert Matter.objects.get(pk=matter.pk).department == world.dept_a

    def test_a_key_without_the_write_scope_cannot_write(self, api, world):
        key = TerminalFactory(
            department=world.dept_a, kind=TerminalKind.DEPARTMENT_SYSTEM, scopes=[READ_DRAFTS.value], with_key=True
        ).api_key
        matter = world.matters["own"]
        response = api.patch(
            detail(matter), {"revision": matter.latest_revision_id, "name": "x"}, format="json", **key_header(key)
        )
        assert response.status_code == 403
        assert "授权范围" in json.loads(response.content)["detail"]

    def test_anonymous_writes_are_refused(self, api, world):
        matter = world.matters["own"]
        assert api.patch(detail(matter), {"name": "x"}, format="json").status_code in (401, 403)
        assert api.post(LIST, new_matter(world.dept_a), format="json").status_code in (401, 403)

    def test_the_session_user_path_still_follows_the_policy(self, api, world):
        api.force_authenticate(world.users["owner_b"])
        matter = world.matters["own"]
        response = api.patch(detail(matter), {"revision": matter.latest_revision_id, "name": "x"}, format="json")
        assert response.status_code == 403


@pytest.mark.django_db
def test_a_deactivated_system_loses_its_rights(api, world, department_system):
    terminal, key = department_system, department_system.api_key
    terminal.is_active = False
    terminal.save()
    matter = MatterFactory(department=world.dept_a)
    response = api.patch(
        detail(matter), {"revision": matter.latest_revision_id, "name": "x"}, format="json", **key_header(key)
    )
    assert response.status_code == 401
