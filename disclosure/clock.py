"""The statutory clock of a request for disclosure, derived from what is stored on it.

《政府信息公开条例》(2019):
- art. 31 — the receipt date depends on the channel: handed in person, the day it is handed in
  (a Saturday or a holiday too, art. 31(1)); by post, the day the agency signs for it (our mail room
  signs on working days, so a letter signed for on a day off counts from the next working day); by
  ordinary mail, the day it is confirmed with the applicant (31(2)); online or by fax, the day both
  sides confirm it (31(3)) — the site confirms automatically on working days, on a day off the
  office confirms on the next working day.
- art. 30 — an unclear request is sent back for amendment once, within 7 working days; the clock
  stops and runs again from the day the amended application is received.
- art. 32 — a third party consulted has 15 working days to answer; that time is not counted. Only
  time within the reply period is excluded (a consultation started after the due date excludes
  nothing), at most ``DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS`` per consultation, and days two
  pauses share are excluded once.
- art. 33 — the reply is due within 20 working days of receipt; an extension of at most 20 working
  days in all, approved by the head of disclosure work before the period has run out.
- 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号) — from the fee notice to the payment the
  period does not run; the applicant has 20 working days from receiving the notice to pay.

Every date comes from the one working-day calendar (``cms.workdays``). For a year whose official
schedule is not entered yet the calendar estimates and the result says ``provisional`` (预计);
``recompute`` runs again for every request when the schedule is entered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from workdays import service as workdays

from .request_models import Channel, FeeStatus, RequestStatus

REPLY_DAYS = 20  # art. 33(2)
MAX_EXTENSION_DAYS = 20  # art. 33(2)
AMENDMENT_NOTICE_DAYS = 7  # art. 30
CONSULTATION_DAYS = 15  # art. 32

# Channels whose receipt waits for the first working day on or after arrival (art. 31).
NEXT_WORKING_DAY_CHANNELS = (Channel.ONLINE, Channel.KIOSK, Channel.FAX, Channel.POST)


def receipt_date(channel: str, arrived: datetime.date, calendar=None) -> workdays.Reckoned[datetime.date]:
    """The statutory receipt date of an application that arrived on ``arrived`` by ``channel``."""
    calendar = calendar or workdays.current_calendar()
    if channel in NEXT_WORKING_DAY_CHANNELS:
        return calendar.next_working_day(arrived)
    return workdays.Reckoned(arrived, False)


@dataclass
class Pause:
    """A stretch of time not counted: a consultation (capped) or a fee notice until payment."""

    key: tuple[str, int]
    start: datetime.date
    end: datetime.date | None
    cap: int | None
    kind: str  # RequestStatus.CONSULTATION or RequestStatus.FEE


@dataclass
class Clock:
    """Everything the clock says about one request now."""

    received: datetime.date
    received_provisional: bool
    start: datetime.date | None
    due: datetime.date | None = None
    due_provisional: bool = False
    excluded: int = 0
    stopped_by: str = ""  # "", amendment, consultation, fee
    paused_since: datetime.date | None = None
    excluded_by: dict[tuple[str, int], int] = field(default_factory=dict)
    consultation_deadlines: dict[int, workdays.Reckoned] = field(default_factory=dict)
    payment_deadline: workdays.Reckoned | None = None


def _pauses(consultations, fee) -> list[Pause]:
    cap = settings.DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS
    pauses = [Pause(("c", c.pk), c.sent_on, c.answered_on, cap, RequestStatus.CONSULTATION) for c in consultations]
    if fee is not None:
        end = fee.settled_on if fee.status in (FeeStatus.PAID, FeeStatus.WAIVED) else None
        pauses.append(Pause(("f", fee.pk), fee.issued_on, end, None, RequestStatus.FEE))
    return sorted(pauses, key=lambda p: (p.start, p.key))


def compute(request, consultations=(), fee=None, fee_delivered_on=None, calendar=None) -> Clock:
    """The clock of ``request`` with its consultations and fee notice (passed, so lists prefetch)."""
    calendar = calendar or workdays.current_calendar()
    received = receipt_date(request.channel, request.arrived_date, calendar)
    clock = Clock(received.value, received.provisional, request.amendment_received or received.value)
    for c in consultations:
        clock.consultation_deadlines[c.pk] = calendar.due_date(c.sent_on, CONSULTATION_DAYS)
    if fee is not None:
        clock.payment_deadline = calendar.due_date(
            fee_delivered_on or fee.issued_on, settings.DISCLOSURE_FEE_PAYMENT_DAYS
        )
    if request.amendment_requested_at and not request.amendment_received:
        clock.start, clock.stopped_by = None, RequestStatus.AMENDMENT
        return clock
    base = REPLY_DAYS + request.extension_days
    due = calendar.due_date(clock.start, base)
    provisional = due.provisional
    excluded: set[datetime.date] = set()
    for pause in _pauses(consultations, fee):
        clock.excluded_by[pause.key] = 0
        if pause.start < clock.start or pause.start > due.value:
            continue  # before the period (or an earlier, amended application) or after it ran out
        if pause.end is None:
            clock.stopped_by, clock.paused_since = pause.kind, pause.start
            continue
        days = calendar.working_days(pause.start, pause.end)
        provisional |= days.provisional
        counted = days.value[: pause.cap] if pause.cap is not None else days.value
        clock.excluded_by[pause.key] = len(counted)
        excluded.update(counted)
        due = calendar.due_date(clock.start, base + len(excluded))
        provisional |= due.provisional
    clock.excluded = len(excluded)
    if not clock.stopped_by:
        clock.due, clock.due_provisional = due.value, provisional
    return clock


def recompute(request, calendar=None, reason: str = "工作日历变化，重新计算期限") -> list[str]:
    """Set the derived fields of ``request`` and its pauses; returns the request fields that changed.

    Saves changed consultations and the fee notice itself (they keep their own history); the
    request is left to the caller to save, with the reason of the step.
    """
    calendar = calendar or workdays.current_calendar()
    consultations = list(request.consultations.all()) if request.pk else []
    fee = getattr(request, "fee_notice", None) if request.pk else None
    delivered = _fee_delivered_on(fee)
    clock = compute(request, consultations, fee, delivered, calendar)
    for consultation in consultations:
        deadline = clock.consultation_deadlines[consultation.pk]
        values = {
            "deadline": deadline.value,
            "deadline_provisional": deadline.provisional,
            "excluded_days": clock.excluded_by.get(("c", consultation.pk), 0),
        }
        _update(consultation, values, reason)
    if fee is not None:
        deadline = clock.payment_deadline
        _update(fee, {"payment_deadline": deadline.value, "deadline_provisional": deadline.provisional}, reason)
    values = {
        "received_date": clock.received,
        "received_provisional": clock.received_provisional,
        "paused_days": clock.excluded,
        "due_date": clock.due,
        "due_provisional": clock.due_provisional if clock.due else False,
    }
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name, value in values.items():
        setattr(request, name, value)
    return changed


def _fee_delivered_on(fee):
    if fee is None or fee.letter_id is None:
        return None
    first = fee.letter.deliveries.order_by("delivered_on").first()
    return first.delivered_on if first else None


def _update(instance, values: dict, reason: str) -> None:
    changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(instance, name, value)
        instance._change_reason = reason
        instance.save(update_fields=list(changed))


def amendment_notice_last_day(request, calendar=None) -> workdays.Reckoned[datetime.date]:
    """The last day on which amendment may be asked: 7 working days after receipt (art. 30)."""
    calendar = calendar or workdays.current_calendar()
    return calendar.due_date(request.received_date, AMENDMENT_NOTICE_DAYS)


def working_days_left(due: datetime.date | None, today: datetime.date, calendar=None) -> int | None:
    """Working days from today to ``due`` (negative when overdue); None without a date."""
    if due is None:
        return None
    calendar = calendar or workdays.current_calendar()
    try:
        if due >= today:
            return calendar.count_working_days(today, due).value
        return -calendar.count_working_days(due, today).value
    except workdays.UncoveredYearError:
        return None


__all__ = [
    "AMENDMENT_NOTICE_DAYS",
    "CONSULTATION_DAYS",
    "MAX_EXTENSION_DAYS",
    "REPLY_DAYS",
    "Clock",
    "compute",
    "receipt_date",
    "recompute",
    "working_days_left",
]
