"""The demo's 好差评: ratings on about half the completed demo cases, a few dozen 差评 in every state
of their handling (some late, some appealed), and ratings of online services. Written in bulk
(a few seconds); running ``load_demo`` again changes nothing."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models import COMPLETED, Case
from core import demo
from matters.models import Matter
from workdays import service as workdays

from .flow import has_contact
from .models import (
    BAD_LEVELS,
    Appeal,
    CallbackAnswer,
    Handling,
    Rating,
    RatingChannel,
    RatingStep,
    Reason,
)

SEED = 20261216
LEVEL_WEIGHTS = {5: 70, 4: 17, 3: 6, 2: 4, 1: 3}
CHANNEL_WEIGHTS = {RatingChannel.PAD: 55, RatingChannel.QR: 20, RatingChannel.WEB: 18, RatingChannel.KIOSK: 7}
GOOD_COMMENTS = ("窗口人员很耐心，一次就办好了。", "比预想的快，点赞。", "指引清楚，材料一次备齐。", "", "", "")
BAD_COMMENTS = {
    Reason.SLOW: "等了很久才办结，比承诺时间晚。",
    Reason.MATERIALS: "材料要求前后不一致，来回补了两次。",
    Reason.ATTITUDE: "窗口人员态度生硬，解释不耐烦。",
    Reason.VISITS: "跑了三趟才办完。",
    Reason.UNCLEAR_GUIDE: "办事指南写得不清楚，和窗口说法不一样。",
    Reason.SYSTEM: "网上系统上传材料总是失败。",
    Reason.OTHER: "取号排队时间太长。",
}


@demo.register("ratings", "好差评", order=58)
def load(context: demo.DemoContext) -> dict[str, int]:
    if Rating.objects.exists():
        return {"服务评价": Rating.objects.count()}
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(state__in=COMPLETED, completed_on__isnull=False)
        .only("pk", "department_id", "matter_id", "matter_name", "hall_id", "window_id", "completed_on", "channel")
        .order_by("completed_on", "pk")
    )
    User = get_user_model()
    handlers = {m.department_id: m.user for m in _memberships()}
    supervisor = User.objects.filter(username="supervisor").first()
    ratings: list[Rating] = []
    steps: dict[int, list[RatingStep]] = {}
    for case in cases:
        if rng.random() > 0.55:
            continue
        level = rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        channel = RatingChannel.WEB if case.channel != "window" else _channel(rng)
        rated_on = min(today, workdays.add_working_days(case.completed_on, rng.choice((0, 0, 1, 2))))
        rating = Rating(
            department_id=case.department_id,
            case_id=case.pk,
            matter_id=case.matter_id,
            matter_name=case.matter_name,
            hall_id=case.hall_id,
            window_id=case.window_id,
            channel=channel,
            level=level,
            real_name=rng.random() < 0.8,
            rated_on=rated_on,
            rated_at=_at(rated_on, rng),
            source="综合窗口评价器" if channel == RatingChannel.PAD else "",
        )
        ratings.append(rating)
    services = list(Matter.public_queryset().only("pk", "name", "department_id").order_by("implementation_code")[:40])
    for matter in services:
        rated_on = today - datetime.timedelta(days=rng.randint(1, 150))
        ratings.append(
            Rating(
                department_id=matter.department_id,
                matter_id=matter.pk,
                matter_name=matter.name,
                channel=RatingChannel.WEB,
                level=rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0],
                real_name=False,
                rated_on=rated_on,
                rated_at=_at(rated_on, rng),
            )
        )
    bad = [r for r in ratings if r.level in BAD_LEVELS]
    for rating in ratings:
        if rating.level not in BAD_LEVELS:
            rating.comment = rng.choice(GOOD_COMMENTS)
    for index, rating in enumerate(sorted(bad, key=lambda r: r.rated_at)):
        _handle(rating, index, len(bad), today, rng, handlers.get(rating.department_id), supervisor, steps)
    Rating.objects.bulk_create(ratings, batch_size=500)
    all_steps = []
    for rating in ratings:
        all_steps.append(
            RatingStep(
                rating=rating,
                action="rate",
                label=f"评价：{rating.get_level_display()}",
                at=rating.rated_at,
                actor_name="评价人",
                note=rating.comment,
            )
        )
        for step in steps.get(id(rating), []):
            step.rating = rating
            all_steps.append(step)
    RatingStep.objects.bulk_create(all_steps, batch_size=1000)
    latest = Rating.objects.filter(case=OuterRef("pk"), excluded=False).order_by("-rated_at", "-pk")
    Case.objects.filter(ratings__isnull=False).update(satisfaction=Subquery(latest.values("level")[:1]))
    return {"服务评价": len(ratings), "差评": len(bad), "评价处理环节": len(all_steps)}


def _memberships():
    from permissions.models import Membership

    return Membership.objects.filter(role="owner").select_related("user").order_by("pk")


def _channel(rng: random.Random) -> str:
    return rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 16), rng.randint(0, 59))))


def _handle(rating, index, count, today, rng, handler, supervisor, steps) -> None:
    """Put a 差评 where its age says: old ones closed (a few late or appealed), recent ones still open."""
    reasons = rng.sample(list(BAD_COMMENTS), k=rng.choice((1, 1, 2)))
    rating.reasons = [str(r) for r in reasons]
    rating.comment = BAD_COMMENTS[reasons[0]]
    due = workdays.due_date(rating.rated_on, 15)
    rating.rectify_due, rating.rectify_due_provisional = due.value, due.provisional
    name = handler.get_full_name() or handler.get_username() if handler else "承办人"
    own: list[RatingStep] = []
    steps[id(rating)] = own

    def step(action: str, label: str, day: datetime.date, note: str = "", actor=handler, actor_name=name):
        own.append(
            RatingStep(
                action=action, label=label, at=_at(min(day, today), rng), actor=actor, actor_name=actor_name, note=note
            )
        )

    age = workdays.working_days_between(rating.rated_on, today) if rating.rated_on < today else 0
    # The newest 差评 is always still being verified, whatever weekday the demo is loaded on (after a
    # weekend or a holiday the last two working days may have brought none).
    fresh = age <= 2 or index == count - 1
    stage = "fresh" if fresh else "rectifying" if age <= 8 else "callback" if age <= 14 else "closed"
    if index % 9 == 4 and age > 16:
        stage = "late"  # past the 15 working days and still not rectified
    rating.handling = Handling.VERIFYING
    if stage == "fresh":
        pass
    else:
        verified_on = workdays.add_working_days(rating.rated_on, 2)
        rating.verification = "经调阅办件记录和窗口录像，情况基本属实。"
        step("verify", "核实", verified_on, rating.verification)
        rating.handling = Handling.RECTIFYING
        if stage in ("callback", "closed"):
            rectified_on = workdays.add_working_days(rating.rated_on, rng.randint(5, 10))
            rating.rectification = "已对窗口人员进行批评教育，并在办事指南中补充说明材料要求。"
            rating.rectified_on = min(rectified_on, today)
            step("rectify", "整改", rating.rectified_on, rating.rectification)
            if has_contact(rating):
                rating.handling = Handling.CALLBACK
                rating.callback_due = workdays.add_working_days(rating.rectified_on, 5)
            else:
                rating.handling, rating.closed_on = Handling.CLOSED, rating.rectified_on
                step("close", "办结", rating.rectified_on, "匿名评价，无联系方式，整改完成即办结。")
        if stage == "closed" and rating.handling == Handling.CALLBACK:
            called = min(workdays.add_working_days(rating.rectified_on, rng.randint(1, 4)), today)
            rating.callback_at = _at(called, rng)
            rating.callback_by = handler
            rating.callback_answer = rng.choice(
                (CallbackAnswer.SATISFIED, CallbackAnswer.SATISFIED, CallbackAnswer.FAIRLY)
            )
            rating.callback_note = "电话回访，申请人对整改措施表示认可。"
            step("callback", f"回访：{CallbackAnswer(rating.callback_answer).label}", called, rating.callback_note)
            rating.handling, rating.closed_on = Handling.CLOSED, called
            step("close", "办结", called)
    # Appeals: one pending, one upheld (excluded), one rejected, among the older 差评.
    if age > 5 and index % 11 == 3:
        kind = (index // 11) % 3
        decided = workdays.add_working_days(rating.rated_on, 4)
        rating.appeal_reason = "申请人因不符合受理条件被告知不予受理后给予差评，窗口已依法一次性告知，属于误评。"
        step("appeal", "申诉", workdays.add_working_days(rating.rated_on, 1), rating.appeal_reason)
        if kind == 0:
            rating.appeal = Appeal.PENDING
        elif kind == 1:
            rating.appeal, rating.excluded = Appeal.UPHELD, True
            rating.appeal_decision = "经调阅录像核实，窗口依法告知，差评与事实不符，申诉成立。"
            if rating.handling != Handling.CLOSED:
                rating.handling, rating.closed_on = Handling.CLOSED, min(today, decided)
            step(
                "uphold",
                "申诉成立，评价剔除",
                decided,
                rating.appeal_decision,
                supervisor,
                "效能监察员",
            )
        else:
            rating.appeal = Appeal.REJECTED
            rating.appeal_decision = "申诉理由不充分，差评反映的等候时间过长问题属实，申诉不成立。"
            step(
                "reject_appeal",
                "申诉不成立",
                decided,
                rating.appeal_decision,
                supervisor,
                "效能监察员",
            )
