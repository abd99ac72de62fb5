"""Ratings as the platform makes them (``ratings.flow``), on cases completed through ``cases.flow``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ratings import flow
from ratings.models import Rating

from ..cases.factories import CaseFactory, take


def last_working_day() -> datetime.date:
    """The last working day before today (a case opened at 10:00 today may still be in the future)."""
    from workdays.service import is_working_day

    day = timezone.localdate() - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def completed_case(world, *, matter: str = "promised", window: str = "own", on: datetime.date | None = None):
    """A case of ``world.matters[matter]`` taken in at ``world.windows[window]``, accepted and approved."""
    on = on or last_working_day()
    case = CaseFactory(matter=world.matters[matter], window=world.windows.get(window), accepted_on=on)
    return take(case, "approve", on=on, note="准予许可")


def running_case(world):
    return CaseFactory(matter=world.matters["promised"], window=world.windows["own"], accepted_on=last_working_day())


def rate(
    case, level: int = 5, channel: str = "pad", reasons=(), comment: str = "", real_name: bool = True, **kw
) -> Rating:
    if level <= 2 and not reasons:
        reasons = ["slow"]
    submission = flow.Submission(level=level, reasons=list(reasons), comment=comment, real_name=real_name)
    return flow.rate_case(case.pk, channel, submission, **kw)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
