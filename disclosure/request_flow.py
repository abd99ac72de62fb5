"""The life of a request for disclosure: every step staff take, by the letter of the law.

Every step is one transaction on a locked row (``select_for_update``; SQLite runs IMMEDIATE
transactions), asks the permission policy, refuses what the law or the state does not allow with
a Chinese message and nothing written, recomputes the clock (``disclosure.clock``) and is recorded
by django-simple-history with the acting user and the step as the reason. Two clerks acting on
one request at once: the second waits for the first and then finds the new state.

《政府信息公开条例》(2019): receipt art. 31; amendment once within 7 working days, clock restarted
art. 30; third-party consultation not counted art. 32; reply within 20 working days, extension of
at most 20 approved before the period runs out art. 33; reply forms art. 36; fees art. 42 with
国办函〔2020〕109号. Withdrawal and the merging of one applicant's identical requests are steps of
their own (not replies); how the annual report counts them is in ``disclosure.report``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateField, F, OuterRef, Subquery, When
from django.utils import timezone

from core.locking import retry_if_locked
from permissions.models import Department
from workdays import service as workdays

from . import clock, fees, letters
from .request_models import (
    CLOCK_RUNNING,
    OPEN_STATUSES,
    REPLY_SUBREASONS,
    Consultation,
    ConsultationOutcome,
    DeliveryMethod,
    DisclosureRequest,
    FeeMethod,
    FeeNotice,
    FeeStatus,
    Letter,
    LetterAttachment,
    LetterDelivery,
    LetterKind,
    ReplyType,
    RequestStatus,
)
from .uploads import check_upload

REPLY_DAYS = clock.REPLY_DAYS
MAX_EXTENSION_DAYS = clock.MAX_EXTENSION_DAYS
AMENDMENT_NOTICE_DAYS = clock.AMENDMENT_NOTICE_DAYS


class FlowError(Exception):
    """A step that cannot be taken now; the message is for the user, in Chinese."""


# ---- helpers ------------------------------------------------------------------------------


def _policy():
    from permissions.policy import policy_for

    return policy_for(DisclosureRequest)


def may(user, action: str, request: DisclosureRequest) -> bool:
    return _policy().user_has_permission_for_instance(user, action, request)


def _step(request: DisclosureRequest, user, action: str = "change") -> DisclosureRequest:
    """Lock the row, check the right, and return the fresh locked copy to change."""
    if not may(user, action, request):
        raise FlowError("您没有办理这件申请的权限。")
    return DisclosureRequest.objects.select_for_update().select_related("department").get(pk=request.pk)


def _save(row: DisclosureRequest, user, reason: str) -> DisclosureRequest:
    clock.recompute(row, reason=reason)
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


def _day(
    day: datetime.date | None, label: str, *, earliest: datetime.date | None = None, earliest_label: str = ""
) -> datetime.date:
    """A date entered for a step: not in the future, not before ``earliest``."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise FlowError(f"{label}不能晚于今天（{letters.cn_date(today)}）。")
    if earliest is not None and day < earliest:
        raise FlowError(f"{label}不能早于{earliest_label}（{letters.cn_date(earliest)}）。")
    return day


def _backdated(day: datetime.date, note: str, label: str) -> str:
    """A decision dated before today needs a reason, kept in the history."""
    if day < timezone.localdate():
        note = (note or "").strip()
        if not note:
            raise FlowError(f"{label}（{letters.cn_date(day)}）早于今天，请填写补记原因，它将记入办理记录。")
        return f"；补记原因：{note[:200]}"
    return ""


def _mark(day: datetime.date | None, provisional: bool) -> str:
    return letters.cn_date(day, provisional)


# ---- receipt ------------------------------------------------------------------------------


def receive(request: DisclosureRequest, channel: str, arrived: datetime.date, user=None) -> DisclosureRequest:
    """Save a new, validated application: its receipt date and due date from the channel (art. 31)."""
    if arrived > timezone.localdate():
        raise FlowError("递交日期不能晚于今天。")
    with transaction.atomic():
        request.channel = channel
        request.arrived_date = arrived
        clock.recompute(request)
        request._history_user = user
        request._change_reason = (
            f"提交申请（{request.get_channel_display()}，{request.arrival_label} {arrived:%Y-%m-%d}）"
        )
        request.save()
    return request


# ---- steps --------------------------------------------------------------------------------


