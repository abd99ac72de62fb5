"""Every change of an item happens here: submitting it and each step of ``interaction.states``.

One transaction per step with the item's row locked (``select_for_update``; SQLite takes the whole
database, retried by ``core.locking``). A caller that read the item at some ``revision`` passes it:
when someone else acted meanwhile the step is refused (``InteractionConflict``) and nothing changes.
Who may take a step is asked of the one policy (``policy_for(Interaction)``) with the action the
step table names (``change`` or ``publish``); the 12345 system acts as itself (``system=...``) on
the items it created. Every step is an ``InteractionStep`` and refreshes the item's light.
Bad input raises ``InteractionError`` with a Chinese message and the field it names.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from core.identity import check_phone
from core.locking import retry_if_locked
from core.pii import normalise
from permissions.policy import policy_for

from . import clock
from .models import (
    BODY_LIMIT,
    NAME_LIMIT,
    NOTE_LIMIT,
    PREFIXES,
    REPLY_LIMIT,
    SUBJECT_LIMIT,
    Interaction,
    InteractionCounter,
    InteractionStep,
    Kind,
    Satisfaction,
    Source,
)
from .states import ACTIONS, refusal


class InteractionError(Exception):
    """A refused step or bad input: ``message`` in Chinese, ``field`` naming what was wrong."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InteractionConflict(InteractionError):
    """Someone else acted on the item since the caller read it."""


@dataclass
class Submission:
    """What a visitor (or the 12345 system) sends, checked by ``clean_submission``."""

    kind: str
    subject: str
    body: str
    name: str
    phone: str
    email: str = ""
    consent: bool = False


