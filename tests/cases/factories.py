"""Cases, opened as the platform opens them (``cases.flow.open_case``), and taken through steps.

``CaseFactory(matter=...)`` opens a window case of a natural person with every material received;
``CaseFactory(matter=..., accepted_on=day)`` also accepts it that day (the applied time is moved
back to that day). ``take(case, "approve", on=day, user=...)`` runs one step of ``cases.flow``.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cases import flow
from cases.models import Case

ID_NUMBER = "110101199003071233"
PHONE = "13812345678"


def valid_id(serial: int) -> str:
    """A valid resident ID number (GB 11643) ending in the serial."""
    from core.identity import resident_id_check_char

    first = f"11010119900307{serial % 1000:03d}"
    return first + resident_id_check_char(first)


def applicant(**overrides) -> flow.Applicant:
    data = {"kind": "person", "name": "张三丰", "id_type": "resident_id", "id_number": ID_NUMBER, "phone": PHONE}
    data.update(overrides)
    return flow.clean_applicant(data)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def take(case: Case, action: str, user=None, **step) -> Case:
    return flow.act(case.pk, flow.Step(action, **step), user=user)


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    matter = None
    channel = "window"
    window = None
    applicant_overrides = factory.Dict({})
    applied_on = None
    accepted_on = None
    user = None

    @classmethod
    def _create(cls, model_class, matter, channel, window, applicant_overrides, applied_on, accepted_on, user, **kw):
        applied_on = applied_on or accepted_on
        materials = list(matter.materials.all())
        intake = flow.Intake(
            matter=matter,
            applicant=applicant(**applicant_overrides),
            channel=channel,
            window=window,
            received=range(len(materials)),
            applied_at=at(applied_on) if applied_on else None,
        )
        case, _ = flow.open_case(intake, user=user)
        if accepted_on:
            case = take(case, "accept", on=accepted_on, user=user)
        return case

    @classmethod
    def _build(cls, *args, **kwargs):
        raise NotImplementedError("cases are only opened through cases.flow")