@retry_if_locked
def register(
    request: DisclosureRequest, user, arrived_date: datetime.date | None = None, note: str = ""
) -> DisclosureRequest:
    """登记: confirm receipt; the arrival date may be corrected (the receipt date follows, art. 31)."""
    row = _step(request, user)
    _require(row, [RequestStatus.SUBMITTED], "登记")
    reason = "登记"
    if arrived_date is not None and arrived_date != row.arrived_date:
        row.arrived_date = _day(arrived_date, row.arrival_label)
        reason += (
            f"（{row.arrival_label}更正为 {arrived_date:%Y-%m-%d}"
            + (f"：{note.strip()[:200]}" if note.strip() else "")
            + "）"
        )
    row.status = RequestStatus.REGISTERED
    row.registered_at = timezone.now()
    row = _save(row, user, reason)
    return row


@retry_if_locked
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


@retry_if_locked
def ask_amendment(
    request: DisclosureRequest, user, note: str, deadline: datetime.date, today: datetime.date | None = None
) -> DisclosureRequest:
    """告知补正: once, within 7 working days of receipt, naming everything at once; the clock stops (art. 30).

    A step certainly inside the 7 days is never refused for want of next year's schedule; where the
    last day falls in a year not yet entered, the estimate decides and the message says so.
    """
    row = _step(request, user)
    _require(row, [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "告知补正")
    if row.amendment_requested_at:
        raise FlowError("补正只能告知一次。")
    today = today or timezone.localdate()
    try:
        last_day = clock.amendment_notice_last_day(row)
    except workdays.UncoveredYearError as error:
        raise FlowError(str(error)) from error
    if today > last_day.value:
        last = _mark(last_day.value, last_day.provisional)
        raise FlowError(f"告知补正应在收到申请之日起7个工作日内（即{last}前）作出，已超过期限。")
    if deadline <= today:
        raise FlowError("补正期限应晚于今天。")
    items = _text(note, "需要补正的内容", 1000)
    row.amendment_note = items
    row.amendment_deadline = deadline
    row.amendment_requested_at = today
    row.status = RequestStatus.AMENDMENT
    row = _save(row, user, f"告知补正（期限 {deadline:%Y-%m-%d}）")
    body, _ = letters.render(row, LetterKind.AMENDMENT, today, {"items": items, "deadline": letters.cn_date(deadline)})
    letters.issue(row, LetterKind.AMENDMENT, body or items, today, user)
    return row


@retry_if_locked
def receive_amendment(request: DisclosureRequest, user, received: datetime.date, note: str = "") -> DisclosureRequest:
    """收到补正: the clock runs again from the amended application (art. 30)."""
    row = _step(request, user)
    _require(row, [RequestStatus.AMENDMENT], "登记补正")
    received = _day(received, "收到补正日期", earliest=row.amendment_requested_at, earliest_label="告知补正之日")
    late = row.amendment_deadline and received > row.amendment_deadline
    if late and not (note or "").strip():
        raise FlowError(
            f"补正期限已于{letters.cn_date(row.amendment_deadline)}届满。逾期补正的，请说明申请人的正当理由；"
            "无正当理由逾期不补正的，请按“申请人逾期不补正”作出答复。"
        )
    row.amendment_received = received
    row.status = RequestStatus.REGISTERED
    reason = f"收到补正，答复期限自 {received:%Y-%m-%d} 重新计算" + (
        f"（逾期补正：{note.strip()[:200]}）" if late else ""
    )
    return _save(row, user, reason)


@retry_if_locked
def start_consultation(request: DisclosureRequest, user, third_party: str, day: datetime.date) -> DisclosureRequest:
    """征求第三方意见: the 征求意见书 goes out; the third party has 15 working days (art. 32).

    Started after the reply period has run out, it is recorded but excludes nothing from it.
    """
    row = _step(request, user)
    _require(row, [RequestStatus.REGISTERED], "征求第三方意见")
    day = _day(day, "征求意见日期", earliest=row.clock_start, earliest_label="收到申请之日")
    name = _text(third_party, "第三方名称", 200)
    deadline = workdays.due_date(day, clock.CONSULTATION_DAYS)
    late = row.due_date is not None and day > row.due_date
    consultation = Consultation(request=row, third_party=name, sent_on=day, deadline=deadline.value)
    consultation.deadline_provisional = deadline.provisional
    body, _ = letters.render(
        row,
        LetterKind.CONSULTATION,
        day,
        {"third_party": name, "deadline": _mark(deadline.value, deadline.provisional)},
    )
    consultation.letter = letters.issue(
        row,
        LetterKind.CONSULTATION,
        body or f"征求{name}意见",
        day,
        user,
        recipient=name,
        provisional=deadline.provisional,
    )
    consultation._history_user, consultation._change_reason = user, "发出征求意见书"
    consultation.save()
    row.status = RequestStatus.CONSULTATION
    reason = f"征求第三方（{name}）意见，答复期限 {deadline.value:%Y-%m-%d}" + (
        "；答复期限已届满，征求意见时间不再从期限中扣除" if late else "，暂停计时"
    )
    return _save(row, user, reason)


@retry_if_locked
def end_consultation(
    request: DisclosureRequest, user, day: datetime.date, outcome: str = ConsultationOutcome.AGREED
) -> DisclosureRequest:
    """收到第三方意见 (or its 15 days ran out): the clock runs again; the time within the period,
    at most ``DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS``, is not counted."""
    row = _step(request, user)
    _require(row, [RequestStatus.CONSULTATION], "结束征求意见")
    if outcome not in ConsultationOutcome.values:
        raise FlowError("请选择第三方意见。")
    open_ones = list(Consultation.objects.select_for_update().filter(request=row, answered_on__isnull=True))
    if not open_ones:
        raise FlowError("没有正在征求意见的第三方。")
    earliest = max(c.sent_on for c in open_ones)
    day = _day(day, "结束日期", earliest=earliest, earliest_label="发出征求意见书之日")
    if outcome == ConsultationOutcome.NO_ANSWER and any(day <= c.deadline for c in open_ones):
        last = letters.cn_date(max(c.deadline for c in open_ones))
        raise FlowError(f"第三方答复期限（{last}）尚未届满，不能按逾期未提出意见处理。")
    for consultation in open_ones:
        consultation.answered_on, consultation.outcome = day, outcome
        consultation._history_user, consultation._change_reason = (
            user,
            f"第三方意见：{ConsultationOutcome(outcome).label}",
        )
        consultation.save()
    row.status = RequestStatus.REGISTERED
    row = _save(row, user, f"结束征求意见（{ConsultationOutcome(outcome).label}，{day:%Y-%m-%d}）")
    excluded = sum(c.excluded_days for c in Consultation.objects.filter(pk__in=[c.pk for c in open_ones]))
    row.flow_note = f"不计入答复期限 {excluded} 个工作日。"
    return row


@retry_if_locked
def extend(
    request: DisclosureRequest,
    user,
    days: int,
    approver: str,
    reason: str,
    day: datetime.date | None = None,
    note: str = "",
) -> DisclosureRequest:
    """延期: at most 20 working days in all, approved by the head of disclosure work before the
    period has run out, and the applicant told (延长答复期限告知书, art. 33(2))."""
    row = _step(request, user, action="publish")
    _require(row, [RequestStatus.REGISTERED], "延期")
    left = MAX_EXTENSION_DAYS - row.extension_days
    if not isinstance(days, int) or days < 1 or days > left:
        raise FlowError(f"延长期限最长20个工作日，本申请还可延长{left}个工作日。")
    day = _day(day, "批准日期", earliest=row.received_date, earliest_label="收到申请之日")
    if row.due_date is None:
        raise FlowError("答复期限尚未确定，不能延期。")
    if day > row.due_date:
        raise FlowError(
            f"答复期限已于{_mark(row.due_date, row.due_provisional)}届满，期限届满后不能再延长（《条例》第三十三条）。"
        )
    backdated = _backdated(day, note, "批准日期")
    row.extension_approver = _text(approver, "批准人", 50)
    row.extension_reason = _text(reason, "延期理由")
    row.extension_days += days
    row.extension_approved_on = day
    row = _save(
        row,
        user,
        f"延期{days}个工作日（{day:%Y-%m-%d} 经{row.extension_approver}批准；理由：{row.extension_reason}{backdated}）",
    )
    body, _ = letters.render(
        row,
        LetterKind.EXTENSION,
        day,
        {"days": days, "due": _mark(row.due_date, row.due_provisional), "reason": row.extension_reason},
    )
    letters.issue(row, LetterKind.EXTENSION, body or row.extension_reason, day, user, provisional=row.due_provisional)
    return row


@retry_if_locked
def charge_fee(
    request: DisclosureRequest, user, method: str, pages: int | None = None, day: datetime.date | None = None
) -> DisclosureRequest:
    """收费通知: only beyond the free allowance (国办函〔2020〕109号); the period pauses until payment."""
    row = _step(request, user)
    _require(row, [RequestStatus.REGISTERED], "发出收费通知")
    if FeeNotice.objects.filter(request=row).exists():
        raise FlowError("本申请已发出过收费通知。")
    day = _day(day, "收费通知日期", earliest=row.clock_start, earliest_label="收到申请之日")
    position = fees.position_in_month(row)
    if method == FeeMethod.PER_REQUEST:
        amount = fees.per_request_fee(position)
        if amount == 0:
            free = settings.DISCLOSURE_FEE_PER_REQUEST["free"]
            raise FlowError(f"这是该申请人本月向本机关提出的第{position}件申请，未超过每月{free}件，不收取信息处理费。")
    elif method == FeeMethod.PER_PAGE:
        if not pages or pages < 1:
            raise FlowError("按量计收请填写需提供信息的页数。")
        amount = fees.per_page_fee(pages)
        if amount == 0:
            raise FlowError(f"需提供的信息共{pages}页，未超过{fees.free_pages()}页，不收取信息处理费。")
    else:
        raise FlowError("请选择计收方式（按件或按量，二者不得同时适用）。")
    deadline = workdays.due_date(day, settings.DISCLOSURE_FEE_PAYMENT_DAYS)
    notice = FeeNotice(
        request=row,
        method=method,
        position_in_month=position,
        pages=pages if method == FeeMethod.PER_PAGE else None,
        amount=amount,
        issued_on=day,
        payment_deadline=deadline.value,
        deadline_provisional=deadline.provisional,
    )
    body, _ = letters.render(
        row,
        LetterKind.FEE,
        day,
        {
            "amount": f"{amount:.2f}",
            "basis": fees.fee_basis(method, position, pages),
            "pay_deadline": _mark(deadline.value, deadline.provisional),
        },
    )
    notice.letter = letters.issue(
        row, LetterKind.FEE, body or f"应缴纳信息处理费{amount}元", day, user, provisional=deadline.provisional
    )
    notice._history_user, notice._change_reason = user, "发出收费通知"
    notice.save()
    row.status = RequestStatus.FEE
    return _save(row, user, f"发出收费通知（{FeeMethod(method).label}，{amount:.2f}元），暂停计时")


@retry_if_locked
def settle_fee(
    request: DisclosureRequest,
    user,
    outcome: str,
    day: datetime.date | None = None,
    amount: Decimal | None = None,
    receipt_number: str = "",
    reason: str = "",
) -> DisclosureRequest:
    """缴费 or 减免: the clock runs again from the day after."""
    row = _step(request, user)
    _require(row, [RequestStatus.FEE], "登记缴费")
    notice = FeeNotice.objects.select_for_update().get(request=row)
    day = _day(
        day,
        "缴费日期" if outcome == FeeStatus.PAID else "减免日期",
        earliest=notice.issued_on,
        earliest_label="发出收费通知之日",
    )
    if outcome == FeeStatus.PAID:
        if amount is None or Decimal(amount) != notice.amount:
            raise FlowError(f"实缴金额应为{notice.amount:.2f}元。")
        notice.paid_amount = notice.amount
        notice.receipt_number = _text(receipt_number, "缴款凭证号", 50)
        text = f"已缴纳信息处理费{notice.amount:.2f}元（凭证号 {notice.receipt_number}）"
    elif outcome == FeeStatus.WAIVED:
        notice.waiver_reason = _text(reason, "减免理由")
        text = f"减免信息处理费（{notice.waiver_reason}）"
    else:
        raise FlowError("请选择缴费或减免。")
    notice.status, notice.settled_on = outcome, day
    notice._history_user, notice._change_reason = user, text
    notice.save()
    row.status = RequestStatus.REGISTERED
    return _save(row, user, f"{text}，{day:%Y-%m-%d} 恢复计时")


def _check_reply_type(reply_type: str, subreason: str) -> None:
    if reply_type not in ReplyType.values:
        raise FlowError("请选择答复类型。")
    reasons = [key for key, _ in REPLY_SUBREASONS.get(reply_type, [])]
    if reasons and subreason not in reasons:
        raise FlowError(f"“{ReplyType(reply_type).label}”须选择具体情形。")
    if not reasons and subreason:
        raise FlowError(f"“{ReplyType(reply_type).label}”没有具体情形。")


@retry_if_locked
def reply(
    request: DisclosureRequest,
    user,
    reply_type: str,
    subreason: str,
    letter: str,
    day: datetime.date | None = None,
    note: str = "",
    attachments=(),
) -> DisclosureRequest:
    """答复: the outcome exactly in the annual report's taxonomy, the letter and the documents released.

    Dated before today only with a reason (kept in the history). 逾期不补正 and 逾期未缴费 only
    once the applicant's period has passed.
    """
    row = _step(request, user)
    label = ReplyType(reply_type).label if reply_type in ReplyType.values else reply_type
    allowed = [RequestStatus.SUBMITTED, RequestStatus.REGISTERED]
    no_amendment = reply_type == ReplyType.OTHER and subreason == "no_amendment"
    fee_unpaid = reply_type == ReplyType.OTHER and subreason == "fee_unpaid"
    if no_amendment:
        allowed = [RequestStatus.AMENDMENT]
    elif fee_unpaid:
        allowed = [RequestStatus.FEE]
    _require(row, allowed, f"作出“{label}”答复")
    _check_reply_type(reply_type, subreason)
    day = _day(day, "答复日期", earliest=row.received_date, earliest_label="收到申请之日")
    if no_amendment and row.amendment_deadline and day <= row.amendment_deadline:
        raise FlowError(f"补正期限（{letters.cn_date(row.amendment_deadline)}）尚未届满。")
    notice = None
    if fee_unpaid:
        notice = FeeNotice.objects.select_for_update().get(request=row)
        if day <= notice.payment_deadline:
            raise FlowError(f"缴费期限（{_mark(notice.payment_deadline, notice.deadline_provisional)}）尚未届满。")
    backdated = _backdated(day, note, "答复日期")
    text = _text(letter, "答复书", 10_000)
    files = list(attachments)
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as error:
            raise FlowError(error.messages[0]) from error
    if notice is not None:
        notice.status, notice._history_user, notice._change_reason = FeeStatus.UNPAID, user, "逾期未缴费"
        notice.save()
    row.reply_type, row.reply_subreason, row.reply_date = reply_type, subreason, day
    row.status = RequestStatus.REPLIED
    full = label + (f"（{row.subreason_label}）" if subreason else "")
    row = _save(row, user, f"答复：{full}{backdated}")
    issued = letters.issue(row, LetterKind.REPLY, text, day, user)
    for upload, content_type in checked:
        LetterAttachment.objects.create(
            letter=issued, file=upload, name=upload.name[-200:], content_type=content_type, size=upload.size
        )
    return row


@retry_if_locked
def withdraw(request: DisclosureRequest, user, day: datetime.date | None = None, note: str = "") -> DisclosureRequest:
    """申请人撤回: the request ends without a reply (counted in the report as 其他处理·其他)."""
    row = _step(request, user)
    _require(row, OPEN_STATUSES, "登记撤回")
    day = _day(day, "撤回日期", earliest=row.received_date, earliest_label="收到申请之日")
    row.withdrawal_note = _text(note, "撤回说明（如申请人书面撤回的方式）")
    row.withdrawn_on = day
    Consultation.objects.filter(request=row, answered_on__isnull=True).update(answered_on=day)
    row.status = RequestStatus.WITHDRAWN
    return _save(row, user, f"申请人撤回申请（{day:%Y-%m-%d}）：{row.withdrawal_note}")


@retry_if_locked
def merge(
    request: DisclosureRequest, user, primary: DisclosureRequest, reason: str, day: datetime.date | None = None
) -> DisclosureRequest:
    """合并处理: one applicant's identical requests are handled as one (the earlier one answers).

    Same agency, same applicant (by the keyed hash of the ID number), the other request still open;
    the merged one is not counted on its own in the annual report.
    """
    if primary.pk == request.pk:
        raise FlowError("不能与本申请自身合并。")
    first, second = sorted([request.pk, primary.pk])
    locked = {r.pk: r for r in DisclosureRequest.objects.select_for_update().filter(pk__in=[first, second])}
    row = _step(request, user)
    target = locked.get(primary.pk)
    if target is None or not may(user, "change", target):
        raise FlowError("找不到要合并到的申请，或您无权办理该申请。")
    _require(row, [RequestStatus.SUBMITTED, RequestStatus.REGISTERED], "合并处理")
    if target.department_id != row.department_id:
        raise FlowError(f"只能合并同一机关办理的申请；{target.tracking_code}由{target.department.name}办理。")
    if target.id_number_hash != row.id_number_hash:
        raise FlowError(f"只能合并同一申请人的申请；{target.tracking_code}的申请人证件号码不同。")
    if target.merged_into_id or target.status not in OPEN_STATUSES:
        raise FlowError(
            f"{target.tracking_code}当前为“{target.get_status_display()}”。已答复的相同申请请按“不予处理·重复申请”答复。"
        )
    day = _day(day, "合并日期", earliest=row.received_date, earliest_label="收到申请之日")
    row.merged_into = target
    row.merge_reason = _text(reason, "合并理由")
    row.status = RequestStatus.MERGED
    row = _save(row, user, f"与{target.tracking_code}合并处理：{row.merge_reason}")
    body, _ = letters.render(row, LetterKind.MERGE, day, {"primary": target.tracking_code, "reason": row.merge_reason})
    letters.issue(row, LetterKind.MERGE, body or row.merge_reason, day, user)
    return row


@retry_if_locked
def close(request: DisclosureRequest, user) -> DisclosureRequest:
    """归档."""
    row = _step(request, user)
    _require(row, [RequestStatus.REPLIED, RequestStatus.WITHDRAWN, RequestStatus.MERGED], "归档")
    row.status = RequestStatus.CLOSED
    row.closed_at = timezone.now()
    return _save(row, user, "归档")


@retry_if_locked
def record_delivery(
    letter: Letter,
    user,
    method: str,
    day: datetime.date | None,
    recipient: str,
    reference: str = "",
    note: str = "",
) -> LetterDelivery:
    """送达记录: how, when and to whom a letter was served."""
    row = _step(letter.request, user)
    if method not in DeliveryMethod.values:
        raise FlowError("请选择送达方式。")
    day = _day(day, "送达日期", earliest=letter.issued_on, earliest_label="发文日期")
    delivery = LetterDelivery(
        letter=letter,
        method=method,
        delivered_on=day,
        recipient=_text(recipient, "签收人或收件人", 100),
        reference=(reference or "").strip()[:200],
        note=(note or "").strip()[:300],
        recorded_by=user,
    )
    delivery._history_user, delivery._change_reason = user, "记录送达"
    delivery.save()
    _save(
        row, user, f"{letter.get_kind_display()}（{letter.number}）{delivery.get_method_display()}送达 {day:%Y-%m-%d}"
    )
    return delivery


def draft_letter(request: DisclosureRequest, reply_type: str, subreason: str = "", day=None) -> str:
    """The reply letter from the editable template of the reply type (and sub-reason)."""
    text, _ = letters.render(
        request, LetterKind.REPLY, day or timezone.localdate(), reply_type=reply_type, subreason=subreason
    )
    return text


# ---- reading -----------------------------------------------------------------------------


def with_action_deadline(queryset):
    """Annotate ``action_deadline``: the date by which the office must act now —
    the reply due date while the clock runs, the third party's 15 days during a consultation,
    the applicant's amendment period, the payment period of a fee notice."""
    open_consultation = (
        Consultation.objects.filter(request=OuterRef("pk"), answered_on__isnull=True)
        .order_by("deadline")
        .values("deadline")[:1]
    )
    pending_fee = FeeNotice.objects.filter(request=OuterRef("pk"), status=FeeStatus.PENDING).values("payment_deadline")[
        :1
    ]
    return queryset.annotate(
        action_deadline=Case(
            When(status__in=CLOCK_RUNNING, then=F("due_date")),
            When(status=RequestStatus.AMENDMENT, then=F("amendment_deadline")),
            When(status=RequestStatus.CONSULTATION, then=Subquery(open_consultation)),
            When(status=RequestStatus.FEE, then=Subquery(pending_fee)),
            default=None,
            output_field=DateField(),
        )
    )


ACTION_LABELS = {
    RequestStatus.SUBMITTED: "答复期限",
    RequestStatus.REGISTERED: "答复期限",
    RequestStatus.AMENDMENT: "补正期限",
    RequestStatus.CONSULTATION: "第三方答复期限",
    RequestStatus.FEE: "缴费期限",
}


def due_soon_and_overdue(queryset, today: datetime.date | None = None, days: int = 3):
    """(overdue, due within ``days`` working days) among open requests, by their action deadline.

    A request waiting for a third party or the applicant is listed when that deadline passes: the
    office has to decide (decide without the opinion; end it as 逾期不补正 / 逾期未缴费).
    """
    today = today or timezone.localdate()
    horizon = workdays.due_date(today, days).value
    annotated = with_action_deadline(queryset.filter(status__in=OPEN_STATUSES)).filter(action_deadline__isnull=False)
    overdue = annotated.filter(action_deadline__lt=today).order_by("action_deadline", "pk")
    soon = annotated.filter(action_deadline__gte=today, action_deadline__lte=horizon).order_by("action_deadline", "pk")
    return overdue, soon


def working_days_left(request: DisclosureRequest, today: datetime.date | None = None) -> int | None:
    """Working days from today to the due date (negative when overdue), None without a due date."""
    return clock.working_days_left(request.due_date, today or timezone.localdate())


def on_time_rate(start: datetime.date, end: datetime.date, department: Department | None = None, queryset=None) -> dict:
    """Of the requests answered between ``start`` and ``end``, how many on time (pauses honoured).

    Withdrawn and merged requests have no reply; 逾期不补正 has no running period: neither counts.
    """
    base = DisclosureRequest.objects.all() if queryset is None else queryset
    answered = base.filter(reply_date__gte=start, reply_date__lte=end, due_date__isnull=False)
    if department is not None:
        answered = answered.filter(department=department)
    total = answered.count()
    on_time = answered.filter(reply_date__lte=F("due_date")).count()
    provisional = answered.filter(due_provisional=True).exists() if total else False
    return {
        "total": total,
        "on_time": on_time,
        "rate": (on_time / total) if total else None,
        "provisional": provisional,
    }


def recompute_all(queryset=None) -> int:
    """Recompute the clock of every request (open or closed) after the calendar changed.

    One calendar snapshot for all; only requests whose dates moved are saved, each with a history
    row that says why. Returns how many changed.
    """
    calendar = workdays.current_calendar()
    queryset = DisclosureRequest.objects.all() if queryset is None else queryset
    changed = 0
    for request in queryset.select_related("department", "fee_notice__letter").prefetch_related("consultations"):
        with transaction.atomic():
            before = {
                "received_date": request.received_date,
                "due_date": request.due_date,
                "due_provisional": request.due_provisional,
            }
            fields = clock.recompute(request, calendar=calendar, reason="录入节假日安排后重新计算期限")
            if not fields:
                continue
            parts = []
            if request.received_date != before["received_date"]:
                parts.append(f"收到申请日期由{before['received_date']:%Y-%m-%d}改为{request.received_date:%Y-%m-%d}")
            if request.due_date != before["due_date"] or request.due_provisional != before["due_provisional"]:
                old = (
                    f"{before['due_date']:%Y-%m-%d}" + ("（预计）" if before["due_provisional"] else "")
                    if before["due_date"]
                    else "无"
                )
                new = (
                    f"{request.due_date:%Y-%m-%d}" + ("（预计）" if request.due_provisional else "")
                    if request.due_date
                    else "无"
                )
                parts.append(f"答复期限由{old}改为{new}")
            request._change_reason = "工作日历变化，重新计算：" + ("；".join(parts) or "预计标记更新")
            request.save(update_fields=fields)
            changed += 1
    return changed


def requests_of_applicant_for_merge(request: DisclosureRequest):
    """The same applicant's other open requests at the same agency (candidates for merging)."""
    return (
        DisclosureRequest.objects.filter(
            department_id=request.department_id,
            id_number_hash=request.id_number_hash,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .exclude(pk=request.pk)
        .order_by("received_date", "pk")
    )


__all__ = [
    "ACTION_LABELS",
    "FlowError",
    "ask_amendment",
    "assign",
    "charge_fee",
    "close",
    "draft_letter",
    "due_soon_and_overdue",
    "end_consultation",
    "extend",
    "merge",
    "on_time_rate",
    "receive",
    "receive_amendment",
    "recompute_all",
    "record_delivery",
    "register",
    "reply",
    "settle_fee",
    "start_consultation",
    "with_action_deadline",
    "withdraw",
]
