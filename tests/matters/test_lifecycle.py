"""The matter lifecycle through the admin: in force on publication, suspend / resume / cancel
with a reason, delegation and entrustment, permissions, and the public change log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from matters import changelog, lifecycle
from matters.models import ChangeSignificance, Matter, MatterStatus

from ..helpers import matter_form_data
from ..helpers import matter_url as url
from ..permissions.factories import DepartmentFactory
from .factories import MatterFactory

pytestmark = pytest.mark.django_db


def lifecycle_url(matter) -> str:
    return reverse("matters_lifecycle", args=[matter.pk])


def test_first_publication_puts_matter_in_force_and_versions_rise(world):
    matter = MatterFactory(department=world.dept_a, draft=True)
    assert matter.status == MatterStatus.DRAFT and matter.version == 0
    matter.save_revision().publish()
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_FORCE and matter.version == 1
    matter.get_latest_revision_as_object().save_revision().publish()
    matter.refresh_from_db()
    assert matter.version == 2
    assert ModelLogEntry.objects.for_instance(matter).filter(action=lifecycle.ENTER_FORCE).count() == 1


def test_status_survives_editing_and_republishing(world):
    """Status belongs to the record: an old revision must not bring back an old status."""
    matter = world.matters["own"]
    lifecycle.change_state(matter, world.users["reviewer"], "suspend", "场地改造")
    draft = Matter.objects.get(pk=matter.pk).get_latest_revision_as_object()
    draft.name = "暂停期间的修改"
    draft.save_revision().publish()
    matter.refresh_from_db()
    assert matter.status == MatterStatus.SUSPENDED and matter.name == "暂停期间的修改"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("reviewer", True), ("sysadmin", True), ("owner", False), ("disclosure", False), ("owner_b", False)],
)
def test_who_may_suspend(client, world, role, allowed):
    matter = world.matters["own"]
    client.force_login(world.users[role])
    response = client.post(lifecycle_url(matter), {"action": "suspend", "reason": "办理系统升级"})
    matter.refresh_from_db()
    assert (matter.status == MatterStatus.SUSPENDED) is allowed
    if not allowed:
        assert response.status_code in (302, 403, 404)
        if role == "owner_b":
            assert response.status_code == 404


def test_suspend_resume_cancel_through_admin_with_reasons(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["reviewer"])
    response = client.post(lifecycle_url(matter), {"action": "suspend", "reason": ""})
    assert response.status_code == 200 and "必需字段" in response.content.decode()
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_FORCE

    for action, status in (("suspend", "suspended"), ("resume", "in_force"), ("cancel", "cancelled")):
        response = client.post(lifecycle_url(matter), {"action": action, "reason": f"{action} 的原因"})
        assert response.status_code == 302
        matter.refresh_from_db()
        assert matter.status == status
    entries = list(ModelLogEntry.objects.for_instance(matter).filter(action__startswith="matters.").order_by("pk"))
    assert [e.action for e in entries][-3:] == [lifecycle.SUSPEND, lifecycle.RESUME, lifecycle.CANCEL]
    assert all(e.user == world.users["reviewer"] for e in entries[-3:])
    assert entries[-1].data["reason"] == "cancel 的原因"

    # A cancelled matter has no further transitions: the page sends the user back with a message.
    response = client.get(lifecycle_url(matter))
    assert response.status_code == 302


def test_impossible_transition_is_refused_in_words(world):
    with pytest.raises(lifecycle.LifecycleError, match="不能恢复"):
        lifecycle.change_state(world.matters["own"], world.users["reviewer"], "resume", "误操作")
    with pytest.raises(lifecycle.LifecycleError, match="未生效的草稿可直接删除"):
        lifecycle.change_state(world.matters["own_draft"], world.users["reviewer"], "cancel", "不要了")


def test_cancelled_and_suspended_matters_are_not_public(client, world):
    lifecycle.change_state(world.matters["own"], world.users["reviewer"], "suspend", "暂停受理")
    names = {m["name"] for m in client.get("/api/v1/matters/").json()["results"]}
    assert "甲局在用事项" not in names and "乙局在用事项" in names


@pytest.fixture
def town(world):
    return DepartmentFactory(name="示范市甲镇人民政府", short_name="甲镇", level="town", parent=world.dept_a)


def test_delegate_creates_draft_record_at_lower_level(client, world, town):
    matter = world.matters["own"]
    client.force_login(world.users["reviewer"])
    response = client.post(
        lifecycle_url(matter), {"action": "delegate", "reason": "赋予乡镇审批权", "target_department": town.pk}
    )
    assert response.status_code == 302
    record = Matter.objects.get(department=town)
    assert record.source_matter == matter and record.delegation_kind == "delegated"
    assert record.status == MatterStatus.DRAFT and not record.live
    assert record.implementation_code.startswith(town.credit_code)
    assert record.power_source.key == "delegated"
    assert [m.name for m in record.materials.all()] == [m.name for m in matter.materials.all()]
    assert record.materials.first().pk != matter.materials.first().pk
    assert {t.key for t in record.exercise_levels.all()} == {"town"}
    # The town owns it: the city's reviewer cannot edit it; the upstream record stays in force.
    assert client.get(url("edit", record.pk)).status_code == 404
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_FORCE


def test_entrust_links_existing_record_and_sets_entrusting_department(world, town):
    matter = world.matters["own"]
    existing = MatterFactory(department=town, basic_code=matter.basic_code, draft=True)
    record = lifecycle.delegate(matter, world.users["reviewer"], town, "entrusted", "委托乡镇实施")
    assert record.pk == existing.pk and record.delegation_kind == "entrusted"
    assert Matter.objects.filter(department=town).count() == 1


def test_delegation_only_downwards(world):
    with pytest.raises(lifecycle.LifecycleError, match="只能下放或委托给更低层级的部门"):
        lifecycle.delegate(world.matters["own"], world.users["reviewer"], world.dept_b, "delegated", "平级")


def test_public_change_log(client, world, town):
    reviewer = world.users["reviewer"]
    matter = world.matters["own"]
    # A minor change does not enter the log; a major one does, with its public note.
    draft = matter.get_latest_revision_as_object()
    draft.name = "小改动"
    draft.save_revision(user=reviewer).publish(user=reviewer)
    draft = Matter.objects.get(pk=matter.pk).get_latest_revision_as_object()
    assert draft.change_significance == ChangeSignificance.MINOR and draft.change_note == ""
    draft.change_significance = ChangeSignificance.MAJOR
    draft.change_note = "承诺办结时限由10个工作日压缩至5个工作日"
    draft.promised_limit = 5
    draft.save_revision(user=reviewer).publish(user=reviewer)
    lifecycle.delegate(matter, reviewer, town, "delegated", "赋予乡镇审批权")
    lifecycle.change_state(world.matters["other"], world.users["sysadmin"], "cancel", "法律依据废止")

    entries = changelog.change_log()
    kinds = [(e.kind, e.matter.pk) for e in entries]
    assert ("变更", matter.pk) in kinds and ("下放", matter.pk) in kinds
    assert ("取消", world.matters["other"].pk) in kinds
    assert ("新增", matter.pk) in kinds
    assert sum(1 for k, pk in kinds if k == "变更" and pk == matter.pk) == 1  # the minor change is not listed
    change = next(e for e in entries if e.kind == "变更")
    assert change.note == "承诺办结时限由10个工作日压缩至5个工作日"
    assert next(e for e in entries if e.kind == "取消").note == "法律依据废止"
    assert not any(e.matter.pk == world.matters["own_draft"].pk for e in entries)
    assert [e.kind for e in changelog.change_log(kind="取消")] == ["取消"]


def test_major_change_needs_a_public_note(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["owner"])
    response = client.post(
        url("edit", matter.pk), matter_form_data(matter, change_significance="major", change_note="")
    )
    assert response.status_code == 200
    assert "重大变更必须填写公开的变更说明" in response.content.decode()


def test_planned_cancellation_date(world):
    from datetime import date
    from io import StringIO

    from django.core.management import call_command

    matter = world.matters["own"]
    Matter.objects.filter(pk=matter.pk).update(planned_cancel_date=date(2026, 1, 1))
    out = StringIO()
    call_command("cancel_due_matters", stdout=out)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CANCELLED
    assert "共取消 1 个事项" in out.getvalue()
    entry = ModelLogEntry.objects.for_instance(matter).get(action=lifecycle.CANCEL)
    assert entry.data["reason"] == "计划取消日期（2026-01-01）已到" and entry.user is None
    call_command("cancel_due_matters", stdout=StringIO())  # nothing more to do
    assert ModelLogEntry.objects.for_instance(matter).filter(action=lifecycle.CANCEL).count() == 1
