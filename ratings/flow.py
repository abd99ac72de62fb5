"""Every change to a rating happens here: a rating is given, a 差评 is handled, an appeal decided.

Rules (国办发〔2019〕51号; GB/T 39734-2020):
- 一次一评、一事一评: a case is rated once per channel, only once it is completed (办结); a second rating
  on the same channel is refused (``RatingConflict``), never overwritten — also when two arrive at once
  (the unique constraint decides).
- A 差评 (不满意, 非常不满意) names at least one reason and opens the handling: 核实 → 整改 within
  ``RATINGS_RECTIFY_DAYS`` working days of the rating → 回访 within ``RATINGS_CALLBACK_DAYS`` working days
  of the rectification → 办结. A real-name 差评 is always called back; an anonymous one has no one to
  call and is closed with the rectification. A rater not satisfied with the rectification sends it back
  to 整改 (a new period from the callback).
- A department appeals a rating once; the 效能监察员 upholds the appeal (the rating is excluded from
  every figure, its handling closed, the reason kept) or rejects it.

Each step is a ``RatingStep``, under a row lock with a revision check: a second clerk acting on a
stale page gets “已被他人处理”, nothing written. Deadlines come from the one working-day calendar.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.flow import RATES_VERSION
from cases.models import COMPLETED, Case
from core.cache import bump
from core.identity import check_phone
from core.locking import retry_if_locked
from core.pii import normalise
from workdays.service import due_date

from .models import (
    BAD_LEVELS,
    OPEN_HANDLING,
    Appeal,
    CallbackAnswer,
    Handling,
    Level,
    Rating,
    RatingChannel,
    RatingStep,
    Reason,
)

# The version of the public figures (``ratings.figures``): bumped by every rating and exclusion.
FIGURES_VERSION = "ratings-figures"
COMMENT_MAX = 500
NOTE_MAX = 1000


class RatingError(Exception):
    """A refused rating or step: ``message`` in Chinese, ``field`` naming what was wrong."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RatingConflict(RatingError):
    """Already rated on this channel, or someone else acted on the rating since it was read."""


class RatingNotFound(RatingError):
    """No such case here (unknown, or taken in at another hall than the rating pad's)."""


@dataclass
class Submission:
    """What a rater says, from whichever channel."""

    level: int | str | None
    reasons: list[str] = field(default_factory=list)
    comment: str = ""
    real_name: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    source: str = ""


