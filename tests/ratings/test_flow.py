"""好差评 rules: 一次一评 after completion, 差评 reasons, the 整改 clock on working days, 回访, appeals."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import override_settings

from cases.models import Case
from ratings import flow
from ratings.models import Appeal, CallbackAnswer, Handling, Rating, RatingStep

from .factories import at, completed_case, rate

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_completed_case_is_rated_once_per_channel(done):
    first = rate(done, 5, "pad")
    assert first.handling == Handling.NONE and first.department_id == done.department_id
    assert first.hall_id == done.hall_id and first.window_id == done.window_id and first.matter_name == done.matter_name
    with pytest.raises(flow.RatingConflict, match="一次一评"):
        rate(done, 1, "pad", reasons=["attitude"])
    assert Rating.objects.filter(case=done).count() == 1  # the first one stands, never overwritten
    rate(done, 4, "qr")  # another channel is another rating
    assert Rating.objects.filter(case=done).count() == 2


def test_a_running_case_cannot_be_rated(running):
    with pytest.raises(flow.RatingError) as refused:
        rate(running, 5)
    assert refused.value.field == "state" and "办结后才能评价" in refused.value.message
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("level", "reasons", "comment", "field"),
    [
        (0, [], "", "level"),
        ("很好", [], "", "level"),
        (6, [], "", "level"),
        (2, [], "", "reasons"),  # a 差评 names a reason
        (1, ["nonsense"], "", "reasons"),
        (1, ["other"], "", "comment"),  # "其他" is explained
        (5, [], "好" * 501, "comment"),
    ],
)
def test_bad_submissions_name_the_field_and_write_nothing(done, level, reasons, comment, field):
    with pytest.raises(flow.RatingError) as refused:
        flow.rate_case(done.pk, "pad", flow.Submission(level=level, reasons=reasons, comment=comment))
    assert refused.value.field == field
    assert not Rating.objects.exists() and not RatingStep.objects.exists()


def test_a_good_rating_carries_no_reasons(done):
    rating = flow.rate_case(done.pk, "pad", flow.Submission(level=4, reasons=["slow"]))
    assert rating.reasons == [] and rating.handling == Handling.NONE


def test_the_pad_of_another_hall_cannot_rate_the_case(case_world, done):
    with pytest.raises(flow.RatingNotFound):
        rate(done, 5, hall_id=case_world.windows["other"].hall_id)
    rate(done, 5, hall_id=case_world.windows["own"].hall_id)


def test_the_case_carries_the_level_in_force(case_world, done, supervisor_appeal=None):
    rate(done, 5, "pad", rated_at=at(done.completed_on, 9))
    assert Case.objects.get(pk=done.pk).satisfaction == 5
    bad = rate(done, 1, "qr", reasons=["attitude"], rated_at=at(done.completed_on, 11))
    assert Case.objects.get(pk=done.pk).satisfaction == 1  # the latest rating is the one in force
    flow.appeal(bad.pk, "误评", user=case_world.users["owner"])
    flow.decide_appeal(bad.pk, True, "录像显示窗口依法告知", user=case_world.users["supervisor"])
    assert Case.objects.get(pk=done.pk).satisfaction == 5  # excluded: the earlier rating again


@override_settings(RATINGS_RECTIFY_DAYS=3)
def test_the_rectification_period_counts_working_days_over_national_day(case_world):
    """Rated on 30 September 2026: 国庆/中秋 1–8 October off, Saturday 10 October a make-up working day."""
    case = completed_case(case_world, on=D(2026, 9, 30))
    rating = rate(case, 2, reasons=["slow"], rated_at=at(D(2026, 9, 30)))
    assert rating.handling == Handling.VERIFYING and rating.rectify_due == D(2026, 10, 10)
    assert not rating.rectify_due_provisional
    assert not rating.is_late(D(2026, 10, 9))  # the day before
    assert not rating.is_late(D(2026, 10, 10))  # on the due date (the make-up Saturday)
    assert rating.is_late(D(2026, 10, 12))  # the next working day (Sunday 11th is off)


def test_a_rating_time_in_the_future_or_before_completion_is_refused(case_world):
    case = completed_case(case_world, on=D(2026, 9, 30))
    with pytest.raises(flow.RatingError) as early:
        rate(case, 5, rated_at=at(D(2026, 9, 29)))
    assert early.value.field == "rated_at" and "2026-09-30" in early.value.message
    with pytest.raises(flow.RatingError) as future:
        rate(case, 5, rated_at=at(D(2099, 1, 1)))
    assert future.value.field == "rated_at"


def test_a_real_name_bad_rating_is_verified_rectified_called_back_and_closed(case_world, done):
    owner = case_world.users["owner"]
    rating = rate(done, 1, reasons=["attitude"], comment="态度差")
    with pytest.raises(flow.RatingError, match="不能登记整改"):
        flow.rectify(rating.pk, "先整改", user=owner)  # 核实 first
    with pytest.raises(flow.RatingError) as empty:
        flow.verify(rating.pk, "  ", user=owner)
    assert empty.value.field == "verification"
    rating = flow.verify(rating.pk, "属实", user=owner)
    assert rating.handling == Handling.RECTIFYING
    rating = flow.rectify(rating.pk, "批评教育，调整岗位", user=owner)
    assert rating.handling == Handling.CALLBACK and rating.callback_due >= rating.rectified_on
    with pytest.raises(flow.RatingError) as no_answer:
        flow.callback(rating.pk, "", "打过电话", user=owner)
    assert no_answer.value.field == "callback_answer"
    rating = flow.callback(rating.pk, CallbackAnswer.SATISFIED, "申请人认可整改", user=owner)
    assert rating.handling == Handling.CLOSED and rating.callback_by == owner and rating.closed_on
    labels = list(rating.steps.values_list("label", flat=True))
    assert labels == ["评价：非常不满意", "核实", "整改", "回访：对整改满意", "办结"]
    assert rating.steps.first().actor_name == "评价人"


def test_a_rater_not_satisfied_with_the_rectification_sends_it_back(case_world, done):
    owner = case_world.users["owner"]
    rating = rate(done, 2, reasons=["materials"])
    flow.verify(rating.pk, "属实", user=owner)
    flow.rectify(rating.pk, "修改指南", user=owner)
    rating = flow.callback(rating.pk, CallbackAnswer.DISSATISFIED, "仍不满意", user=owner)
    assert rating.handling == Handling.RECTIFYING and rating.rectified_on is None and rating.callback_due is None
    assert rating.rectify_due >= rating.callback_at.date()


def test_an_anonymous_bad_rating_closes_with_the_rectification(case_world, done):
    owner = case_world.users["owner"]
    rating = rate(done, 1, reasons=["slow"], real_name=False)
    flow.verify(rating.pk, "属实", user=owner)
    rating = flow.rectify(rating.pk, "优化流程", user=owner)
    assert rating.handling == Handling.CLOSED and rating.callback_due is None
    assert "匿名评价" in rating.steps.last().note


def test_a_stale_revision_is_refused_and_nothing_written(case_world, done):
    owner = case_world.users["owner"]
    rating = rate(done, 1, reasons=["slow"])
    seen = rating.revision
    flow.verify(rating.pk, "属实", user=owner, revision=seen)
    with pytest.raises(flow.RatingConflict, match="已被他人处理"):
        flow.verify(rating.pk, "我也核实了", user=case_world.users["reviewer"], revision=seen)
    assert Rating.objects.get(pk=rating.pk).verification == "属实"
    assert RatingStep.objects.filter(rating=rating, action="verify").count() == 1


def test_an_appeal_is_made_once_and_decided_by_the_supervisor(case_world, done):
    owner, supervisor = case_world.users["owner"], case_world.users["supervisor"]
    rating = rate(done, 1, reasons=["attitude"])
    with pytest.raises(flow.RatingError, match="没有待审核的申诉"):
        flow.decide_appeal(rating.pk, True, "成立", user=supervisor)
    flow.appeal(rating.pk, "申请人不符合条件，窗口依法告知", user=owner)
    with pytest.raises(flow.RatingError, match="只能申诉一次"):
        flow.appeal(rating.pk, "再申诉", user=owner)
    rating = flow.decide_appeal(rating.pk, False, "申诉理由不充分", user=supervisor)
    assert rating.appeal == Appeal.REJECTED and not rating.excluded and rating.handling == Handling.VERIFYING
    with pytest.raises(flow.RatingError, match="只能申诉一次"):
        flow.appeal(rating.pk, "再次申诉", user=owner)


def test_an_upheld_appeal_excludes_the_rating_and_closes_its_handling(case_world, done):
    rating = rate(done, 1, reasons=["attitude"])
    flow.appeal(rating.pk, "恶意差评", user=case_world.users["owner"])
    rating = flow.decide_appeal(rating.pk, True, "核实为恶意评价", user=case_world.users["supervisor"])
    assert rating.excluded and rating.appeal == Appeal.UPHELD and rating.handling == Handling.CLOSED
    assert rating.appeal_reason == "恶意差评" and rating.appeal_decision == "核实为恶意评价"  # reasons kept
    with pytest.raises(flow.RatingError, match="已因申诉成立而剔除"):
        flow.verify(rating.pk, "核实", user=case_world.users["owner"])


def test_an_online_service_is_rated_on_its_matter_with_a_contact_for_real_name(case_world):
    matter = case_world.matters["promised"]
    with pytest.raises(flow.RatingError) as refused:
        flow.rate_service(matter, flow.Submission(level=2, reasons=["system"], real_name=True, contact_name="王五"))
    assert refused.value.field == "contact_phone"
    rating = flow.rate_service(
        matter,
        flow.Submission(level=2, reasons=["system"], real_name=True, contact_name="王五", contact_phone="13900001111"),
    )
    assert rating.case is None and rating.department == matter.department and rating.channel == "web"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM ratings_rating WHERE id = %s", [rating.pk])
        assert "13900001111" not in cursor.fetchone()[0]  # encrypted at rest
    assert Rating.objects.get(pk=rating.pk).contact_phone == "13900001111"
    assert flow.has_contact(rating)
    anonymous = flow.rate_service(matter, flow.Submission(level=5, contact_name="赵六", contact_phone="139"))
    assert anonymous.contact_name == "" and anonymous.contact_phone == ""  # nothing kept unless real-name
