"""Halls, windows and notices in the admin: ownership follows the hall, matters are the
published ones of the departments present, notices go only to the department's own halls,
history names the user and revert respects the policy."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from halls.models import Hall, Notice, Window
from halls.viewsets import HallViewSet, WindowViewSet

from ..helpers import form_post_data
from ..matters.factories import MatterFactory
from .factories import HallFactory, NoticeFactory, WindowFactory

pytestmark = pytest.mark.django_db


def window_data(hall, **changes) -> dict:
    data = {
        "hall": hall.pk,
        "number": "B01",
        "name": "专业窗口",
        "kind": "departmental",
        "sort_order": 0,
        "is_open": "on",
        "change_reason": "新设窗口",
    }
    data.update(changes)
    return data


def test_window_department_follows_its_hall(client, hall_world):
    world = hall_world
    hall_a = world.records[("hall", "own")]
    client.force_login(world.users["owner"])
    response = client.post(reverse("hall-windows:add"), window_data(hall_a, department=world.dept_b.pk))
    assert response.status_code == 302
    window = Window.objects.get(hall=hall_a, number="B01")
    assert window.department == world.dept_a  # a posted department is ignored: the hall decides

    # The system administrator hands the hall to department B: its windows go with it.
    client.force_login(world.users["sysadmin"])
    data = form_post_data(HallViewSet().get_form_class()(instance=hall_a, for_user=world.users["sysadmin"]))
    data.update(department=world.dept_b.pk, change_reason="机构调整，移交乙局")
    assert client.post(reverse("halls:edit", args=[hall_a.pk]), data).status_code == 302
    window.refresh_from_db()
    assert window.department == world.dept_b
    assert window.history.first().history_change_reason == "随大厅移交示范市乙局"
    # ... and with them the rights: A's owner no longer sees the window, B's owner does.
    client.force_login(world.users["owner"])
    assert client.get(reverse("hall-windows:edit", args=[window.pk])).status_code == 404
    client.force_login(world.users["owner_b"])
    assert client.get(reverse("hall-windows:edit", args=[window.pk])).status_code == 200


def test_window_hall_choices_are_halls_the_user_may_change(client, hall_world):
    world = hall_world
    client.force_login(world.users["owner"])
    html = client.get(reverse("hall-windows:add")).content.decode()
    assert "甲局大厅" in html and "乙局大厅" not in html
    response = client.post(reverse("hall-windows:add"), window_data(world.records[("hall", "other")]))
    assert response.status_code == 200
    assert "您无权选择这一项" in response.content.decode()
    assert not Window.objects.filter(number="B01").exists()


def test_window_matters_are_published_matters_of_departments_present(client, hall_world):
    world = hall_world
    hall_a = world.records[("hall", "own")]
    live_b = MatterFactory(department=world.dept_b, name="乙局在用事项")
    draft_b = MatterFactory(department=world.dept_b, name="乙局草稿事项", draft=True)
    live_a = MatterFactory(department=world.dept_a, name="甲局在用事项")
    client.force_login(world.users["owner"])

    # A window with B stationed in it offers B's published matters only.
    window = WindowFactory(hall=hall_a, number="B01", name="综合窗口", comprehensive=True, departments=[world.dept_b])
    html = client.get(reverse("hall-windows:edit", args=[window.pk])).content.decode()
    assert "乙局在用事项" in html and "乙局草稿事项" not in html and "甲局在用事项" not in html

    data = window_data(hall_a, number="B02", departments=[world.dept_b.pk], matters=[live_b.pk])
    assert client.post(reverse("hall-windows:add"), data).status_code == 302
    created = Window.objects.get(number="B02")
    assert list(created.matters.all()) == [live_b]
    assert list(created.departments.all()) == [world.dept_b]

    for bad in (draft_b, live_a):
        data = window_data(hall_a, number="B03", departments=[world.dept_b.pk], matters=[bad.pk])
        response = client.post(reverse("hall-windows:add"), data)
        assert response.status_code == 200
        assert "不是所选进驻部门已发布的事项" in response.content.decode()
    assert not Window.objects.filter(number="B03").exists()


def test_closed_window_needs_a_reason(client, hall_world):
    world = hall_world
    client.force_login(world.users["owner"])
    data = window_data(world.records[("hall", "own")])
    data.pop("is_open")
    response = client.post(reverse("hall-windows:add"), data)
    assert response.status_code == 200
    assert "窗口暂停服务时请填写暂停说明" in response.content.decode()
    data["closed_reason"] = "设备检修，请到A01窗口办理。"
    assert client.post(reverse("hall-windows:add"), data).status_code == 302
    assert Window.objects.get(number="B01").is_open is False


def notice_data(world, department, halls, **changes) -> dict:
    now = timezone.localtime()
    data = {
        "title": "系统升级通知",
        "text": "系统升级期间暂停部分业务。",
        "level": "important",
        "department": department.pk,
        "halls": [h.pk for h in halls],
        "starts_at": now.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "is_active": "on",
        "change_reason": "发布公告",
    }
    data.update(changes)
    return data


def test_notice_for_another_departments_hall_is_refused(client, hall_world):
    world = hall_world
    hall_a, hall_b = world.records[("hall", "own")], world.records[("hall", "other")]
    client.force_login(world.users["owner"])
    html = client.get(reverse("hall-notices:add")).content.decode()
    assert "甲局大厅" in html and "乙局大厅" not in html
    response = client.post(reverse("hall-notices:add"), notice_data(world, world.dept_a, [hall_a, hall_b]))
    assert response.status_code == 200 and "您无权选择这一项" in response.content.decode()
    assert not Notice.objects.filter(title="系统升级通知").exists()

    # Even someone who may change every hall cannot post A's notice on B's hall.
    client.force_login(world.users["sysadmin"])
    response = client.post(reverse("hall-notices:add"), notice_data(world, world.dept_a, [hall_b]))
    assert response.status_code == 200
    assert "公告只能发布到所属部门（示范市甲局）管理的大厅" in response.content.decode()

    client.force_login(world.users["owner"])
    assert client.post(reverse("hall-notices:add"), notice_data(world, world.dept_a, [hall_a])).status_code == 302
    assert Notice.objects.get(title="系统升级通知").halls.get() == hall_a


def test_notice_validity_window(client, hall_world):
    world = hall_world
    client.force_login(world.users["owner"])
    hall_a = world.records[("hall", "own")]
    data = notice_data(world, world.dept_a, [hall_a])
    data["ends_at"] = data["starts_at"]
    response = client.post(reverse("hall-notices:add"), data)
    assert "结束显示时间必须晚于开始显示时间" in response.content.decode()


def test_notice_state_filter(client, hall_world):
    world = hall_world
    hall_a = world.records[("hall", "own")]
    now = timezone.now()
    day = datetime.timedelta(days=1)
    for title, starts, ends, active in [
        ("定时公告", now + day, None, True),
        ("过期公告", now - 3 * day, now - day, True),
        ("撤下公告", now - day, None, False),
    ]:
        NoticeFactory(
            department=world.dept_a,
            title=title,
            text="内容",
            starts_at=starts,
            ends_at=ends,
            is_active=active,
            halls=[hall_a],
        )
    client.force_login(world.users["owner"])
    expected = {
        "current": {"甲局公告"},
        "scheduled": {"定时公告"},
        "expired": {"过期公告"},
        "withdrawn": {"撤下公告"},
    }
    titles = {"甲局公告", "定时公告", "过期公告", "撤下公告"}
    for state, shown in expected.items():
        html = client.get(reverse("hall-notices:index"), {"state": state}).content.decode()
        assert {t for t in titles if t in html} == shown, state
    html = client.get(reverse("hall-notices:index")).content.decode()
    assert "显示中" in html and "未开始" in html and "已过期" in html and "已撤下" in html


def test_listings_filter_by_hall_and_open(client, hall_world):
    world = hall_world
    hall_a = world.records[("hall", "own")]
    second = HallFactory(
        department=world.dept_a, code="hall-a2", name="甲局分中心", county=True, address="地址", hours="全天"
    )
    WindowFactory(hall=second, number="X01", name="分中心窗口", kind="help", closed=True, closed_reason="检修")
    client.force_login(world.users["owner"])
    html = client.get(reverse("hall-windows:index"), {"hall": hall_a.pk}).content.decode()
    assert "甲局综合窗口" in html and "分中心窗口" not in html
    html = client.get(reverse("hall-windows:index"), {"is_open": "false"}).content.decode()
    assert "分中心窗口" in html and "甲局综合窗口" not in html and "暂停服务" in html
    html = client.get(reverse("halls:index"), {"level": "county"}).content.decode()
    assert "甲局分中心" in html and "甲局大厅" not in html


def test_hall_with_a_terminal_cannot_be_deleted(client, hall_world):
    world = hall_world
    hall_a = world.records[("hall", "own")]
    terminal = world.records[("terminal", "own")]
    terminal.hall = hall_a
    terminal.save()
    client.force_login(world.users["owner"])
    response = client.post(reverse("halls:delete", args=[hall_a.pk]), follow=True)
    assert Hall.objects.filter(pk=hall_a.pk).exists()
    assert "不能删除" in response.content.decode()


def test_history_records_user_reason_and_window_form_changes(client, hall_world):
    world = hall_world
    window = world.records[("window", "own")]
    user = world.users["reviewer"]
    client.force_login(user)
    data = form_post_data(WindowViewSet().get_form_class()(instance=window, for_user=user))
    data.update(name="改名后的窗口", change_reason="窗口职能调整")
    assert client.post(reverse("hall-windows:edit", args=[window.pk]), data).status_code == 302
    record = window.history.first()
    assert (record.name, record.history_user, record.history_change_reason) == ("改名后的窗口", user, "窗口职能调整")
    html = client.get(reverse("hall-windows:history", args=[window.pk])).content.decode()
    assert "窗口职能调整" in html and "reviewer_a" in html and "甲局综合窗口 → 改名后的窗口" in html


def test_revert_into_a_department_the_user_may_not_create_in_is_refused(client, hall_world):
    world = hall_world
    hall_b = world.records[("hall", "other")]
    first_version = hall_b.history.earliest()
    # The system administrator hands B's hall to A; A's owner may then manage it ...
    hall_b.department = world.dept_a
    hall_b._change_reason = "移交甲局"
    hall_b.save()
    client.force_login(world.users["owner"])
    revert = reverse("halls:history_revert", args=[hall_b.pk, first_version.history_id])
    assert client.get(revert).status_code == 200
    # ... but not put it back into B, where they may not create anything.
    response = client.post(revert, {"change_reason": "恢复"})
    assert response.status_code == 200
    assert "该版本属于您无权新建记录的部门" in response.content.decode()
    hall_b.refresh_from_db()
    assert hall_b.department == world.dept_a
    # The system administrator may.
    client.force_login(world.users["sysadmin"])
    assert client.post(revert, {"change_reason": "恢复"}).status_code == 302
    hall_b.refresh_from_db()
    assert hall_b.department == world.dept_b


def test_compare_and_revert_of_other_departments_record_are_404(client, hall_world):
    world = hall_world
    notice_b = world.records[("notice", "other")]
    version = notice_b.history.earliest()
    client.force_login(world.users["owner"])
    compare = reverse("hall-notices:history_compare", args=[notice_b.pk])
    assert client.get(compare, {"old": version.history_id}).status_code == 404
    revert = reverse("hall-notices:history_revert", args=[notice_b.pk, version.history_id])
    assert client.post(revert, {"change_reason": "x"}).status_code == 404


def test_window_staff_are_posted_from_the_window_staff_group_only(client, hall_world):
    from ..permissions.factories import UserFactory

    world = hall_world
    hall_a = world.records[("hall", "own")]
    clerk = UserFactory(username="clerk", first_name="婷", last_name="周", window_staff=True)
    plain = UserFactory(username="plain_user", first_name="无关", last_name="人员")
    client.force_login(world.users["owner"])
    html = client.get(reverse("hall-windows:add")).content.decode()
    assert "周婷（clerk）" in html or "婷 周（clerk）" in html
    assert "plain_user" not in html
    assert (
        client.post(reverse("hall-windows:add"), window_data(hall_a, number="C01", staff=[clerk.pk])).status_code == 302
    )
    assert list(Window.objects.get(number="C01").staff.all()) == [clerk]
    refused = client.post(reverse("hall-windows:add"), window_data(hall_a, number="C02", staff=[plain.pk]))
    assert refused.status_code == 200 and not Window.objects.filter(number="C02").exists()
