"""The state machine and the clock of cases (《行政许可法》 arts. 32, 42, 45, 82), through ``cases.flow``."""

from __future__ import annotations

import datetime

import pytest

from cases import clock, flow
from cases.models import Case, CaseState, CaseStep, Light, NoticeStatus

from .factories import CaseFactory, applicant, at, take

D = datetime.date
pytestmark = pytest.mark.django_db


def test_accepted_case_is_due_after_its_promised_working_days_across_a_holiday_and_a_make_up_day(case_world):
    """Accepted Wed 2026-09-30 with 3 promised days: 国庆 1–7 Oct are not counted, the make-up
    Saturday 10 Oct is: day 1 = Thu 8 Oct, day 2 = Fri 9 Oct, day 3 = Sat 10 Oct."""
    matter = case_world.matters["promised"]
    matter.promised_limit = 3
    matter.save()
    case = CaseFactory(matter=matter, applied_on=D(2026, 9, 29), accepted_on=D(2026, 9, 30))
    assert case.state == CaseState.ACCEPTED and case.accepted_on == D(2026, 9, 30)
    assert case.due_date == D(2026, 10, 10) and case.promised_limit == 3
    assert not case.due_provisional


@pytest.mark.parametrize(
    ("completed", "used", "on_time", "early"),
    [
        (D(2026, 10, 9), 2, True, True),  # the day before the due date
        (D(2026, 10, 10), 3, True, False),  # on the due date (a make-up Saturday)
        (D(2026, 10, 12), 4, False, False),  # the working day after
    ],
)
def test_days_used_count_working_days_after_acceptance(case_world, completed, used, on_time, early):
    matter = case_world.matters["promised"]
    matter.promised_limit = 3
    matter.save()
    case = CaseFactory(matter=matter, accepted_on=D(2026, 9, 30))
    case = take(case, "handle", on=D(2026, 10, 8))
    case = take(case, "approve", on=completed)
    assert case.state == CaseState.APPROVED and case.completed_on == completed
    assert case.used_days == used
    assert (case.completed_on <= case.due_date) is on_time
    assert (case.completed_on < case.due_date) is early
    assert not case.on_the_spot


def test_matter_changes_do_not_move_a_running_clock(case_world):
    matter = case_world.matters["promised"]
    case = CaseFactory(matter=matter, accepted_on=D(2026, 11, 2))
    due = case.due_date
    matter.promised_limit = 1
    matter.save()
    case = take(case, "handle", on=D(2026, 11, 3))
    assert case.promised_limit == 10 and case.due_date == due == D(2026, 11, 16)


def test_immediate_case_is_accepted_and_completed_in_one_step(case_world):
    case = CaseFactory(matter=case_world.matters["immediate"], applied_on=D(2026, 11, 5))
    case = take(case, "complete_now", on=D(2026, 11, 5))
    assert case.state == CaseState.APPROVED and case.immediate
    assert case.accepted_on == case.completed_on == case.due_date == D(2026, 11, 5)
    assert case.on_the_spot and case.used_days == 0
    assert list(case.steps.values_list("action", flat=True)) == ["apply", "complete_now"]