def _text(value, label: str, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if required and not value:
        raise InteractionError(f"请填写{label}。", field)
    if len(value) > limit:
        raise InteractionError(f"{label}不能超过{limit}个字（现有{len(value)}个字）。", field)
    return value


def clean_submission(data: Mapping) -> Submission:
    """Check the fields; the first bad one raises ``InteractionError`` naming it."""
    kind = (data.get("kind") or "").strip()
    if kind not in Kind.values:
        raise InteractionError("类型应为咨询（consultation）、投诉（complaint）或建议（suggestion）。", "kind")
    subject = _text(data.get("subject"), "主题", "subject", SUBJECT_LIMIT)
    body = _text(data.get("body"), "内容", "body", BODY_LIMIT)
    if len(body) < 5:
        raise InteractionError("内容太短，请把问题说清楚（至少5个字）。", "body")
    name = _text(data.get("name"), "姓名", "name", NAME_LIMIT)
    phone = normalise(data.get("phone") or "")
    try:
        check_phone(phone)
    except ValidationError as error:
        raise InteractionError(" ".join(error.messages), "phone") from error
    email = (data.get("email") or "").strip()
    if email:
        from django.core.validators import validate_email

        if len(email) > 100:
            raise InteractionError("电子邮箱不能超过100个字符。", "email")
        try:
            validate_email(email)
        except ValidationError as error:
            raise InteractionError("电子邮箱格式不正确。", "email") from error
    return Submission(kind, subject, body, name, phone, email, bool(data.get("consent")))


def _next_number(kind: str, year: int) -> str:
    """The next serial of the kind's year in one statement (UPDATE … RETURNING holds the row lock
    to the end of the transaction, so two items never get one number)."""
    table = InteractionCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE kind = %s AND year = %s RETURNING last"  # noqa: S608  (table name from the model, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, year])
        row = cursor.fetchone()
    if row is None:  # the kind's first item of the year
        InteractionCounter.objects.get_or_create(kind=kind, year=year)
        return _next_number(kind, year)
    return f"{PREFIXES[kind]}{year}-{row[0]:06d}"


def _actor_name(user, fallback: str = "") -> str:
    if user is None:
        return fallback or "系统"
    return (user.get_full_name() or user.get_username())[:100]


def check_department(department) -> None:
    if department is None:
        raise InteractionError("请选择受理部门。", "department")
    if not department.is_active:
        raise InteractionError(f"部门“{department}”已停用，请选择其他部门。", "department")


@retry_if_locked
def _create(item: Interaction, step_note: str, actor_name: str) -> Interaction:
    item.number = _next_number(item.kind, clock.local_date(item.submitted_at).year)
    item.save()
    InteractionStep.objects.create(
        interaction=item,
        action="submit_new",
        label="提交",
        to_state=item.state,
        to_department=item.department,
        on=clock.local_date(item.submitted_at),
        actor_name=actor_name,
        note=step_note,
    )
    return item


def submit(
    submission: Submission,
    *,
    department,
    matter=None,
    source: str = Source.PORTAL,
    source_page=None,
    hotline_ticket: str = "",
    hotline_client_id: int | None = None,
    submitted_at: datetime.datetime | None = None,
) -> tuple[Interaction, bool]:
    """Open an item; (item, created). The 12345 system sending a ticket again gets its item back."""
    check_department(department)
    if source not in Source.values:
        raise InteractionError("来源不正确。", "source")
    ticket = _text(hotline_ticket, "12345工单号", "ticket", 40, required=False)
    if ticket:
        existing = Interaction.objects.select_related("department").filter(hotline_ticket=ticket).first()
        if existing is not None:
            if existing.hotline_client_id != hotline_client_id:
                raise InteractionError(f"工单号 {ticket} 已被其他系统使用。", "ticket")
            return existing, False
    submitted_at = submitted_at or timezone.now()
    if submitted_at > timezone.now() + datetime.timedelta(minutes=5):
        raise InteractionError("提交时间不能晚于当前时间。", "submitted_at")
    item = Interaction(
        department=department,
        kind=submission.kind,
        subject=submission.subject,
        body=submission.body,
        matter=matter,
        source=source,
        source_page=source_page,
        name=submission.name,
        phone=submission.phone,
        email=submission.email,
        consent=submission.consent,
        submitted_at=submitted_at,
        reply_days=clock.reply_days(submission.kind),
        hotline_ticket=ticket,
        hotline_client_id=hotline_client_id,
    )
    clock.start(item, clock.local_date(submitted_at))
    item.light = clock.light_of(item, timezone.localdate())
    item.light_since = timezone.localdate() if item.light else None
    note = f"通过{Source(source).label}提交" + (f"，12345工单号 {ticket}" if ticket else "")
    try:
        return _create(item, note, "12345热线" if ticket else "来信人"), True
    except IntegrityError:  # the same ticket sent twice at once: the other request made it
        existing = Interaction.objects.select_related("department").filter(hotline_ticket=ticket).first()
        if not ticket or existing is None or existing.hotline_client_id != hotline_client_id:
            raise
        return existing, False


@dataclass
class Step:
    """One step asked for: the action of ``interaction.states`` and what it needs."""

    action: str
    note: str = ""
    reply: str | None = None
    department: object | None = None  # 转办: the receiving department
    publish: bool = True  # 审核通过: publish when the visitor agreed (the reviewer may withhold it)
    satisfaction: str = ""  # 办结: 回访结果
    expected_revision: int | None = None


def may(user, action_key: str, item: Interaction) -> bool:
    """Whether ``user`` may take the step on ``item`` (the policy, with the step's permission)."""
    action = ACTIONS.get(action_key)
    if action is None or user is None:
        return False
    return policy_for(Interaction).user_has_permission_for_instance(user, action.permission, item)


@retry_if_locked
def act(pk: int, step: Step, *, user=None, system: str = "", today: datetime.date | None = None) -> Interaction:
    """Take one step on an item; refused steps change nothing.

    ``user`` is checked against the policy; ``system`` names a system acting on its own items
    (the 12345 hotline), whose caller has checked that the item is one of them.
    """
    item = Interaction.objects.select_for_update().select_related("department").get(pk=pk)
    if user is None and not system:
        raise PermissionDenied("需要登录后办理。")
    if user is not None and not may(user, step.action, item):
        action = ACTIONS.get(step.action)
        if action is not None and action.permission == "publish":
            raise PermissionDenied("只有本部门的审核员可以审核答复或撤销公开。")
        raise PermissionDenied("您没有办理该事项的权限。")
    if step.expected_revision is not None and step.expected_revision != item.revision:
        raise InteractionConflict("该事项已被他人办理（状态或内容已变化），请刷新后查看最新情况再操作。", "revision")
    reason = refusal(item.state, step.action)
    if reason:
        raise InteractionError(reason, "action")
    action = ACTIONS[step.action]
    note = _text(step.note, "意见或理由", "note", NOTE_LIMIT, required=False)
    if action.needs_note and not note:
        raise InteractionError(f"“{action.label}”须写明理由。", "note")
    today = today or timezone.localdate()
    previous, from_department = item.state, item.department
    step.note = note
    getattr(_Handlers, step.action)(item, step, today, user)
    if action.target is not None:
        item.state = action.target
    light = clock.light_of(item, today)
    if light != item.light:
        item.light, item.light_since = light, today if light else None
    item.revision += 1
    item.save()
    InteractionStep.objects.create(
        interaction=item,
        action=step.action,
        label=action.label,
        from_state=previous,
        to_state=item.state,
        from_department=from_department if step.action == "transfer" else None,
        to_department=item.department if step.action == "transfer" else None,
        on=today,
        actor=user,
        actor_name=_actor_name(user, system),
        note=step.note[:NOTE_LIMIT],
    )
    return item


class _Handlers:
    """What each step does beyond the state."""

    @staticmethod
    def accept(item: Interaction, step: Step, today: datetime.date, user) -> None:
        return None

    @staticmethod
    def transfer(item: Interaction, step: Step, today: datetime.date, user) -> None:
        target = step.department
        check_department(target)
        if target.pk == item.department_id:
            raise InteractionError("请选择其他部门：不能转办给本部门。", "department")
        restart = clock.transfer_restarts(item, today)
        if restart:
            clock.start(item, today)
            step.note = (
                f"{step.note}；转办时已超过受理后{clock.TRANSFER_GRACE_DAYS}个工作日，"
                f"答复期限自转办之日重新计算至{item.due_date:%Y-%m-%d}"
            )
        item.department = target
        item.transfers += 1
        item.reply, item.reply_drafted_by = "", None  # the receiving department answers in its own words
        step.note = f"转至{target.name}：{step.note}"

    @staticmethod
    def _reply(item: Interaction, step: Step, user) -> None:
        if step.reply is not None:
            item.reply = _text(step.reply, "答复内容", "reply", REPLY_LIMIT)
            item.reply_drafted_by = user

    @staticmethod
    def draft(item: Interaction, step: Step, today: datetime.date, user) -> None:
        if step.reply is None:
            raise InteractionError("请填写答复内容。", "reply")
        _Handlers._reply(item, step, user)

    @staticmethod
    def submit(item: Interaction, step: Step, today: datetime.date, user) -> None:
        _Handlers._reply(item, step, user)
        if not item.reply.strip():
            raise InteractionError("请先填写答复内容再提交审核。", "reply")

    @staticmethod
    def approve(item: Interaction, step: Step, today: datetime.date, user) -> None:
        if user is not None and item.reply_drafted_by_id == user.pk:
            raise InteractionError("答复须由起草人以外的审核员审核：您起草了这份答复。", "action")
        item.reply_approved_by = user
        item.reply_approved_at = timezone.now()
        item.answered_on = today
        item.published = bool(item.consent and step.publish)
        if item.consent and not step.publish:
            step.note = (step.note + "；" if step.note else "") + "不予公开"

    @staticmethod
    def _return(item: Interaction, step: Step, today: datetime.date, user) -> None:
        item.reply_approved_by, item.reply_approved_at = None, None

    @staticmethod
    def reject(item: Interaction, step: Step, today: datetime.date, user) -> None:
        item.refusal = step.note
        item.closed_on = today

    @staticmethod
    def close(item: Interaction, step: Step, today: datetime.date, user) -> None:
        if step.satisfaction and step.satisfaction not in Satisfaction.values:
            raise InteractionError("回访结果应为 satisfied、basic、unsatisfied 或 unreachable。", "satisfaction")
        item.satisfaction = step.satisfaction
        item.closed_on = today
        if step.satisfaction:
            label = Satisfaction(step.satisfaction).label
            step.note = f"回访结果：{label}" + (f"；{step.note}" if step.note else "")

    @staticmethod
    def unpublish(item: Interaction, step: Step, today: datetime.date, user) -> None:
        if not item.published:
            raise InteractionError("该事项未公开。", "action")
        item.published = False


setattr(_Handlers, "return", _Handlers._return)  # "return" is a keyword: the step table's name for 退回修改
