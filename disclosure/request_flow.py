"""The life of a request for disclosure, and its statutory clock.

Every transition is one transaction on a locked row, asks the permission policy, and is
recorded by django-simple-history with the acting user and the step as the reason. The due
date comes from the working-day calendar (``cms.workdays``):

    due = received + 20 + extension + paused working days          (art. 33)

where ``received`` restarts from the amended application (art. 30), third-party consultation
time is paused (art. 32) and an extension adds at most 20 working days (art. 33). While the
applicant is asked to amend, the clock is stopped and there is no due date.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms.workdays import UncoveredYearError, add_working_days, is_working_day, working_days_between
from permissions.models import Department

from .request_models import (
    REPLY_SUBREASONS,
    DisclosureRequest,
    ReplyTemplate,
    ReplyType,
    RequestStatus,
)

REPLY_DAYS = 20  # art. 33
MAX_EXTENSION_DAYS = 20  # art. 33
AMENDMENT_NOTICE_DAYS = 7  # art. 30


class FlowError(Exception):
    """A step that cannot be taken now; the message is for the user, in Chinese."""


# ---- the clock ---------------------------------------------------------------------------


def receipt_date(moment: datetime.datetime | None = None) -> datetime.date:
    """The day an online application counts as received: that day if it is a working day,
    else the next working day (received on the first day both sides can confirm, art. 31)."""
    day = timezone.localdate(moment) if moment else timezone.localdate()
    try:
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    except UncoveredYearError:
        pass  # the calendar will be completed; the due date stays open until then
    return day


def compute_due_date(request: DisclosureRequest) -> datetime.date | None:
    """The reply deadline now, or None while the clock is stopped or the calendar lacks a year."""
    if request.status in (RequestStatus.AMENDMENT, RequestStatus.CONSULTATION) or not request.received_date:
        return None
    if request.status in (RequestStatus.REPLIED, RequestStatus.CLOSED):
        return request.due_date
    try:
        return add_working_days(request.received_date, REPLY_DAYS + request.extension_days + request.paused_days)
    except UncoveredYearError:
        return None


def refresh_open_due_dates() -> int:
    """Recompute the due dates of open requests (after the calendar changed); returns how many changed."""
    changed = 0
    for request in DisclosureRequest.objects.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.REGISTERED]):
        due = compute_due_date(request)
        if due != request.due_date:
            DisclosureRequest.objects.filter(pk=request.pk).update(due_date=due)
            changed += 1
    return changed


def working_days_left(request: DisclosureRequest, today: datetime.date | None = None) -> int | None:
    """Working days from today to the due date (negative when overdue), None without a due date."""
    if request.due_date is None:
        return None
    today = today or timezone.localdate()
    try:
        if request.due_date >= today:
            return working_days_between(today, request.due_date)
        return -working_days_between(request.due_date, today)
    except UncoveredYearError:
        return None


# ---- steps -------------------------------------------------------------------------------


def _policy():
    from permissions.policy import policy_for

    return policy_for(DisclosureRequest)


def may(user, action: str, request: DisclosureRequest) -> bool:
    return _policy().user_has_permission_for_instance(user, action, request)


def _step(request: DisclosureRequest, user, action: str = "change"):
    """Lock the row, check the right, and return the fresh locked copy to change."""
    if not may(user, action, request):
        raise FlowError("您没有办理这件申请的权限。")
    return DisclosureRequest.objects.select_for_update().get(pk=request.pk)


def _save(row: DisclosureRequest, user, reason: str) -> DisclosureRequest:
    if row.status not in (RequestStatus.REPLIED, RequestStatus.CLOSED):
        row.due_date = compute_due_date(row)
    row._history_user = user
    row._change_reason = reason
    row.save()
    return row


def _require(row: DisclosureRequest, statuses, what: str) -> None:
    if row.status not in statuses:
        raise FlowError(f"申请当前为“{row.get_status_display()}”，不能{what}。")


def _text(value: str, label: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise FlowError(f"请填写{label}。")
    if len(value) > limit:
        raise FlowError(f"{label}不能超过{limit}字。")
    return value


@transaction.atomic
def register(request: DisclosureRequest, user, received_date: datetime.date | None = None) -> DisclosureRequest:
    """登记: confirm receipt (the received date may be corrected, art. 31)."""
    row = _step(request, user)
    _require(row, [RequestStatus.SUBMITTED], "登记")
    if received_date is not None:
        if received_date > timezone.localdate():
            raise FlowError("收到申请日期不能晚于今天。")
        row.received_date = received_date
    row.status = RequestStatus.REGISTERED
    row.registered_at = timezone.now()
    return _save(row, user, f"登记（收到申请日期 {row.received_date:%Y-%m-%d}）")


@transaction.atomic
def assign(request: DisclosureRequest, user, department: Department, reason: str = "") -> DisclosureRequest:
    """转办: hand the request to the department that holds the information."""
    row = _step(request, user)
    _require(row, [RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.CONSULTATION], "转办")
    if not department.is_active:
        raise FlowError(f"{department.name}已停用，不能转办。")
    if department.pk == row.department_id:
        raise FlowError("申请已由该部门办理。")
    row.department = department
    return _save(row, user, f"转办至{department.name}" + (f"：{reason.strip()}" if reason.strip() else ""))


@transaction.atomic
def ask_amendment(
    request: DisclosureRequest, user, note: str, deadline: datetime.date, today: datetime.date | None = None
) -> DisclosureRequest:
    """告知补正: once, within 7 working days of receipt; the clock stops (art. 30)."""
    row = _step(request, user)
    _require(row, [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "告知补正")
    if row.amendment_requested_at:
        raise FlowError("补正只能告知一次。")
    today = today or timezone.localdate()
    try:
        last_day = add_working_days(row.received_date, AMENDMENT_NOTICE_DAYS)
    except UncoveredYearError as error:
        raise FlowError(str(error)) from error
    if today > last_day:
        raise FlowError(f"告知补正应在收到申请之日起7个工作日内（即{last_day:%Y年%m月%d日}前）作出，已超过期限。")
    if deadline <= today:
        raise FlowError("补正期限应晚于今天。")
    row.amendment_note = _text(note, "需要补正的内容", 1000)
    row.amendment_deadline = deadline
    row.amendment_requested_at = today
    row.status = RequestStatus.AMENDMENT
    return _save(row, user, f"告知补正（期限 {deadline:%Y-%m-%d}）")


@transaction.atomic
def receive_amendment(request: DisclosureRequest, user, received: datetime.date) -> DisclosureRequest:
    """收到补正: the clock restarts from the amended application (art. 30)."""
    row = _step(request, user)
    _require(row, [RequestStatus.AMENDMENT], "登记补正")
    if received < row.amendment_requested_at or received > timezone.localdate():
        raise FlowError("收到补正日期应在告知补正之后、不晚于今天。")
    row.received_date = received
    row.paused_days = 0
    row.status = RequestStatus.REGISTERED
    return _save(row, user, f"收到补正，答复期限自 {received:%Y-%m-%d} 重新计算")


@transaction.atomic
def start_consultation(request: DisclosureRequest, user, third_party: str, day: datetime.date) -> DisclosureRequest:
    """征求第三方意见: the time is not counted (art. 32)."""
    row = _step(request, user)
    _require(row, [RequestStatus.REGISTERED], "征求第三方意见")
    if day > timezone.localdate() or day < row.received_date:
        raise FlowError("征求意见日期应在收到申请之后、不晚于今天。")
    row.third_party = _text(third_party, "第三方名称", 200)
    row.pause_started = day
    row.status = RequestStatus.CONSULTATION
    return _save(row, user, f"征求第三方（{row.third_party}）意见，暂停计时")


@transaction.atomic
def end_consultation(request: DisclosureRequest, user, day: datetime.date) -> DisclosureRequest:
    """收到第三方意见: the paused working days are added to the deadline."""
    row = _step(request, user)
    _require(row, [RequestStatus.CONSULTATION], "结束征求意见")
    if day < row.pause_started or day > timezone.localdate():
        raise FlowError("结束日期应在征求意见开始之后、不晚于今天。")
    try:
        paused = working_days_between(row.pause_started, day)
    except UncoveredYearError as error:
        raise FlowError(str(error)) from error
    row.paused_days += paused
    row.pause_started = None
    row.status = RequestStatus.REGISTERED
    return _save(row, user, f"收到第三方意见，不计入期限 {paused} 个工作日")


@transaction.atomic
def extend(request: DisclosureRequest, user, days: int, approver: str, reason: str) -> DisclosureRequest:
    """延期: at most 20 working days in all, approved by the head of disclosure work (art. 33)."""
    row = _step(request, user, action="publish")
    _require(row, [RequestStatus.REGISTERED], "延期")
    if days < 1 or row.extension_days + days > MAX_EXTENSION_DAYS:
        left = MAX_EXTENSION_DAYS - row.extension_days
        raise FlowError(f"延长期限最长20个工作日，本申请还可延长{left}个工作日。")
    row.extension_approver = _text(approver, "批准人", 50)
    row.extension_reason = _text(reason, "延期理由")
    row.extension_days += days
    return _save(row, user, f"延期{days}个工作日（批准人：{row.extension_approver}；理由：{row.extension_reason}）")


def draft_letter(request: DisclosureRequest, reply_type: str, subreason: str = "", day=None) -> str:
    """The reply letter from the editable template of the reply type (and sub-reason)."""
    template = (
        ReplyTemplate.objects.filter(reply_type=reply_type, subreason=subreason).first()
        or ReplyTemplate.objects.filter(reply_type=reply_type, subreason="").first()
    )
    if template is None:
        return ""
    day = day or timezone.localdate()
    values = {
        "name": request.name,
        "received": f"{request.received_date:%Y年%m月%d日}",
        "description": request.description,
        "code": request.tracking_code,
        "article": template.article,
        "agency": request.department.name,
        "date": f"{day:%Y年%m月%d日}",
    }
    try:
        return template.body.format(**values)
    except (KeyError, IndexError, ValueError):
        return template.body  # a template with an unknown placeholder is shown as written


@transaction.atomic
def reply(
    request: DisclosureRequest,
    user,
    reply_type: str,
    subreason: str,
    letter: str,
    day: datetime.date | None = None,
) -> DisclosureRequest:
    """答复: the outcome exactly in the annual report's taxonomy, with the letter sent."""
    row = _step(request, user)
    allowed = [RequestStatus.SUBMITTED, RequestStatus.REGISTERED]
    if reply_type == ReplyType.OTHER and subreason == "no_amendment":
        allowed = [RequestStatus.AMENDMENT]
    _require(row, allowed, f"作出“{ReplyType(reply_type).label if reply_type in ReplyType.values else reply_type}”答复")
    if reply_type not in ReplyType.values:
        raise FlowError("请选择答复类型。")
    reasons = [key for key, _ in REPLY_SUBREASONS.get(reply_type, [])]
    if reasons and subreason not in reasons:
        raise FlowError(f"“{ReplyType(reply_type).label}”须选择具体情形。")
    if not reasons and subreason:
        raise FlowError(f"“{ReplyType(reply_type).label}”没有具体情形。")
    day = day or timezone.localdate()
    no_amendment = reply_type == ReplyType.OTHER and subreason == "no_amendment"
    if no_amendment and row.amendment_deadline and day <= row.amendment_deadline:
        raise FlowError(f"补正期限（{row.amendment_deadline:%Y年%m月%d日}）尚未届满。")
    if day > timezone.localdate() or day < row.received_date:
        raise FlowError("答复日期应在收到申请之后、不晚于今天。")
    row.due_date = compute_due_date(row)
    row.reply_type, row.reply_subreason = reply_type, subreason
    row.reply_letter = _text(letter, "答复书", 10_000)
    row.reply_date = day
    row.status = RequestStatus.REPLIED
    label = ReplyType(reply_type).label + (f"（{row.subreason_label}）" if subreason else "")
    return _save(row, user, f"答复：{label}")


