"""The working-day calendar's overrides, as staff enter them.

- ``CalendarDayFactory(date=d, name="元旦")``: a day off (法定节假日); trait ``workday=True`` a
  make-up working day (调休上班).
- ``CalendarYearFactory(year=2027)``: a year being entered, not yet complete; trait
  ``complete=True`` marked complete, citing its notice.
"""

from __future__ import annotations

import datetime

import factory

from workdays.models import CalendarDay, CalendarYear, DayKind


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    date = factory.Sequence(lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=n))
    kind = DayKind.HOLIDAY
    name = "临时放假"

    class Params:
        workday = factory.Trait(kind=DayKind.WORKDAY)


class CalendarYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarYear

    year = 2027

    class Params:
        complete = factory.Trait(is_complete=True, source="国办发明电〔2026〕X号")
