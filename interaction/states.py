"""The states of an item and the steps between them: one table, nothing else decides.

提交（待受理） → 受理（办理中） → 提交审核（待审核） → 审核通过（已答复） → 办结; 审核员 may 退回修改;
转办 to another department (with a reason) while it is not answered; 不予受理 (with a reason) for
what is not a matter for the department or is abuse. ``permission`` is the policy action the
step needs: the department's 内容维护员 and 审核员 ``change``, only the 审核员 ``publish``
(《政府网站与政务新媒体检查指标》: replies are checked before they are published; 《信访工作条例》
arts. 22, 32 for the handling of complaints and their time limits).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import State

S = State


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (a saved draft)
    permission: str = "change"
    needs_note: bool = False


ACTIONS: dict[str, Action] = {
    action.key: action
    for action in (
        Action("accept", "受理", (S.SUBMITTED, S.TRANSFERRED), S.HANDLING),
        Action("transfer", "转办", (S.SUBMITTED, S.TRANSFERRED, S.HANDLING), S.TRANSFERRED, needs_note=True),
        Action("draft", "保存答复草稿", (S.HANDLING, S.RETURNED), None),
        Action("submit", "提交审核", (S.HANDLING, S.RETURNED), S.REVIEW),
        Action("approve", "审核通过", (S.REVIEW,), S.ANSWERED, permission="publish"),
        Action("return", "退回修改", (S.REVIEW,), S.RETURNED, permission="publish", needs_note=True),
        Action("reject", "不予受理", (S.SUBMITTED, S.TRANSFERRED, S.HANDLING), S.REJECTED, needs_note=True),
        Action("close", "办结", (S.ANSWERED,), S.CLOSED),
        Action("unpublish", "撤销公开", (S.ANSWERED, S.CLOSED), None, permission="publish", needs_note=True),
    )
}


def refusal(state: str, action_key: str) -> str | None:
    """The Chinese reason an action is not allowed in this state, or None when it is."""
    action = ACTIONS.get(action_key)
    if action is None:
        return f"未知的办理环节“{action_key}”。"
    if state in action.sources:
        return None
    return f"当前为“{State(state).label}”，不能进行“{action.label}”。"


def next_actions(state: str, permissions: set[str] | frozenset[str] = frozenset({"change", "publish"})) -> list[Action]:
    """What may be done next by someone holding ``permissions``, in the table's order."""
    return [a for a in ACTIONS.values() if state in a.sources and a.permission in permissions]