def test_completing_on_the_spot_is_refused_after_the_acceptance_day(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    with pytest.raises(flow.CaseError, match="受理当日"):
        take(case, "complete_now", on=D(2026, 11, 3))
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_amendment_names_every_defect_at_once_and_the_clock_starts_at_acceptance_of_the_amended_application(
    case_world,
):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    case = take(case, "amend", on=D(2026, 11, 3), defects={0: "申请表未签字", 1: "身份证复印件不清晰"})
    assert case.state == CaseState.AMENDMENT and case.amendments == 1 and case.due_date is None
    notice = case.notices.get(kind="amendment")
    assert "申请表：申请表未签字" in notice.body and "居民身份证：身份证复印件不清晰" in notice.body
    assert set(case.materials.values_list("received", flat=True)) == {False}
    with pytest.raises(flow.CaseError, match="待补正"):
        take(case, "approve", on=D(2026, 11, 4))
    case = take(case, "resubmit", on=D(2026, 11, 9))
    assert case.state == CaseState.PREREVIEW
    assert set(case.materials.values_list("received", flat=True)) == {True}
    with pytest.raises(flow.CaseError, match="一次性告知"):
        take(case, "amend", on=D(2026, 11, 9), defects={0: "又发现问题"})
    case = take(case, "accept", on=D(2026, 11, 10))
    assert case.accepted_on == D(2026, 11, 10) and case.due_date == D(2026, 11, 24)


def test_amendment_without_any_defect_is_refused(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    with pytest.raises(flow.CaseError) as refused:
        take(case, "amend", on=D(2026, 11, 3))
    assert refused.value.field == "defects"
    with pytest.raises(flow.CaseError, match="材料序号 7"):
        take(case, "amend", on=D(2026, 11, 3), defects={7: "x"})
    assert Case.objects.get(pk=case.pk).state == CaseState.APPLIED


def test_amendment_within_five_working_days_and_not_after(case_world):
    """Received Thu 24 Sep 2026: 中秋 (Fri 25 Sep) and 国庆 (1–7 Oct) are not counted, so the five
    working days are 28, 29, 30 Sep, 8 and 9 Oct; Sat 10 Oct (a make-up day) is the day after."""
    matter = case_world.matters["promised"]
    late = CaseFactory(matter=matter, applied_on=D(2026, 9, 24))
    assert clock.amendment_last_day(late) == D(2026, 10, 9)
    with pytest.raises(flow.CaseError, match="五个工作日内") as refused:
        take(late, "amend", on=D(2026, 10, 10), defects={0: "未签字"})
    assert refused.value.field == "on"
    in_time = CaseFactory(matter=matter, applied_on=D(2026, 9, 24))
    assert take(in_time, "amend", on=D(2026, 10, 9), defects={0: "未签字"}).state == CaseState.AMENDMENT


def test_acceptance_after_the_amendment_window_counts_from_receipt(case_world):
    """逾期不告知的，自收到申请材料之日起即为受理 (art. 32(4)): the clock runs from receipt."""
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    case = take(case, "accept", on=D(2026, 11, 10))
    assert case.accepted_on == D(2026, 11, 2) and case.due_date == D(2026, 11, 16)
    assert "视为受理" in case.steps.get(action="accept").note
    on_time = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    assert take(on_time, "accept", on=D(2026, 11, 9)).accepted_on == D(2026, 11, 9)


def test_online_application_on_a_holiday_is_received_on_the_next_working_day(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], channel="online", applied_on=D(2026, 10, 3))
    assert clock.received_on(case) == D(2026, 10, 8)
    assert clock.amendment_last_day(case) == D(2026, 10, 14)  # 9, 10 (a make-up Saturday), 12, 13, 14


def test_special_procedures_are_not_counted(case_world):
    """Accepted Mon 2 Nov, 10 days → 16 Nov; an expert review Wed 4 – Fri 6 Nov adds 3 → 19 Nov."""
    case = CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    case = take(case, "handle", on=D(2026, 11, 3))
    case = take(case, "special_start", on=D(2026, 11, 4), special_kind="expert_review", note="组织专家评审")
    assert case.state == CaseState.SPECIAL and case.light == Light.NONE
    with pytest.raises(flow.CaseError, match="不能进行“办结（准予）”"):
        take(case, "approve", on=D(2026, 11, 5))
    case = take(case, "special_end", on=D(2026, 11, 6))
    assert case.special_days == 3 and case.due_date == D(2026, 11, 19)
    procedure = case.special_procedures.get()
    assert (procedure.kind, procedure.started_on, procedure.ended_on) == (
        "expert_review",
        D(2026, 11, 4),
        D(2026, 11, 6),
    )
    case = take(case, "approve", on=D(2026, 11, 18))
    assert case.used_days == 9 and case.completed_on < case.due_date
    assert "第四十五条" in case.notices.get(kind="special").body


def test_special_procedure_needs_its_kind(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    with pytest.raises(flow.CaseError) as refused:
        take(case, "special_start", on=D(2026, 11, 3), special_kind="lunch")
    assert refused.value.field == "special_kind"
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED and not case.special_procedures.exists()


def test_due_date_in_a_year_the_calendar_does_not_know_is_provisional(case_world):
    matter = case_world.matters["promised"]
    matter.promised_limit = 30
    matter.save()
    case = CaseFactory(matter=matter, accepted_on=D(2026, 12, 1))
    assert case.due_date.year == 2027 and case.due_provisional


@pytest.mark.parametrize(
    ("steps", "action", "state"),
    [
        ([], "approve", CaseState.APPLIED),
        ([], "deliver", CaseState.APPLIED),
        ([], "special_end", CaseState.APPLIED),
        (["accept"], "accept", CaseState.ACCEPTED),
        (["accept"], "amend", CaseState.ACCEPTED),
        (["accept"], "reject", CaseState.ACCEPTED),
        (["accept", "approve"], "withdraw", CaseState.APPROVED),
        (["accept", "approve", "deliver"], "approve", CaseState.DELIVERED),
        (["reject"], "accept", CaseState.REJECTED),
        (["withdraw"], "accept", CaseState.WITHDRAWN),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(case_world, steps, action, state):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    for name in steps:
        case = take(case, name, on=D(2026, 11, 3), note="理由")
    before = (case.revision, case.steps.count(), case.notices.count())
    with pytest.raises(flow.CaseError) as refused:
        take(case, action, on=D(2026, 11, 4), note="理由")
    assert refused.value.field == "action" and state.label in refused.value.message
    after = Case.objects.get(pk=case.pk)
    assert after.state == state
    assert (after.revision, after.steps.count(), after.notices.count()) == before


def test_reasons_are_required_where_the_applicant_must_be_told_why(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    for action in ("reject", "withdraw"):
        with pytest.raises(flow.CaseError, match="须写明理由"):
            take(case, action, on=D(2026, 11, 3))
    with pytest.raises(flow.CaseError, match="不能超过500个字"):
        take(case, "reject", on=D(2026, 11, 3), note="长" * 501)
    case = take(case, "reject", on=D(2026, 11, 3), note="不属于本机关职权范围")
    assert case.closed_on == D(2026, 11, 3) and "行政复议" in case.notices.get(kind="rejected").body


def test_acceptance_needs_every_required_material_or_a_deferral(case_world):
    matter = case_world.matters["promised"]
    intake = flow.Intake(
        matter=matter, applicant=applicant(), channel="window", received=[0], applied_at=at(D(2026, 11, 2))
    )
    case, _ = flow.open_case(intake)
    with pytest.raises(flow.CaseError, match="必要材料未收齐：居民身份证") as refused:
        take(case, "accept", on=D(2026, 11, 2))
    assert refused.value.field == "materials"
    deferred = flow.Intake(
        matter=matter,
        applicant=applicant(),
        channel="window",
        received=[0],
        deferred=[1],
        applied_at=at(D(2026, 11, 2)),
    )
    case, _ = flow.open_case(deferred)
    assert take(case, "accept", on=D(2026, 11, 2)).state == CaseState.ACCEPTED


def test_a_stale_revision_is_refused_so_no_update_is_lost(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    seen = case.revision
    flow.act(case.pk, flow.Step("accept", on=D(2026, 11, 2), expected_revision=seen))
    with pytest.raises(flow.CaseConflict, match="已被他人办理"):
        flow.act(case.pk, flow.Step("reject", on=D(2026, 11, 2), note="材料不符", expected_revision=seen))
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.revision == seen + 1


@pytest.mark.parametrize(
    ("on", "message"),
    [(D(2026, 10, 30), "早于申请日期"), (None, "晚于今天")],
)
def test_step_dates_must_be_real(case_world, on, message):
    from django.utils import timezone

    on = on or timezone.localdate() + datetime.timedelta(days=1)  # tomorrow in 示范市 (Asia/Shanghai)
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    with pytest.raises(flow.CaseError, match=message):
        take(case, "accept", on=on)


def test_steps_cannot_go_back_in_time(case_world):
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2), accepted_on=D(2026, 11, 5))
    with pytest.raises(flow.CaseError, match="早于上一环节（2026-11-05）"):
        take(case, "approve", on=D(2026, 11, 4))


def test_every_step_is_recorded_with_who_when_and_why(case_world):
    clerk = case_world.users["owner"]
    case = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2), user=clerk)
    case = take(case, "accept", on=D(2026, 11, 2), user=clerk)
    case = take(case, "deny", on=D(2026, 11, 6), user=clerk, note="不符合法定条件")
    steps = list(CaseStep.objects.filter(case=case).values_list("label", "from_state", "to_state", "actor", "note"))
    assert steps == [
        ("申请", "", "applied", clerk.pk, "通过窗口提交申请"),
        ("受理", "applied", "accepted", clerk.pk, ""),
        ("办结（不予许可）", "accepted", "denied", clerk.pk, "不符合法定条件"),
    ]
    assert case.outcome_note == "不符合法定条件" and case.revision == 2


def test_case_numbers_run_per_department_and_year(case_world):
    first = CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2))
    second = CaseFactory(matter=case_world.matters["immediate"], applied_on=D(2026, 11, 2))
    other = CaseFactory(matter=case_world.matters["other"], applied_on=D(2026, 11, 2))
    a, b = case_world.dept_a.pk, case_world.dept_b.pk
    assert (first.number, second.number, other.number) == (
        f"2026-{a:03d}-000001",
        f"2026-{a:03d}-000002",
        f"2026-{b:03d}-000001",
    )
    assert first.lookup_code != second.lookup_code and len(first.lookup_code) == 8


