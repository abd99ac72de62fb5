"""The flow and the clock: numbers, encryption, working-day due dates (国庆 2026 and its make-up
Saturday), lights the day before/on/after the due date, transfers, review, refusals, revisions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection

from interaction import clock, flow
from interaction.models import Interaction, InteractionStep, Light, State

from .factories import PHONE, at, item_in, submission, submit, take

pytestmark = pytest.mark.django_db
D = datetime.date


# ---- numbers and personal data -------------------------------------------------------------


def test_numbers_run_per_kind_and_year(iworld):
    first = submit(iworld.dept_a, on=D(2026, 11, 2))
    second = submit(iworld.dept_b, on=D(2026, 11, 3))
    complaint = submit(iworld.dept_a, on=D(2026, 11, 3), kind="complaint")
    suggestion = submit(iworld.dept_a, on=D(2026, 11, 3), kind="suggestion")
    assert (first.number, second.number) == ("ZX2026-000001", "ZX2026-000002")
    assert complaint.number == "TS2026-000001" and suggestion.number == "JY2026-000001"
    assert len(first.lookup_code) == 8 and first.lookup_code != second.lookup_code


def test_the_phone_and_email_are_encrypted_at_rest_with_a_hash_for_the_lookup(iworld):
    item = submit(iworld.dept_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, email, phone_hash FROM interaction_interaction WHERE id = %s", [item.pk])
        phone, email, phone_hash = cursor.fetchone()
    assert PHONE not in phone and "zhang@" not in email and phone_hash and PHONE not in phone_hash
    fresh = Interaction.objects.get(pk=item.pk)
    assert fresh.phone == PHONE and fresh.masked_phone == "138****5678" and fresh.masked_name == "张**"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "praise"}, "kind"),
        ({"subject": ""}, "subject"),
        ({"subject": "题" * 101}, "subject"),
        ({"body": "短"}, "body"),
        ({"body": "字" * 2001}, "body"),
        ({"name": ""}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"phone": "123"}, "phone"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_fields_are_named_in_chinese(overrides, field):
    with pytest.raises(flow.InteractionError) as refused:
        submission(**overrides)
    assert refused.value.field == field and refused.value.message


def test_an_inactive_department_cannot_receive_items(iworld):
    iworld.dept_b.is_active = False
    iworld.dept_b.save()
    with pytest.raises(flow.InteractionError) as refused:
        submit(iworld.dept_b)
    assert refused.value.field == "department" and "停用" in refused.value.message


# ---- the clock -----------------------------------------------------------------------------


def test_a_consultation_is_due_in_five_working_days_across_national_day_and_its_make_up_saturday(iworld):
    """Submitted Wed 30 Sep 2026: 1–7 Oct are holidays, Sat 10 Oct is a make-up working day:
    day 1 = Thu 8 Oct, 2 = Fri 9, 3 = Sat 10, 4 = Mon 12, 5 = Tue 13."""
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    assert item.received_on == D(2026, 9, 30) and item.reply_days == 5
    assert item.due_date == D(2026, 10, 13) and not item.due_provisional


def test_a_complaint_is_due_in_ten_working_days(iworld):
    item = submit(iworld.dept_a, on=D(2026, 9, 30), kind="complaint")
    # 8, 9, 10 (Sat, make-up), 12, 13, 14, 15, 16, 19, 20 October
    assert item.reply_days == 10 and item.due_date == D(2026, 10, 20)


def test_reply_days_come_from_the_setting(iworld, settings):
    settings.INTERACTION_REPLY_DAYS = {"consultation": 3, "complaint": 15, "suggestion": 20}
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    assert item.reply_days == 3 and item.due_date == D(2026, 10, 10)


def test_an_item_sent_on_a_holiday_counts_from_the_next_working_day(iworld):
    item = submit(iworld.dept_a, on=D(2026, 10, 3))
    assert item.received_on == D(2026, 10, 8)
    assert item.due_date == D(2026, 10, 14)  # 9, 10 (Sat, make-up), 12, 13, 14


def test_a_year_the_calendar_does_not_know_gives_a_provisional_date(iworld):
    item = Interaction(reply_days=5)
    clock.start(item, D(2031, 6, 2))
    assert item.due_provisional and item.due_date > D(2031, 6, 2)


# Due Tue 13 Oct 2026 with INTERACTION_WARNING_DAYS = 2.
@pytest.mark.parametrize(
    ("today", "light", "left"),
    [
        (D(2026, 10, 8), Light.GREEN, 4),
        (D(2026, 10, 9), Light.GREEN, 3),
        (D(2026, 10, 10), Light.YELLOW, 2),  # the make-up Saturday counts
        (D(2026, 10, 11), Light.YELLOW, 1),  # a Sunday: Mon 12 and Tue 13 left, the light is yellow
        (D(2026, 10, 12), Light.YELLOW, 1),  # the day before the due date
        (D(2026, 10, 13), Light.YELLOW, 0),  # on the due date
        (D(2026, 10, 14), Light.RED, -1),  # the working day after
    ],
)
def test_the_light_the_days_before_on_and_after_the_due_date(iworld, today, light, left):
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    assert clock.light_of(item, today) == light
    if today.weekday() != 6:
        assert clock.working_days_left(item, today) == left
    # the set-based refresh (the nightly command) agrees with the one-item rule
    Interaction.objects.update(light="", light_since=None)
    clock.refresh_lights(today)
    item.refresh_from_db()
    assert item.light == light and item.light_since == today


def test_the_nightly_command_sets_the_lights_and_clears_them_when_answered(iworld):
    running = submit(iworld.dept_a, on=D(2026, 9, 30))
    answered = item_in(State.ANSWERED, iworld)
    Interaction.objects.filter(pk=answered.pk).update(light=Light.RED)
    from io import StringIO

    out = StringIO()
    call_command("supervise_interactions", "--date", "2026-10-14", stdout=out)
    running.refresh_from_db()
    answered.refresh_from_db()
    assert running.light == Light.RED and answered.light == ""
    assert "红灯 1 件" in out.getvalue() and "解除监察 1 件" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("supervise_interactions", "--date", "14/10/2026")


# ---- transfer ------------------------------------------------------------------------------


def test_a_prompt_transfer_keeps_the_due_date(iworld):
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    item = flow.act(
        item.pk,
        flow.Step("transfer", note="属乙局职责", department=iworld.dept_b),
        user=iworld.users["owner"],
        today=D(2026, 10, 9),  # 2 working days after receipt (8, 9 October)
    )
    assert item.department == iworld.dept_b and item.state == State.TRANSFERRED and item.transfers == 1
    assert item.due_date == D(2026, 10, 13)
    step = item.steps.get(action="transfer")
    assert step.from_department == iworld.dept_a and step.to_department == iworld.dept_b
    assert step.note.startswith("转至示范市乙局：属乙局职责")


def test_a_late_transfer_restarts_the_clock_for_the_receiving_department(iworld):
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    item = flow.act(
        item.pk,
        flow.Step("transfer", note="属乙局职责", department=iworld.dept_b),
        user=iworld.users["owner"],
        today=D(2026, 10, 10),  # the third working day after receipt
    )
    assert item.received_on == D(2026, 10, 10) and item.due_date == D(2026, 10, 16)
    assert "重新计算至2026-10-16" in item.steps.get(action="transfer").note


def test_after_a_transfer_only_the_receiving_department_acts(iworld):
    item = item_in(State.TRANSFERRED, iworld)
    with pytest.raises(PermissionDenied):
        take(item, "accept", iworld.users["owner"])
    item = take(item, "accept", iworld.users["owner_b"])
    assert item.state == State.HANDLING


@pytest.mark.parametrize(
    ("target", "message"),
    [("same", "不能转办给本部门"), ("none", "请选择受理部门"), ("inactive", "已停用")],
)
def test_a_transfer_needs_another_active_department(iworld, target, message):
    item = submit(iworld.dept_a)
    department = {"same": iworld.dept_a, "none": None, "inactive": iworld.dept_b}[target]
    if target == "inactive":
        iworld.dept_b.is_active = False
        iworld.dept_b.save()
    with pytest.raises(flow.InteractionError, match=message):
        take(item, "transfer", iworld.users["owner"], department=department, note="转")
    assert Interaction.objects.get(pk=item.pk).department == iworld.dept_a


# ---- review and publication ----------------------------------------------------------------


def test_the_reply_is_drafted_by_the_maintainer_and_approved_by_the_reviewer(iworld):
    item = item_in(State.HANDLING, iworld)
    item = take(item, "draft", iworld.users["owner"], reply="草稿")
    assert item.state == State.HANDLING and item.reply == "草稿"
    item = take(item, "submit", iworld.users["owner"], reply="正式答复")
    assert item.state == State.REVIEW and item.light == Light.GREEN
    with pytest.raises(PermissionDenied, match="审核员"):
        take(item, "approve", iworld.users["owner"])
    item = take(item, "approve", iworld.users["reviewer"])
    assert item.state == State.ANSWERED and item.reply_approved_by == iworld.users["reviewer"]
    assert item.published and item.light == "" and item.answered_on is not None
    assert Interaction.public_queryset().filter(pk=item.pk).exists()


def test_a_reviewer_may_not_approve_a_reply_they_drafted(iworld):
    item = item_in(State.HANDLING, iworld)
    item = take(item, "submit", iworld.users["reviewer"], reply="审核员自己写的答复")
    with pytest.raises(flow.InteractionError, match="起草人以外"):
        take(item, "approve", iworld.users["reviewer"])
    item = take(item, "approve", iworld.users["reviewer2"])
    assert item.state == State.ANSWERED


def test_without_consent_or_withheld_by_the_reviewer_nothing_is_published(iworld):
    no_consent = item_in(State.ANSWERED, iworld, consent=False)
    assert not no_consent.published
    review = item_in(State.REVIEW, iworld)
    withheld = take(review, "approve", iworld.users["reviewer"], publish=False)
    assert not withheld.published and "不予公开" in withheld.steps.get(action="approve").note
    assert not Interaction.public_queryset().exists()


def test_returned_replies_go_back_to_the_maintainer_and_can_be_resubmitted(iworld):
    item = item_in(State.RETURNED, iworld)
    assert item.state == State.RETURNED and item.light == Light.GREEN
    item = take(item, "submit", iworld.users["owner"], reply="补充依据后的答复")
    assert item.state == State.REVIEW and item.reply == "补充依据后的答复"


def test_submit_needs_a_reply(iworld):
    item = item_in(State.HANDLING, iworld)
    with pytest.raises(flow.InteractionError) as refused:
        take(item, "submit", iworld.users["owner"])
    assert refused.value.field == "reply"
    with pytest.raises(flow.InteractionError):
        take(item, "draft", iworld.users["owner"])


def test_unpublishing_takes_an_item_off_the_public_list(iworld):
    item = item_in(State.CLOSED, iworld)
    assert item.published and item.satisfaction == "satisfied"
    with pytest.raises(PermissionDenied):
        take(item, "unpublish", iworld.users["owner"], note="涉及个人隐私")
    item = take(item, "unpublish", iworld.users["reviewer"], note="涉及个人隐私")
    assert not item.published and item.state == State.CLOSED
    with pytest.raises(flow.InteractionError, match="未公开"):
        take(item, "unpublish", iworld.users["reviewer"], note="再次")


# ---- refusals ------------------------------------------------------------------------------

ILLEGAL = [
    (State.SUBMITTED, "submit"),
    (State.SUBMITTED, "approve"),
    (State.SUBMITTED, "close"),
    (State.HANDLING, "accept"),
    (State.HANDLING, "approve"),
    (State.REVIEW, "accept"),
    (State.REVIEW, "transfer"),
    (State.ANSWERED, "transfer"),
    (State.ANSWERED, "reject"),
    (State.CLOSED, "close"),
    (State.CLOSED, "accept"),
    (State.REJECTED, "accept"),
    (State.REJECTED, "transfer"),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_steps_are_refused_and_change_nothing(iworld, state, action):
    item = item_in(state, iworld)
    before = (item.state, item.revision, item.steps.count())
    user = iworld.users["reviewer2"]  # holds change and publish on A's items
    with pytest.raises(flow.InteractionError) as refused:
        take(item, action, user, note="理由", reply="答复", department=iworld.dept_b)
    assert refused.value.field == "action" and "不能进行" in refused.value.message
    fresh = Interaction.objects.get(pk=item.pk)
    assert (fresh.state, fresh.revision, fresh.steps.count()) == before


@pytest.mark.parametrize(
    ("state", "action", "extra"),
    [
        (State.SUBMITTED, "reject", {}),
        (State.SUBMITTED, "transfer", {"department": "b"}),
        (State.REVIEW, "return", {}),
        (State.ANSWERED, "unpublish", {}),
    ],
)
def test_reasons_are_required(iworld, state, action, extra):
    item = item_in(state, iworld)
    if extra.get("department"):
        extra = {"department": iworld.dept_b}
    with pytest.raises(flow.InteractionError) as refused:
        take(item, action, iworld.users["reviewer2"], **extra)
    assert refused.value.field == "note" and "须写明理由" in refused.value.message


def test_a_rejection_records_its_reason_and_stops_the_clock(iworld):
    item = item_in(State.REJECTED, iworld)
    assert item.refusal == "广告信息" and item.light == "" and item.closed_on is not None


def test_a_stale_revision_is_refused_so_no_update_is_lost(iworld):
    item = submit(iworld.dept_a)
    seen = item.revision
    take(item, "accept", iworld.users["owner"], expected_revision=seen)
    with pytest.raises(flow.InteractionConflict, match="已被他人办理"):
        take(item, "reject", iworld.users["reviewer"], note="重复", expected_revision=seen)
    assert Interaction.objects.get(pk=item.pk).state == State.HANDLING


def test_another_department_and_anonymous_callers_cannot_act(iworld):
    item = submit(iworld.dept_a)
    with pytest.raises(PermissionDenied):
        take(item, "accept", iworld.users["owner_b"])
    with pytest.raises(PermissionDenied):
        take(item, "accept", iworld.users["supervisor"])
    with pytest.raises(PermissionDenied):
        take(item, "accept", None)
    assert Interaction.objects.get(pk=item.pk).state == State.SUBMITTED


def test_every_step_is_recorded_with_who_when_and_why(iworld):
    item = item_in(State.CLOSED, iworld)
    steps = list(item.steps.values_list("action", "from_state", "to_state", "actor__username"))
    assert steps == [
        ("submit_new", "", "submitted", None),
        ("accept", "submitted", "handling", "owner_a"),
        ("submit", "handling", "review", "owner_a"),
        ("approve", "review", "answered", "reviewer_a"),
        ("close", "answered", "closed", "owner_a"),
    ]
    assert item.steps.get(action="close").note == "回访结果：满意"
    assert InteractionStep.objects.filter(interaction=item).count() == item.revision + 1


# ---- 12345 ---------------------------------------------------------------------------------


def test_a_hotline_ticket_is_created_once_and_belongs_to_its_system(iworld):
    first, created = flow.submit(
        submission(), department=iworld.dept_a, source="hotline", hotline_ticket="T-1", hotline_client_id=7
    )
    again, created_again = flow.submit(
        submission(), department=iworld.dept_a, source="hotline", hotline_ticket="T-1", hotline_client_id=7
    )
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(flow.InteractionError) as refused:
        flow.submit(submission(), department=iworld.dept_a, hotline_ticket="T-1", hotline_client_id=8)
    assert refused.value.field == "ticket"
    assert Interaction.objects.count() == 1


def test_a_future_submission_time_is_refused(iworld):
    with pytest.raises(flow.InteractionError) as refused:
        flow.submit(submission(), department=iworld.dept_a, submitted_at=at(D(2099, 1, 1)))
    assert refused.value.field == "submitted_at"


def test_a_provisional_due_date_is_recomputed_when_the_calendar_changes(iworld):
    item = submit(iworld.dept_a, on=D(2026, 9, 30))
    Interaction.objects.filter(pk=item.pk).update(due_date=D(2026, 10, 9), due_provisional=True)
    assert clock.recompute_provisional() == 1
    item.refresh_from_db()
    assert item.due_date == D(2026, 10, 13) and not item.due_provisional
    assert clock.recompute_provisional() == 0  # nothing left to do
