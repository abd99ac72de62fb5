"""The reply clock of an item, on the one working-day calendar (``workdays``).

- 期限以工作日计算 (法定节假日不计，调休上班日计入), per kind: ``INTERACTION_REPLY_DAYS``
  (咨询 5, 投诉 10, 建议 10 working days by default; 《信访工作条例》 art. 32 sets the outer limits
  for complaints, the city's 12345 rules the usual 5/10 days).
- The clock starts on the day the item is received: the local date it was submitted, or the next
  working day when that is a holiday or weekend. That day is day 0; the N days run from the day
  after (``workdays.due_date``), the same rule as a case's promised time.
- It stops when the reply is approved (已答复) or the item is refused (不予受理).
- 转办: a transfer within ``TRANSFER_GRACE_DAYS`` working days of receipt keeps the due date — the
  citizen's wait is not lengthened by a misrouting that was put right at once. A later transfer
  starts the receiving department's clock afresh on the transfer day (it cannot be held to time the
  first department spent), and the step records it as a late transfer; the due date shown to the
  citizen moves with it, so nobody is told a date that no one is working to.
- A year the calendar does not know yet gives a provisional (预计) date, recomputed when the
  year's schedule is entered (``workdays.calendar_changed``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from workdays import service as workdays

from .models import CLOCK_STATES, Interaction, Light

TRANSFER_GRACE_DAYS = 2


def reply_days(kind: str) -> int:
    days = settings.INTERACTION_REPLY_DAYS
    return int(days.get(kind, 10))


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def received_on(day: datetime.date) -> workdays.Reckoned:
    """The day an item submitted on ``day`` counts as received (that day or the next working day)."""
    return workdays.next_working_day(day)


def start(item: Interaction, day: datetime.date) -> None:
    """Start (or restart) the clock of ``item`` on ``day``."""
    received = received_on(day)
    due = workdays.due_date(received.value, item.reply_days)
    item.received_on = received.value
    item.due_date = due.value
    item.due_provisional = received.provisional or due.provisional


def transfer_restarts(item: Interaction, day: datetime.date) -> bool:
    """Whether a transfer on ``day`` starts the clock afresh (later than the grace days after receipt)."""
    if day <= item.received_on:
        return False
    return workdays.count_working_days(item.received_on, day).value > TRANSFER_GRACE_DAYS


def light_of(item: Interaction, today: datetime.date | None = None) -> str:
    """Red past the due date, yellow within ``INTERACTION_WARNING_DAYS`` working days, else green."""
    if item.state not in CLOCK_STATES:
        return Light.NONE
    today = today or timezone.localdate()
    if today > item.due_date:
        return Light.RED
    left = workdays.count_working_days(today, item.due_date).value
    return Light.YELLOW if left <= settings.INTERACTION_WARNING_DAYS else Light.GREEN


def working_days_left(item: Interaction, today: datetime.date | None = None) -> int | None:
    """Working days left to the due date (negative when overdue), None when the clock has stopped."""
    if item.state not in CLOCK_STATES:
        return None
    today = today or timezone.localdate()
    if today <= item.due_date:
        return workdays.count_working_days(today, item.due_date).value
    return -workdays.count_working_days(item.due_date, today).value


def used_days(item: Interaction) -> int | None:
    """Working days from receipt to the reply (for the answered ones)."""
    if item.answered_on is None:
        return None
    return workdays.count_working_days(item.received_on, item.answered_on).value


def light_conditions(today: datetime.date) -> dict[str, Q]:
    """The set-based form of ``light_of`` for ``today`` (the limit reckoned once)."""
    limit = workdays.due_date(today, settings.INTERACTION_WARNING_DAYS + 1).value
    running = Q(state__in=CLOCK_STATES)
    return {
        Light.RED: running & Q(due_date__lt=today),
        Light.YELLOW: running & Q(due_date__gte=today, due_date__lt=limit),
        Light.GREEN: running & Q(due_date__gte=limit),
    }


def refresh_lights(today: datetime.date | None = None, queryset=None) -> dict[str, int]:
    """Set every light for ``today`` with a few UPDATEs (no row-by-row work); the changed counts."""
    today = today or timezone.localdate()
    rows = Interaction.objects.all() if queryset is None else queryset
    changed = {}
    for light, condition in light_conditions(today).items():
        changed[light] = rows.filter(condition).exclude(light=light).update(light=light, light_since=today)
    changed[Light.NONE] = rows.exclude(light="").exclude(state__in=CLOCK_STATES).update(light="", light_since=None)
    return changed


def recompute_provisional(sender=None, **kwargs) -> int:
    """``workdays.calendar_changed`` receiver: open items with a 预计 due date get the real one."""
    changed = 0
    for item in Interaction.objects.filter(due_provisional=True, state__in=CLOCK_STATES).only(
        "pk", "received_on", "reply_days", "due_date", "due_provisional"
    ):
        due = workdays.due_date(item.received_on, item.reply_days)
        if (due.value, due.provisional) != (item.due_date, item.due_provisional):
            Interaction.objects.filter(pk=item.pk).update(due_date=due.value, due_provisional=due.provisional)
            changed += 1
    if changed:
        refresh_lights()
    return changed


def connect_calendar() -> None:
    workdays.calendar_changed.connect(recompute_provisional, dispatch_uid="interaction-recompute-provisional")
