"""Requests for disclosure: every step and the statutory clock, by the letter of 《政府信息公开条例》.

Dates come from the official 2025 and 2026 schedules (国办发明电〔2024〕12号, 国办发明电〔2025〕7号):
2025 清明 4-4..4-6, 国庆/中秋 10-1..10-8 with make-up days 9-28 (Sun) and 10-11 (Sat); 2026 元旦
1-1..1-3. 2027 is not announced when these tests were written: its dates are estimated (预计).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from core.pii import keyed_hash
from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest
from disclosure.request_models import Consultation, Letter
from permissions.policy import forget_cached_permissions, policy_for

from .factories import DisclosureRequestFactory

pytestmark = pytest.mark.django_db

D = datetime.date
FRI_BEFORE_NATIONAL_DAY = D(2025, 9, 26)
NOTE = "据纸质办理记录补录"


@pytest.fixture
def on_day(monkeypatch):
    """Pretend today is another day (the flow refuses dates after today)."""
    original = timezone.localdate

    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, tz=None: day if value is None else original(value, tz)
        )

    return set_today


@pytest.fixture
def req(world):
    return DisclosureRequestFactory(department=world.dept_a, received=FRI_BEFORE_NATIONAL_DAY)


def reload(request: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.get(pk=request.pk)


# ---- art. 31: the receipt date depends on the channel ----------------------------------------


@pytest.mark.parametrize(
    ("channel", "arrived", "received", "due"),
    [
        # Handed in at the hall on Saturday 8 March 2025: received that day (art. 31(1)).
        ("in_person", D(2025, 3, 8), D(2025, 3, 8), D(2025, 4, 7)),
        # The same day online: confirmed on the next working day, Monday 10 March (art. 31(3)).
        ("online", D(2025, 3, 8), D(2025, 3, 10), D(2025, 4, 8)),
        ("kiosk", D(2025, 3, 8), D(2025, 3, 10), D(2025, 4, 8)),
        ("fax", D(2025, 3, 8), D(2025, 3, 10), D(2025, 4, 8)),
        # Handed in during the National Day holiday: received that day, due 4 November.
        ("in_person", D(2025, 10, 4), D(2025, 10, 4), D(2025, 11, 4)),
        ("online", D(2025, 10, 4), D(2025, 10, 9), D(2025, 11, 5)),
        # A letter signed for on a Sunday counts from the next working day (art. 31(2)).
        ("post", D(2025, 3, 9), D(2025, 3, 10), D(2025, 4, 8)),
        # Ordinary mail: the day it was confirmed with the applicant, as entered.
        ("ordinary_mail", D(2025, 3, 8), D(2025, 3, 8), D(2025, 4, 7)),
        # A working day is the receipt day whatever the channel.
        ("online", D(2025, 3, 7), D(2025, 3, 7), D(2025, 4, 7)),
    ],
)
def test_receipt_and_due_date_by_channel(world, channel, arrived, received, due):
    request = DisclosureRequestFactory(department=world.dept_a, received=arrived, channel=channel)
    assert (request.received_date, request.due_date) == (received, due)
    assert not request.received_provisional and not request.due_provisional
    assert reload(request).received_date == received


def test_due_date_is_20_working_days_across_national_day(world, req):
    # 9-28 (Sun) and 10-11 (Sat) are make-up working days, 10-1..10-8 holidays: day 20 is 10-30.
    assert req.due_date == D(2025, 10, 30)
    flow.register(req, world.users["owner"])
    assert reload(req).status == "registered" and reload(req).due_date == D(2025, 10, 30)


def test_the_arrival_date_corrected_at_registration_moves_the_receipt(world):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26), by_post=True)
    flow.register(request, world.users["owner"], arrived_date=D(2025, 9, 27), note="签收单日期为27日")
    request = reload(request)
    # Signed for on Saturday 27 September: received on the make-up Sunday 28 September.
    assert request.arrived_date == D(2025, 9, 27) and request.received_date == D(2025, 9, 28)
    assert "签收日期更正为 2025-09-27" in request.history.first().history_change_reason


def test_a_receipt_date_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(flow.FlowError, match="递交日期不能晚于今天"):
        DisclosureRequestFactory(department=world.dept_a, received=tomorrow)
    assert not DisclosureRequest.objects.exists()


# ---- art. 30: amendment ---------------------------------------------------------------------


def test_amendment_stops_the_clock_and_restarts_it_from_the_amended_application(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.ask_amendment(req, owner, "请写明文件名称或文号", D(2025, 10, 27), today=D(2025, 10, 13))
    request = reload(req)
    assert request.status == "amendment" and request.due_date is None
    letter = Letter.objects.get(request=req, kind="amendment")
    assert "请写明文件名称或文号" in letter.body and "2025年10月27日" in letter.body
    flow.receive_amendment(req, owner, D(2025, 10, 20))
    request = reload(req)
    assert request.status == "registered" and request.amendment_received == D(2025, 10, 20)
    assert request.received_date == FRI_BEFORE_NATIONAL_DAY  # the receipt itself stays (annual report)
    assert request.due_date == D(2025, 11, 17)  # 20 working days from the amended application
    with pytest.raises(flow.FlowError, match="补正只能告知一次"):
        flow.ask_amendment(req, owner, "再补正", D(2025, 11, 1), today=D(2025, 10, 21))


def test_amendment_must_be_asked_within_7_working_days(world, req):
    flow.register(req, world.users["owner"])
    # Day 7 after 9-26 is 10-13 (the holiday week does not count).
    with pytest.raises(flow.FlowError, match="2025年10月13日"):
        flow.ask_amendment(req, world.users["owner"], "请补正", D(2025, 10, 30), today=D(2025, 10, 14))
    flow.ask_amendment(req, world.users["owner"], "请补正", D(2025, 10, 30), today=D(2025, 10, 13))


def test_an_amendment_certainly_inside_the_7_days_is_allowed_before_next_years_schedule(world, on_day):
    """Received Monday 2026-12-28, asked on 12-29: day 1 of 7, whatever 2027 brings."""
    on_day(D(2026, 12, 29))
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2026, 12, 28))
    assert request.due_provisional  # day 20 falls in 2027
    flow.ask_amendment(request, world.users["owner"], "请补正", D(2027, 1, 15))
    assert reload(request).status == "amendment"


def test_a_late_amendment_needs_a_reason_and_no_amendment_ends_the_request(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.ask_amendment(req, owner, "请补正", D(2025, 10, 20), today=D(2025, 10, 9))
    with pytest.raises(flow.FlowError, match="补正期限（2025年10月20日）尚未届满"):
        flow.reply(req, owner, "other", "no_amendment", "逾期未补正，不再处理。", D(2025, 10, 20), NOTE)
    with pytest.raises(flow.FlowError, match="正当理由"):
        flow.receive_amendment(req, owner, D(2025, 10, 22))
    flow.reply(req, owner, "other", "no_amendment", "逾期未补正，不再处理。", D(2025, 10, 21), NOTE)
    request = reload(req)
    assert (request.status, request.reply_type, request.reply_subreason) == ("replied", "other", "no_amendment")


# ---- art. 32: third-party consultation ------------------------------------------------------


def test_consultation_pauses_the_clock_and_the_third_party_has_15_working_days(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.start_consultation(req, owner, "示范市某某有限公司", D(2025, 10, 9))
    request = reload(req)
    assert request.status == "consultation" and request.due_date is None
    consultation = Consultation.objects.get(request=req)
    assert consultation.deadline == D(2025, 10, 29)  # 15 working days from 10-9 (10-11 is worked)
    letter = consultation.letter
    assert letter.kind == "consultation" and letter.recipient == "示范市某某有限公司"
    assert "张三丰" not in letter.body and "2025年10月29日" in letter.body  # no applicant's name to a third party
    done = flow.end_consultation(req, owner, D(2025, 10, 16), "objected")
    request = reload(req)
    # 10-10, 10-11 (make-up Saturday), 10-13..10-16: six working days not counted.
    assert request.paused_days == 6 and request.due_date == D(2025, 11, 7)
    assert "6 个工作日" in done.flow_note
    assert Consultation.objects.get(request=req).outcome == "objected"


def test_a_consultation_started_after_the_due_date_excludes_nothing(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.start_consultation(req, owner, "第三方", D(2025, 11, 3))  # due 10-30
    assert "不再从期限中扣除" in reload(req).history.first().history_change_reason
    flow.end_consultation(req, owner, D(2025, 11, 14))
    request = reload(req)
    assert request.paused_days == 0 and request.due_date == D(2025, 10, 30)


def test_only_15_working_days_of_a_consultation_are_excluded(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.start_consultation(req, owner, "第三方", D(2025, 10, 9))
    with pytest.raises(flow.FlowError, match="尚未届满"):
        flow.end_consultation(req, owner, D(2025, 10, 29), "no_answer")
    flow.end_consultation(req, owner, D(2025, 11, 20), "no_answer")  # 29 working days later
    request = reload(req)
    assert request.paused_days == 15 and request.due_date == D(2025, 11, 20)


@override_settings(DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS=5)
def test_the_cap_on_excluded_days_is_a_setting(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    flow.start_consultation(req, owner, "第三方", D(2025, 10, 9))
    flow.end_consultation(req, owner, D(2025, 10, 16))
    assert reload(req).paused_days == 5


# ---- art. 33: extension ---------------------------------------------------------------------


def test_extension_needs_the_approver_before_the_period_ends_and_is_capped_at_20_days(world, req):
    owner, reviewer = world.users["owner"], world.users["reviewer"]
    flow.register(req, owner)
    with pytest.raises(flow.FlowError, match="没有办理这件申请的权限"):
        flow.extend(req, owner, 10, "王主任", "涉及多个部门", D(2025, 10, 20), NOTE)
    flow.extend(req, reviewer, 15, "王主任", "涉及多个部门", D(2025, 10, 20), NOTE)
    request = reload(req)
    assert request.extension_days == 15 and request.extension_approved_on == D(2025, 10, 20)
    assert request.due_date == D(2025, 11, 20)
    letter = Letter.objects.get(request=req, kind="extension")
    assert "延长15个工作日" in letter.body and "2025年11月20日" in letter.body
    with pytest.raises(flow.FlowError, match="还可延长5个工作日"):
        flow.extend(req, reviewer, 6, "王主任", "再延", D(2025, 10, 21), NOTE)
    flow.extend(req, reviewer, 5, "王主任", "档案调取", D(2025, 11, 20), NOTE)  # on the last day: allowed
    assert reload(req).due_date == D(2025, 11, 27)


def test_an_expired_period_cannot_be_extended(world, req):
    flow.register(req, world.users["owner"])
    with pytest.raises(flow.FlowError, match="2025年10月30日届满，期限届满后不能再延长"):
        flow.extend(req, world.users["reviewer"], 10, "王主任", "理由", D(2025, 10, 31), NOTE)
    request = reload(req)
    assert request.extension_days == 0 and request.due_date == D(2025, 10, 30)
    assert not Letter.objects.filter(request=req).exists()


def test_a_backdated_approval_needs_a_reason_and_other_bad_input_is_refused(world, req):
    reviewer = world.users["reviewer"]
    flow.register(req, world.users["owner"])
    with pytest.raises(flow.FlowError, match="补记原因"):
        flow.extend(req, reviewer, 5, "王主任", "理由", D(2025, 10, 20))
    with pytest.raises(flow.FlowError, match="请填写批准人"):
        flow.extend(req, reviewer, 1, " ", "理由", D(2025, 10, 20), NOTE)
    with pytest.raises(flow.FlowError, match="最长20个工作日"):
        flow.extend(req, reviewer, 21, "王主任", "理由", D(2025, 10, 20), NOTE)
    future = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(flow.FlowError, match="不能晚于今天"):
        flow.extend(req, reviewer, 5, "王主任", "理由", future)
    other = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    with pytest.raises(flow.FlowError, match="不能延期"):
        flow.extend(other, reviewer, 1, "王主任", "理由", D(2025, 10, 20), NOTE)  # not registered yet
    assert reload(req).extension_days == 0


# ---- the reply ------------------------------------------------------------------------------


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
        flow.reply(req, world.users["owner"], reply_type, subreason, "答复书", D(2025, 10, 20), NOTE)


def test_a_backdated_reply_needs_a_reason_kept_in_the_history(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    with pytest.raises(flow.FlowError, match="答复日期（2025年10月20日）早于今天，请填写补记原因"):
        flow.reply(req, owner, "disclosed", "", "同意公开", D(2025, 10, 20))
    flow.reply(req, owner, "disclosed", "", "同意公开", D(2025, 10, 20), "系统故障，当日纸质送达")
    assert "补记原因：系统故障，当日纸质送达" in reload(req).history.first().history_change_reason


def test_reply_then_close_and_every_step_is_in_the_history_with_the_user(world, req):
    owner, reviewer = world.users["owner"], world.users["reviewer"]
    flow.register(req, owner)
    flow.extend(req, reviewer, 5, "王主任", "需要调档", D(2025, 10, 20), NOTE)
    letter = flow.draft_letter(req, "refused", "process_info", D(2025, 10, 20))
    assert "第十六条第二款" in letter and "张三丰" in letter and req.tracking_code in letter
    flow.reply(req, owner, "refused", "process_info", letter, D(2025, 10, 20), NOTE)
    flow.close(req, owner)
    request = reload(req)
    assert request.status == "closed" and request.reply_date == D(2025, 10, 20)
    reply = Letter.objects.get(request=req, kind="reply")
    assert reply.body == letter and reply.issued_on == D(2025, 10, 20)
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


def test_a_reply_certainly_inside_the_period_is_on_time_whatever_the_new_year_brings(
    world, on_day, client, django_capture_on_commit_callbacks
):
    on_day(D(2027, 1, 13))
    # day 20 estimated in January 2027
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2026, 12, 21))
    assert request.due_provisional
    flow.reply(request, world.users["owner"], "disclosed", "", "同意公开", D(2027, 1, 5), NOTE)  # day 14
    rate = flow.on_time_rate(D(2027, 1, 1), D(2027, 1, 31), world.dept_a)
    assert rate["on_time"] == 1 and rate["provisional"]
    # The notice gives 1-4 January off as well and a make-up Saturday: the due date moves, still on time.
    client.force_login(world.users["sysadmin"])
    from tests.workdays.test_workdays import NOTICE_2027

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/calendar-entry/", {**NOTICE_2027, "new_year_off": "1月1日至4日"})
    assert response.status_code == 302
    request = reload(request)
    assert not request.due_provisional and request.reply_date <= request.due_date
    assert "工作日历变化，重新计算" in request.history.first().history_change_reason


# ---- 2027 and the recomputation of every request --------------------------------------------


def test_an_online_request_on_new_years_day_2027_is_received_on_the_estimated_next_working_day(
    world, on_day, client, django_capture_on_commit_callbacks
):
    on_day(D(2027, 1, 1))
    online = DisclosureRequestFactory(department=world.dept_a, received=D(2027, 1, 1), online=True)
    assert (online.received_date, online.received_provisional) == (D(2027, 1, 4), True)
    assert online.due_provisional and online.due_date == D(2027, 2, 1)
    # handed in: that day, whatever the calendar
    hall = DisclosureRequestFactory(department=world.dept_a, received=D(2027, 1, 1))
    assert (hall.received_date, hall.received_provisional) == (D(2027, 1, 1), False)
    closed = DisclosureRequestFactory(department=world.dept_a, received=D(2026, 12, 18))
    flow.reply(closed, world.users["owner"], "disclosed", "", "同意公开", D(2027, 1, 1))
    flow.close(closed, world.users["owner"])
    on_day(D(2027, 1, 20))
    client.force_login(world.users["disclosure"])
    from tests.workdays.test_workdays import NOTICE_2027

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/calendar-entry/", {**NOTICE_2027, "new_year_off": "1月1日至4日"})
    assert response.status_code == 302
    online, closed = reload(online), reload(closed)
    assert (online.received_date, online.received_provisional) == (D(2027, 1, 5), False)
    assert not online.due_provisional and online.due_date == D(2027, 2, 2)
    assert not closed.due_provisional and closed.status == "closed"
    reason = online.history.first().history_change_reason
    assert "收到申请日期由2027-01-04改为2027-01-05" in reason


# ---- withdrawal and merging -----------------------------------------------------------------


def test_withdrawal_ends_the_request_without_a_reply(world, req):
    owner = world.users["owner"]
    flow.register(req, owner)
    with pytest.raises(flow.FlowError, match="请填写撤回说明"):
        flow.withdraw(req, owner, D(2025, 10, 10), "")
    flow.withdraw(req, owner, D(2025, 10, 10), "申请人书面撤回")
    request = reload(req)
    assert (request.status, request.withdrawn_on, request.reply_type) == ("withdrawn", D(2025, 10, 10), "")
    assert not Letter.objects.filter(request=req, kind="reply").exists()
    with pytest.raises(flow.FlowError, match="不能作出"):
        flow.reply(req, owner, "disclosed", "", "x", D(2025, 10, 11), NOTE)
    flow.close(req, owner)


def test_merging_identical_requests_of_one_applicant(world, req):
    owner = world.users["owner"]
    duplicate = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 29), online=True)
    stranger = DisclosureRequestFactory(
        department=world.dept_a, received=D(2025, 9, 29), id_number="110101199001011237"
    )
    other_agency = DisclosureRequestFactory(department=world.dept_b, received=D(2025, 9, 29))
    with pytest.raises(flow.FlowError, match="同一申请人"):
        flow.merge(stranger, owner, req, "内容相同", D(2025, 9, 30))
    with pytest.raises(flow.FlowError, match="同一机关"):
        flow.merge(other_agency, world.users["disclosure"], req, "内容相同", D(2025, 9, 30))
    with pytest.raises(flow.FlowError, match="自身"):
        flow.merge(req, owner, req, "内容相同", D(2025, 9, 30))
    flow.merge(duplicate, owner, req, "与9月26日当面提交的申请相同", D(2025, 9, 30))
    duplicate = reload(duplicate)
    assert duplicate.status == "merged" and duplicate.merged_into_id == req.pk
    assert req.tracking_code in Letter.objects.get(request=duplicate, kind="merge").body
    flow.reply(req, owner, "disclosed", "", "同意公开", D(2025, 10, 20), NOTE)
    third = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 10, 21))
    with pytest.raises(flow.FlowError, match="重复申请"):
        flow.merge(third, owner, req, "内容相同", D(2025, 10, 22))


# ---- rights, personal data, lists -----------------------------------------------------------


def test_a_department_handles_only_requests_assigned_to_it(world, req):
    owner_b = world.users["owner_b"]
    with pytest.raises(flow.FlowError):
        flow.register(req, owner_b)
    policy = policy_for(DisclosureRequest)
    assert not policy.instances_user_has_any_permission_for(owner_b, ["view", "change"]).exists()
    flow.assign(req, world.users["disclosure"], world.dept_b, "信息由乙局掌握")
    assert reload(req).department == world.dept_b
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
    owner = world.users["owner"]
    on_time = DisclosureRequestFactory(department=world.dept_a, received=FRI_BEFORE_NATIONAL_DAY)
    flow.register(on_time, owner)
    flow.start_consultation(on_time, owner, "第三方", D(2025, 10, 9))
    flow.end_consultation(on_time, owner, D(2025, 10, 16))
    flow.reply(on_time, owner, "disclosed", "", "同意公开", D(2025, 11, 5), NOTE)  # after 10-30, before 11-07
    late = DisclosureRequestFactory(department=world.dept_a, received=FRI_BEFORE_NATIONAL_DAY)
    flow.register(late, owner)
    flow.reply(late, owner, "disclosed", "", "同意公开", D(2025, 10, 31), NOTE)
    withdrawn = DisclosureRequestFactory(department=world.dept_a, received=FRI_BEFORE_NATIONAL_DAY)
    flow.withdraw(withdrawn, owner, D(2025, 10, 31), "撤回")
    other = DisclosureRequestFactory(department=world.dept_b, received=FRI_BEFORE_NATIONAL_DAY)
    flow.reply(other, world.users["disclosure"], "disclosed", "", "同意公开", D(2025, 10, 20), NOTE)
    rate = flow.on_time_rate(D(2025, 10, 1), D(2025, 12, 31), world.dept_a)
    assert (rate["total"], rate["on_time"], rate["rate"]) == (2, 1, 0.5)
    assert flow.on_time_rate(D(2025, 10, 1), D(2025, 12, 31))["total"] == 3
    assert flow.on_time_rate(D(2026, 1, 1), D(2026, 12, 31))["rate"] is None


def test_overdue_and_due_soon_include_third_party_and_amendment_deadlines(world):
    owner = world.users["owner"]
    overdue = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))  # due 10-30
    soon = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 11, 3))  # due 2025-12-01
    later = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 11, 20))
    consulting = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 10, 20))
    flow.register(consulting, owner)
    flow.start_consultation(consulting, owner, "第三方", D(2025, 10, 27))  # answers by 11-17
    amending = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 11, 3))
    flow.ask_amendment(amending, owner, "请补正", D(2025, 11, 24), today=D(2025, 11, 4))
    waiting = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 11, 10))
    flow.ask_amendment(waiting, owner, "请补正", D(2025, 12, 1), today=D(2025, 11, 11))
    late_list, soon_list = flow.due_soon_and_overdue(DisclosureRequest.objects.all(), today=D(2025, 11, 27))
    assert [r.pk for r in late_list] == [overdue.pk, consulting.pk, amending.pk]
    assert [(r.pk, r.action_deadline) for r in late_list] == [
        (overdue.pk, D(2025, 10, 30)),
        (consulting.pk, D(2025, 11, 17)),
        (amending.pk, D(2025, 11, 24)),
    ]
    assert [r.pk for r in soon_list] == [soon.pk, waiting.pk] and later.pk not in [r.pk for r in soon_list]