def test_applicant_personal_data_is_encrypted_at_rest(case_world):
    from django.db import connection

    case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": "zhang@example.com"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, email FROM cases_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()
    assert "110101199003071233" not in stored[0] and "13812345678" not in stored[1] and "zhang" not in stored[2]
    assert case.masked_name == "张**" and case.masked_phone.startswith("138") and "5678" in case.masked_phone


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "110101199003071235"}, "id_number", "居民身份证号码不正确"),
        ({"phone": "12345"}, "phone", "手机号码"),
        ({"kind": "organisation"}, "id_type", "统一社会信用代码"),
        ({"id_type": "credit_code"}, "id_type", "自然人"),
        ({"kind": "organisation", "id_type": "credit_code", "id_number": "91110000000000000X"}, "id_number", "代码"),
        ({"name": "长" * 101}, "applicant_name", "100个字"),
        ({"email": "not-mail"}, "email", "电子邮箱"),
        ({"kind": "robot"}, "applicant_kind", "申请人类型"),
    ],
)
def test_bad_applicant_fields_are_named(overrides, field, message):
    with pytest.raises(flow.CaseError, match=message) as refused:
        applicant(**overrides)
    assert refused.value.field == field


def test_a_draft_or_unlimited_matter_cannot_be_applied_for(case_world):
    from ..matters.factories import MatterFactory

    draft = MatterFactory(department=case_world.dept_a, name="草稿事项", draft=True)
    with pytest.raises(flow.CaseError, match="未发布或不在有效期内") as refused:
        flow.open_case(flow.Intake(matter=draft, applicant=applicant(), channel="online"))
    assert refused.value.field == "matter"
    unlimited = MatterFactory(department=case_world.dept_a, name="无时限事项", promised_limit=None)
    with pytest.raises(flow.CaseError, match="未设定承诺办结时限"):
        flow.open_case(flow.Intake(matter=unlimited, applicant=applicant(), channel="online"))
    assert not Case.objects.exists()


def test_a_window_takes_only_the_matters_it_handles(case_world):
    from ..halls.factories import WindowFactory

    departmental = WindowFactory(hall=case_world.windows["own"].hall, number="A02", name="专业窗口")
    with pytest.raises(flow.CaseError, match="不办理事项") as refused:
        CaseFactory(matter=case_world.matters["promised"], window=departmental)
    assert refused.value.field == "window"
    departmental.matters.add(case_world.matters["promised"])
    case = CaseFactory(matter=case_world.matters["promised"], window=departmental)
    assert case.hall == departmental.hall and case.visits == 1


def test_without_any_address_the_notice_is_still_logged(case_world):
    case = CaseFactory(matter=case_world.matters["promised"])
    assert case.notices.get().status == NoticeStatus.NO_ADDRESS
