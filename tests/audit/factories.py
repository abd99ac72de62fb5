"""Audit test helpers.

- ``AuditEventFactory(kind=..., days_ago=n)``: a row as ``audit.record`` writes it, ``days_ago``
  days old (rows are append-only: the age is set at insert, never changed afterwards).
- ``events(kind)``: the recorded rows of a kind, oldest first.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from audit.models import AuditEvent


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    kind = "login_success"
    actor_username = factory.Sequence(lambda n: f"user{n}")
    client_address = "10.0.0.1"
    occurred_at = factory.LazyFunction(timezone.now)

    class Params:
        days_ago = None

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        days = kwargs.pop("days_ago", None)
        if days is not None:
            kwargs["occurred_at"] = timezone.now() - datetime.timedelta(days=days)
        return kwargs


def events(kind: str):
    return list(AuditEvent.objects.filter(kind=kind).order_by("occurred_at", "pk"))
