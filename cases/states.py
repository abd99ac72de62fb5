"""The states of a case and the steps between them: one table, nothing else decides.

申请 → 预审 → 受理 / 不予受理 / 补正告知 → 办理 → 办结（准予 / 不予许可） → 出件送达; 撤回 while open;
即办件 and 当场办结 go from 申请 to 办结 in one step. 《行政许可法》 arts. 32 (受理, 补正, 不予受理),
34–38 (审查与决定), 40–41 (送达), 45 (特别程序); the state names follow GB/T 36114-2018's 办件状态.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import BEFORE_ACCEPTANCE, CaseState

S = CaseState


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str
    needs_note: bool = False  # a reason the applicant is told (不予受理, 不予许可, 撤回)
    by_applicant: bool = False  # something the applicant does (补正材料, 撤回), recorded by staff or a system


ACTIONS: dict[str, Action] = {
    action.key: action
    for action in (
        Action("prereview", "预审", (S.APPLIED,), S.PREREVIEW),
        Action("accept", "受理", BEFORE_ACCEPTANCE, S.ACCEPTED),
        Action("amend", "补正告知", (S.APPLIED, S.PREREVIEW), S.AMENDMENT),
        Action("resubmit", "提交补正材料", (S.AMENDMENT,), S.PREREVIEW, by_applicant=True),
        Action("reject", "不予受理", BEFORE_ACCEPTANCE, S.REJECTED, needs_note=True),
        Action("handle", "审查办理", (S.ACCEPTED,), S.HANDLING),
        Action("special_start", "启动特别程序", (S.ACCEPTED, S.HANDLING), S.SPECIAL),
        Action("special_end", "特别程序结束", (S.SPECIAL,), S.HANDLING),
        Action("approve", "办结（准予）", (S.ACCEPTED, S.HANDLING), S.APPROVED),
        Action("deny", "办结（不予许可）", (S.ACCEPTED, S.HANDLING), S.DENIED, needs_note=True),
        Action("complete_now", "当场办结", (*BEFORE_ACCEPTANCE, S.ACCEPTED, S.HANDLING), S.APPROVED),
        Action("deliver", "出件送达", (S.APPROVED, S.DENIED), S.DELIVERED),
        Action(
            "withdraw",
            "撤回申请",
            (*BEFORE_ACCEPTANCE, S.ACCEPTED, S.HANDLING, S.SPECIAL),
            S.WITHDRAWN,
            needs_note=True,
            by_applicant=True,
        ),
    )
}


def refusal(state: str, action_key: str) -> str | None:
    """The Chinese reason an action is not allowed in this state, or None when it is."""
    action = ACTIONS.get(action_key)
    if action is None:
        return f"未知的办理环节“{action_key}”。"
    if state in action.sources:
        return None
    return f"办件当前为“{CaseState(state).label}”，不能进行“{action.label}”。"


def next_actions(state: str) -> list[Action]:
    """What may be done next, in the table's order (the buttons of the detail page)."""
    return [action for action in ACTIONS.values() if state in action.sources]
