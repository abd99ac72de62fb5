"""The promised-time clock of a case, on the one working-day calendar (``workdays``).

- 期限以工作日计算，不含法定节假日 (《行政许可法》 art. 82); make-up working days count.
- The clock starts at acceptance (受理); the promised days run from the day after (day 0 is the
  acceptance day, ``workdays.add_working_days``). A case completed on its acceptance day is
  当场办结.
- 补正告知 (art. 32(4)) must come at once or within five working days of receiving the
  application; later, the application counts as accepted on the day it was received (逾期不告知的，
  自收到申请材料之日起即为受理), and no 补正 may be asked any more.
- 补正 stops the clock: acceptance follows the amended application and the clock starts then.
- 特别程序 (检验、检测、检疫、鉴定、专家评审、听证、公示; art. 45) are not counted: the working days
  they cover, their first and last day included, push the due date back.
- A year the calendar does not know yet gives a provisional (预计) date, flagged, recomputed when
  its schedule is entered (``workdays.calendar_changed``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from workdays import service as workdays

from .models import CLOCK_STATES, Case, CaseState, Light

AMENDMENT_NOTICE_DAYS = 5  # 《行政许可法》 art. 32(4): 五日内一次告知


def received_on(case: Case) -> datetime.date:
    """The day the application counts as received: its local date, or the next working day."""
    return workdays.next_working_day(_local_date(case.applied_at)).value


def amendment_last_day(case: Case) -> datetime.date:
    """The last day a 补正告知 may be given (art. 32(4)): five working days after receipt."""
    return workdays.due_date(received_on(case), AMENDMENT_NOTICE_DAYS).value


def acceptance_date(case: Case, day: datetime.date) -> tuple[datetime.date, bool]:
    """(the acceptance date, deemed) for a case accepted on ``day``.

    Without a 补正告知, acceptance after the five-working-day window counts from receipt (art. 32(4)).
    """
    if case.amendments == 0 and day > amendment_last_day(case):
        return received_on(case), True
    return day, False


def special_days(procedures, today: datetime.date) -> tuple[int, bool]:
    """Working days covered by special procedures (both ends included); an open one up to ``today``."""
    total, provisional = 0, False
    for procedure in procedures:
        end = procedure.ended_on or today
        if end < procedure.started_on:
            continue
        counted = workdays.count_working_days(procedure.started_on - datetime.timedelta(days=1), end)
        total += counted.value
        provisional |= counted.provisional
    return total, provisional


@dataclass(frozen=True)
class Reading:
    due_date: datetime.date | None
    provisional: bool
    special_days: int
    used_days: int | None
    on_the_spot: bool


def read(case: Case, procedures=None, today: datetime.date | None = None) -> Reading:
    """The clock of ``case`` from what is stored (acceptance, completion, special procedures)."""
    today = today or datetime.date.today()
    if procedures is None:
        procedures = list(case.special_procedures.all()) if case.pk else []
    if case.accepted_on is None:
        return Reading(None, False, 0, None, False)
    special, special_provisional = special_days(procedures, case.completed_on or today)
    due = workdays.due_date(case.accepted_on, case.promised_limit + special)
    used = None
    if case.completed_on:
        used = max(workdays.count_working_days(case.accepted_on, case.completed_on).value - special, 0)
    on_the_spot = case.completed_on is not None and case.completed_on == case.accepted_on
    return Reading(due.value, due.provisional or special_provisional, special, used, on_the_spot)


def apply(case: Case, reading: Reading) -> None:
    case.due_date = reading.due_date
    case.due_provisional = reading.provisional
    case.special_days = reading.special_days
    case.used_days = reading.used_days
    case.on_the_spot = reading.on_the_spot


def light_of(case: Case, today: datetime.date | None = None) -> str:
    """电子监察: red past the due date, yellow within ``CASES_WARNING_DAYS`` working days, else green.

    Only a running clock has a light: a case in 特别程序, not yet accepted, or closed has none.
    """
    if case.state not in CLOCK_STATES or case.due_date is None:
        return Light.NONE
    today = today or datetime.date.today()
    if today > case.due_date:
        return Light.RED
    left = workdays.count_working_days(today, case.due_date).value
    return Light.YELLOW if left <= settings.CASES_WARNING_DAYS else Light.GREEN


def working_days_left(case: Case, today: datetime.date | None = None) -> int | None:
    """Working days left to the due date (negative when overdue), None without a running clock."""
    if case.due_date is None or case.state not in (*CLOCK_STATES, CaseState.SPECIAL):
        return None
    today = today or datetime.date.today()
    if today <= case.due_date:
        return workdays.count_working_days(today, case.due_date).value
    return -workdays.count_working_days(case.due_date, today).value


def _local_date(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