@transaction.atomic
def close(request: DisclosureRequest, user) -> DisclosureRequest:
    """归档."""
    row = _step(request, user)
    _require(row, [RequestStatus.REPLIED], "归档")
    row.status = RequestStatus.CLOSED
    row.closed_at = timezone.now()
    return _save(row, user, "归档")


# ---- reading -----------------------------------------------------------------------------


def due_soon_and_overdue(queryset, today: datetime.date | None = None, days: int = 3):
    """(overdue, due within ``days`` working days) among open requests with a running clock."""
    today = today or timezone.localdate()
    running = queryset.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.REGISTERED], due_date__isnull=False)
    try:
        horizon = add_working_days(today, days)
    except UncoveredYearError:
        horizon = today + datetime.timedelta(days=days)
    overdue = running.filter(due_date__lt=today).order_by("due_date")
    soon = running.filter(due_date__gte=today, due_date__lte=horizon).order_by("due_date")
    return overdue, soon


def on_time_rate(start: datetime.date, end: datetime.date, department: Department | None = None, queryset=None) -> dict:
    """Of the requests answered between ``start`` and ``end``, how many on time (pauses honoured)."""
    base = DisclosureRequest.objects.all() if queryset is None else queryset
    answered = base.filter(reply_date__gte=start, reply_date__lte=end, due_date__isnull=False)
    if department is not None:
        answered = answered.filter(department=department)
    total = answered.count()
    on_time = answered.filter(reply_date__lte=F("due_date")).count()
    return {"total": total, "on_time": on_time, "rate": (on_time / total) if total else None}


def new_request_defaults() -> dict:
    """What a freshly submitted request starts with."""
    return {"received_date": receipt_date(), "status": RequestStatus.SUBMITTED}


__all__ = [
    "FlowError",
    "ask_amendment",
    "assign",
    "close",
    "compute_due_date",
    "draft_letter",
    "end_consultation",
    "extend",
    "receive_amendment",
    "register",
    "reply",
    "start_consultation",
]
