"""Items, submitted as the portal submits them (``interaction.flow.submit``) and taken through steps.

``submit(department)`` opens a consultation of 张三丰 (phone ``PHONE``, agreeing to publication);
``item_in(state, world)`` walks one of department A through the flow to ``state`` with A's
内容维护员 and 审核员; ``take(item, action, user, **step)`` runs one step.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from interaction import flow
from interaction.models import Interaction, State

PHONE = "13812345678"
EMAIL = "zhang@example.cn"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def submission(**overrides) -> flow.Submission:
    data = {
        "kind": "consultation",
        "subject": "营业执照怎么办",
        "body": "请问个体工商户营业执照能否网上办理？",
        "name": "张三丰",
        "phone": PHONE,
        "email": EMAIL,
        "consent": True,
    }
    data.update(overrides)
    return flow.clean_submission(data)


def submit(department, *, on: datetime.date | None = None, matter=None, **overrides) -> Interaction:
    item, _ = flow.submit(
        submission(**overrides), department=department, matter=matter, submitted_at=at(on) if on else None
    )
    return item


def take(item: Interaction, action: str, user=None, **step) -> Interaction:
    return flow.act(item.pk, flow.Step(action, **step), user=user)


REPLY = "可以网上办理，材料齐全当场办结。"

# The steps from 待受理 to each state (who: "owner" or "reviewer" of department A).
PATHS = {
    State.SUBMITTED: [],
    State.HANDLING: [("accept", "owner", {})],
    State.REVIEW: [("accept", "owner", {}), ("submit", "owner", {"reply": REPLY})],
    State.RETURNED: [
        ("accept", "owner", {}),
        ("submit", "owner", {"reply": REPLY}),
        ("return", "reviewer", {"note": "请补充依据"}),
    ],
    State.ANSWERED: [("accept", "owner", {}), ("submit", "owner", {"reply": REPLY}), ("approve", "reviewer", {})],
    State.CLOSED: [
        ("accept", "owner", {}),
        ("submit", "owner", {"reply": REPLY}),
        ("approve", "reviewer", {}),
        ("close", "owner", {"satisfaction": "satisfied"}),
    ],
    State.REJECTED: [("reject", "owner", {"note": "广告信息"})],
}


def item_in(state: str, world, department=None, **overrides) -> Interaction:
    """An item of ``department`` (A by default) in ``state``; a transferred one went from it to the other."""
    department = department or world.dept_a
    suffix = "" if department == world.dept_a else "_b"
    item = submit(department, **overrides)
    if state == State.TRANSFERRED:
        other = world.dept_b if department == world.dept_a else world.dept_a
        return take(item, "transfer", world.users["owner" + suffix], department=other, note="属对方职责")
    for action, role, step in PATHS[state]:
        item = take(item, action, world.users[role + suffix], **step)
    return item
