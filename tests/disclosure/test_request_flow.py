"""Requests for disclosure: every step, the statutory clock on the real calendar, rights, history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from cms.models import CalendarDay, CalendarYear
from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest
from disclosure.pii import keyed_hash
from permissions.policy import forget_cached_permissions, policy_for

from .requests_helpers import make_request

pytestmark = pytest.mark.django_db

D = datetime.date
FRI_BEFORE_NATIONAL_DAY = D(2025, 9, 26)


@pytest.fixture
def req(world):
    return make_request(world.dept_a, FRI_BEFORE_NATIONAL_DAY)


def test_due_date_is_20_working_days_across_national_day(world, req):
    # 9-28 (Sun) and 10-11 (Sat) are make-up working days, 10-1..10-8 holidays: day 20 is 10-30.
    assert req.due_date == D(2025, 10, 30)
    flow.register(req, world.users["owner"])
    req.refresh_from_db()
    assert req.status == "registered" and req.due_date == D(2025, 10, 30)


def test_received_date_corrected_at_registration(world, req):
    flow.register(req, world.users["owner"], received_date=D(2025, 9, 29))
    req.refresh_from_db()
    assert req.received_date == D(2025, 9, 29) and req.due_date == D(2025, 11, 3)


def test_consultation_pauses_the_clock(world, req):
    flow.register(req, world.users["owner"])
    flow.start_consultation(req, world.users["owner"], "示范市某某有限公司", D(2025, 10, 9))
    req.refresh_from_db()
    assert req.status == "consultation" and req.due_date is None
    flow.end_consultation(req, world.users["owner"], D(2025, 10, 16))
    req.refresh_from_db()
    # 10-10, 10-11 (make-up Saturday), 10-13..10-16: six working days not counted.
    assert req.paused_days == 6 and req.due_date == D(2025, 11, 7)


def test_amendment_stops_the_clock_and_restarts_it_from_the_amended_application(world, req):
    flow.register(req, world.users["owner"])
    flow.ask_amendment(req, world.users["owner"], "请写明文件名称或文号", D(2025, 10, 27), today=D(2025, 10, 13))
    req.refresh_from_db()
    assert req.status == "amendment" and req.due_date is None
    flow.receive_amendment(req, world.users["owner"], D(2025, 10, 20))
    req.refresh_from_db()
    assert req.status == "registered" and req.received_date == D(2025, 10, 20)
    assert req.due_date == D(2025, 11, 17)  # 20 working days from the amended application
    with pytest.raises(flow.FlowError, match="补正只能告知一次"):
        flow.ask_amendment(req, world.users["owner"], "再补正", D(2025, 11, 1), today=D(2025, 10, 21))


def test_amendment_must_be_asked_within_7_working_days(world, req):
    flow.register(req, world.users["owner"])
    # Day 7 after 9-26 is 10-13 (the holiday week does not count).
    with pytest.raises(flow.FlowError, match="2025年10月13日"):
        flow.ask_amendment(req, world.users["owner"], "请补正", D(2025, 10, 30), today=D(2025, 10, 14))


def test_no_amendment_in_time_ends_the_request_as_other_handling(world, req):
    flow.register(req, world.users["owner"])
    flow.ask_amendment(req, world.users["owner"], "请补正", D(2025, 10, 20), today=D(2025, 10, 9))
    flow.reply(req, world.users["owner"], "other", "no_amendment", "逾期未补正，不再处理。", D(2025, 10, 21))
    req.refresh_from_db()
    assert (req.status, req.reply_type, req.reply_subreason) == ("replied", "other", "no_amendment")


def test_extension_needs_a_reviewer_and_is_capped_at_20_working_days(world, req):
    flow.register(req, world.users["owner"])
    with pytest.raises(flow.FlowError, match="没有办理这件申请的权限"):
        flow.extend(req, world.users["owner"], 10, "王主任", "涉及多个部门")
    flow.extend(req, world.users["reviewer"], 15, "王主任", "涉及多个部门")
    with pytest.raises(flow.FlowError, match="还可延长5个工作日"):
        flow.extend(req, world.users["reviewer"], 6, "王主任", "再延")
    flow.extend(req, world.users["reviewer"], 5, "王主任", "档案调取")
    req.refresh_from_db()
    assert req.extension_days == 20 and req.due_date == D(2025, 11, 27)
    other = make_request(world.dept_a, D(2025, 9, 26))
    with pytest.raises(flow.FlowError, match="不能延期"):
        flow.extend(other, world.users["reviewer"], 1, "王主任", "理由")  # not registered yet
    flow.register(other, world.users["owner"])
    with pytest.raises(flow.FlowError, match="请填写批准人"):
        flow.extend(other, world.users["reviewer"], 1, " ", "理由")


@pytest.mark.parametrize(
    ("reply_type", "subreason", "message"),
    [
        ("refused", "", "须选择具体情形"),
        ("refused", "not_held", "须选择具体情形"),
        ("disclosed", "state_secret", "没有具体情形"),
        ("bogus", "", "请选择答复类型"),
    ],
)
def test_reply_uses_exactly_the_annual_report_taxonomy(world, req, reply_type, subreason, message):
    flow.register(req, world.users["owner"])
    with pytest.raises(flow.FlowError, match=message):
        flow.reply(req, world.users["owner"], reply_type, subreason, "答复书", D(2025, 10, 20))


def test_reply_then_close_and_every_step_is_in_the_history_with_the_user(world, req):
    owner, reviewer = world.users["owner"], world.users["reviewer"]
    flow.register(req, owner)
    flow.extend(req, reviewer, 5, "王主任", "需要调档")
    letter = flow.draft_letter(req, "refused", "process_info", D(2025, 10, 20))
    assert "第十六条第二款" in letter and "张三丰" in letter and req.tracking_code in letter
    flow.reply(req, owner, "refused", "process_info", letter, D(2025, 10, 20))
    flow.close(req, owner)
    req.refresh_from_db()
    assert req.status == "closed" and req.reply_date == D(2025, 10, 20)
    steps = list(req.history.order_by("history_date").values_list("history_change_reason", "history_user__username"))
    assert [reason.split("（")[0].split("：")[0] for reason, _ in steps[1:]] == [
        "登记",
        "延期5个工作日",
        "答复",
        "归档",
    ]
    assert [user for _, user in steps[1:]] == ["owner_a", "reviewer_a", "owner_a", "owner_a"]
    with pytest.raises(flow.FlowError, match="不能归档"):
        flow.close(req, owner)


def test_a_department_handles_only_requests_assigned_to_it(world, req):
    owner_b = world.users["owner_b"]
    with pytest.raises(flow.FlowError):
        flow.register(req, owner_b)
    policy = policy_for(DisclosureRequest)
    assert not policy.instances_user_has_any_permission_for(owner_b, ["view", "change"]).exists()
    flow.assign(req, world.users["disclosure"], world.dept_b, "信息由乙局掌握")
    req.refresh_from_db()
    assert req.department == world.dept_b
    assert list(policy.instances_user_has_any_permission_for(owner_b, ["change"])) == [req]
    assert not policy.instances_user_has_any_permission_for(world.users["owner"], ["view", "change"]).exists()
    forget_cached_permissions(owner_b)  # a new request would load the user afresh
    flow.register(req, owner_b)


def test_identity_and_phone_are_encrypted_at_rest_and_matched_by_keyed_hash(world, req):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_hash, phone_hash FROM disclosure_disclosurerequest")
        id_number, phone, id_hash, phone_hash = cursor.fetchone()
    assert "110101199003071234" not in id_number and "13812345678" not in phone
    assert phone_hash == keyed_hash("138 1234 5678") and id_hash == keyed_hash("110101199003071234")
    loaded = DisclosureRequest.objects.get(pk=req.pk)
    assert loaded.id_number == "110101199003071234"
    assert loaded.masked_id_number == "110***********1234" and loaded.masked_phone == "138****5678"
    history_columns = {f.name for f in DisclosureRequest.history.model._meta.fields}
    assert not {"id_number", "phone"} & history_columns


def test_on_time_rate_honours_pauses(world):
    on_time = make_request(world.dept_a, FRI_BEFORE_NATIONAL_DAY)
    flow.register(on_time, world.users["owner"])
    flow.start_consultation(on_time, world.users["owner"], "第三方", D(2025, 10, 9))
    flow.end_consultation(on_time, world.users["owner"], D(2025, 10, 16))
    flow.reply(on_time, world.users["owner"], "disclosed", "", "同意公开", D(2025, 11, 5))  # after 10-30, before 11-07
    late = make_request(world.dept_a, FRI_BEFORE_NATIONAL_DAY)
    flow.register(late, world.users["owner"])
    flow.reply(late, world.users["owner"], "disclosed", "", "同意公开", D(2025, 10, 31))
    other = make_request(world.dept_b, FRI_BEFORE_NATIONAL_DAY)
    flow.reply(other, world.users["disclosure"], "disclosed", "", "同意公开", D(2025, 10, 20))
    assert flow.on_time_rate(D(2025, 10, 1), D(2025, 12, 31), world.dept_a) == {"total": 2, "on_time": 1, "rate": 0.5}
    assert flow.on_time_rate(D(2025, 10, 1), D(2025, 12, 31))["total"] == 3
    assert flow.on_time_rate(D(2026, 1, 1), D(2026, 12, 31))["rate"] is None


def test_overdue_and_due_soon(world):
    overdue = make_request(world.dept_a, D(2025, 9, 26))
    soon = make_request(world.dept_a, D(2025, 11, 3))  # due 2025-12-01
    later = make_request(world.dept_a, D(2025, 11, 20))
    late_list, soon_list = flow.due_soon_and_overdue(DisclosureRequest.objects.all(), today=D(2025, 11, 27))
    assert list(late_list) == [overdue] and list(soon_list) == [soon] and later not in soon_list


def test_uncovered_year_leaves_the_due_date_open_until_the_calendar_is_entered(
    world, django_capture_on_commit_callbacks
):
    req = make_request(world.dept_a, D(2026, 12, 15))  # day 20 falls in 2027, which the calendar does not know
    assert req.due_date is None
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
        CalendarYear.objects.create(year=2027, is_complete=True, source="国办发明电〔2026〕X号（测试）")
    req.refresh_from_db()
    assert req.due_date == D(2027, 1, 13)  # 2026-12-16..31 = 12 working days, then 1-4..1-13 skipping 1-1