def clean(submission: Submission, *, contact_needed: bool = False) -> Submission:
    """Check a submission; the first bad field raises ``RatingError`` naming it."""
    try:
        level = int(submission.level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise RatingError("请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意。", "level")
    reasons = [str(r) for r in (submission.reasons or [])]
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        raise RatingError(f"差评原因“{unknown[0]}”不正确，应为：" + "、".join(Reason.values) + "。", "reasons")
    comment = (submission.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise RatingError(f"评价内容不能超过{COMMENT_MAX}个字（现有{len(comment)}个字）。", "comment")
    if level in BAD_LEVELS:
        if not reasons:
            raise RatingError("差评请至少选择一项原因，以便部门核实整改。", "reasons")
        if Reason.OTHER in reasons and not comment:
            raise RatingError("选择“其他”原因时，请在评价内容中说明。", "comment")
    else:
        reasons = []  # 好评 carry no reasons
    name = (submission.contact_name or "").strip()
    phone = normalise(submission.contact_phone or "")
    if contact_needed and submission.real_name:
        if not name:
            raise RatingError("实名评价请填写姓名。", "contact_name")
        if len(name) > 50:
            raise RatingError("姓名不能超过50个字。", "contact_name")
        try:
            check_phone(phone)
        except ValidationError as error:
            raise RatingError(" ".join(error.messages), "contact_phone") from error
    elif not contact_needed or not submission.real_name:
        name, phone = "", ""
    return Submission(
        level=level,
        reasons=list(dict.fromkeys(reasons)),
        comment=comment,
        real_name=bool(submission.real_name),
        contact_name=name,
        contact_phone=phone,
        source=(submission.source or "")[:100],
    )


def _open_handling(rating: Rating, today: datetime.date) -> None:
    if rating.level in BAD_LEVELS:
        reckoned = due_date(today, settings.RATINGS_RECTIFY_DAYS)
        rating.handling = Handling.VERIFYING
        rating.rectify_due, rating.rectify_due_provisional = reckoned.value, reckoned.provisional
    else:
        rating.handling = Handling.NONE


def _changed(case_id: int | None) -> None:
    """After commit: the case's rating in force and every cached figure are brought up to date."""
    if case_id is not None:
        refresh_case_satisfaction(case_id)
        transaction.on_commit(lambda: bump(RATES_VERSION))
    transaction.on_commit(lambda: bump(FIGURES_VERSION))


def refresh_case_satisfaction(case_id: int) -> None:
    """``Case.satisfaction`` = the level of the case's latest rating not excluded (None without one)."""
    level = (
        Rating.objects.filter(case_id=case_id, excluded=False)
        .order_by("-rated_at", "-pk")
        .values_list("level", flat=True)
        .first()
    )
    Case.objects.filter(pk=case_id).update(satisfaction=level)


def _step(rating: Rating, action: str, label: str, user=None, note: str = "", actor_name: str = "") -> None:
    RatingStep.objects.create(
        rating=rating,
        action=action,
        label=label,
        actor=user,
        actor_name=actor_name or _actor_name(user),
        note=note[:NOTE_MAX],
    )


def _actor_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()


@retry_if_locked
def rate_case(
    case_id: int,
    channel: str,
    submission: Submission,
    *,
    hall_id: int | None = None,
    department_id: int | None = None,
    rated_at: datetime.datetime | None = None,
) -> Rating:
    """Rate a completed case on one channel. ``hall_id``/``department_id``: the rating pad's place —
    a case of another hall (or department) is answered as unknown (``field`` "case"). ``rated_at``:
    when a pad that was offline rated it (not in the future, not before the completion)."""
    if channel not in RatingChannel.values:
        raise RatingError("评价渠道不正确。", "channel")
    data = clean(submission)
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or (hall_id is not None and case.hall_id != hall_id):
        raise RatingNotFound("没有该办件。", "case")
    if department_id is not None and hall_id is None and case.department_id != department_id:
        raise RatingNotFound("没有该办件。", "case")
    if case.state not in COMPLETED:
        raise RatingError(f"办件目前“{case.get_state_display()}”，办结后才能评价。", "state")
    if Rating.objects.filter(case=case, channel=channel).exists():
        raise RatingConflict("该办件已通过此渠道评价过，一次一评，不能重复评价。", "case")
    now = timezone.now()
    if rated_at is not None:
        if rated_at > now + datetime.timedelta(minutes=5):
            raise RatingError("评价时间不能晚于当前时间。", "rated_at")
        if case.completed_on and timezone.localdate(rated_at) < case.completed_on:
            raise RatingError(f"评价时间不能早于办结日期（{case.completed_on:%Y-%m-%d}）。", "rated_at")
        now = rated_at
    rating = Rating(
        department_id=case.department_id,
        case=case,
        matter_id=case.matter_id,
        matter_name=case.matter_name,
        hall_id=case.hall_id,
        window_id=case.window_id,
        channel=channel,
        level=data.level,
        reasons=data.reasons,
        comment=data.comment,
        real_name=data.real_name,
        rated_at=now,
        rated_on=timezone.localdate(now),
        source=data.source,
    )
    _open_handling(rating, rating.rated_on)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as error:  # the same channel rated in the same instant
        raise RatingConflict("该办件已通过此渠道评价过，一次一评，不能重复评价。", "case") from error
    _step(rating, "rate", f"评价：{rating.get_level_display()}", note=data.comment, actor_name="评价人")
    _changed(case.pk)
    return rating


@transaction.atomic
def rate_service(matter, submission: Submission) -> Rating:
    """Rate a service used online without a case (查询、预约、网上咨询…): on the matter, channel web."""
    data = clean(submission, contact_needed=True)
    now = timezone.now()
    rating = Rating(
        department_id=matter.department_id,
        matter=matter,
        matter_name=matter.name,
        channel=RatingChannel.WEB,
        level=data.level,
        reasons=data.reasons,
        comment=data.comment,
        real_name=data.real_name,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        rated_at=now,
        rated_on=timezone.localdate(now),
    )
    _open_handling(rating, rating.rated_on)
    rating.save()
    _step(rating, "rate", f"评价：{rating.get_level_display()}", note=data.comment, actor_name="评价人")
    _changed(None)
    return rating


# ---- handling a 差评 -------------------------------------------------------------------------------


def _locked(rating_id: int, revision: int | None) -> Rating:
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    if revision is not None and revision != rating.revision:
        raise RatingConflict("该评价已被他人处理（状态或内容已变化），请刷新后查看最新情况再操作。", "revision")
    return rating


def _note(text: str, label: str, field_name: str, required: bool = True, limit: int = NOTE_MAX) -> str:
    text = (text or "").strip()
    if required and not text:
        raise RatingError(f"请填写{label}。", field_name)
    if len(text) > limit:
        raise RatingError(f"{label}不能超过{limit}个字（现有{len(text)}个字）。", field_name)
    return text


def _expect(rating: Rating, states: tuple, what: str) -> None:
    if rating.excluded:
        raise RatingError("该评价已因申诉成立而剔除，无需再处理。", "handling")
    if rating.handling not in states:
        raise RatingError(f"评价目前“{rating.get_handling_display()}”，不能{what}。", "handling")


def _save(rating: Rating) -> Rating:
    rating.revision += 1
    rating.save()
    return rating


def has_contact(rating: Rating) -> bool:
    """Someone to call back: a real-name rating of a case (the applicant) or with a phone given."""
    return rating.real_name and (rating.case_id is not None or bool(rating.contact_phone))


@retry_if_locked
def verify(rating_id: int, note: str, *, user, revision: int | None = None) -> Rating:
    """核实: what the department found; the rectification follows."""
    rating = _locked(rating_id, revision)
    _expect(rating, (Handling.VERIFYING,), "核实")
    rating.verification = _note(note, "核实情况", "verification")
    rating.handling = Handling.RECTIFYING
    _step(rating, "verify", "核实", user, rating.verification)
    return _save(rating)


@retry_if_locked
def rectify(rating_id: int, measures: str, *, user, revision: int | None = None) -> Rating:
    """整改: the measures taken; then the callback (回访), or closed when there is no one to call."""
    rating = _locked(rating_id, revision)
    _expect(rating, (Handling.RECTIFYING,), "登记整改")
    rating.rectification = _note(measures, "整改措施", "rectification")
    today = timezone.localdate()
    rating.rectified_on = today
    _step(rating, "rectify", "整改", user, rating.rectification)
    if has_contact(rating):
        rating.handling = Handling.CALLBACK
        rating.callback_due = due_date(today, settings.RATINGS_CALLBACK_DAYS).value
    else:
        rating.handling, rating.closed_on = Handling.CLOSED, today
        _step(rating, "close", "办结", user, "匿名评价，无联系方式，整改完成即办结。")
    return _save(rating)


@retry_if_locked
def callback(rating_id: int, answer: str, note: str, *, user, revision: int | None = None) -> Rating:
    """回访: the rater's answer. Not satisfied with the rectification: back to 整改 for a new period."""
    rating = _locked(rating_id, revision)
    _expect(rating, (Handling.CALLBACK,), "回访")
    if answer not in CallbackAnswer.values:
        raise RatingError("请选择回访结果。", "callback_answer")
    rating.callback_note = _note(note, "回访记录", "callback_note", limit=500)
    now = timezone.now()
    rating.callback_at, rating.callback_by, rating.callback_answer = now, user, answer
    label = CallbackAnswer(answer).label
    _step(rating, "callback", f"回访：{label}", user, rating.callback_note)
    today = timezone.localdate(now)
    if answer == CallbackAnswer.DISSATISFIED:
        reckoned = due_date(today, settings.RATINGS_RECTIFY_DAYS)
        rating.handling = Handling.RECTIFYING
        rating.rectify_due, rating.rectify_due_provisional = reckoned.value, reckoned.provisional
        rating.rectified_on, rating.callback_due = None, None
    else:
        rating.handling, rating.closed_on = Handling.CLOSED, today
        _step(rating, "close", "办结", user)
    return _save(rating)


@retry_if_locked
def appeal(rating_id: int, reason: str, *, user, revision: int | None = None) -> Rating:
    """申诉: the department contests a malicious or mistaken rating (once)."""
    rating = _locked(rating_id, revision)
    if rating.excluded:
        raise RatingError("该评价已剔除。", "appeal")
    if rating.appeal:
        raise RatingError(f"该评价已申诉（{rating.get_appeal_display()}），每条评价只能申诉一次。", "appeal")
    rating.appeal_reason = _note(reason, "申诉理由", "appeal_reason")
    rating.appeal = Appeal.PENDING
    _step(rating, "appeal", "申诉", user, rating.appeal_reason)
    return _save(rating)


@retry_if_locked
def decide_appeal(rating_id: int, uphold: bool, decision: str, *, user, revision: int | None = None) -> Rating:
    """The 效能监察员's decision: upheld, the rating is excluded from every figure (reason kept)."""
    rating = _locked(rating_id, revision)
    if rating.appeal != Appeal.PENDING:
        raise RatingError("该评价没有待审核的申诉。", "appeal")
    rating.appeal_decision = _note(decision, "审核意见", "appeal_decision", limit=500)
    if uphold:
        rating.appeal, rating.excluded = Appeal.UPHELD, True
        if rating.handling in OPEN_HANDLING:
            rating.handling, rating.closed_on = Handling.CLOSED, timezone.localdate()
        _step(rating, "uphold", "申诉成立，评价剔除", user, rating.appeal_decision)
        _save(rating)
        _changed(rating.case_id)  # after the save: the case's rating in force is read from the table
        return rating
    rating.appeal = Appeal.REJECTED
    _step(rating, "reject_appeal", "申诉不成立", user, rating.appeal_decision)
    return _save(rating)
