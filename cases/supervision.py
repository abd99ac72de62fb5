"""电子监察 and 督办: the lights of running cases, the alerts they raise, and supervisors' orders.

``supervise(today)`` is run by cron (``manage.py supervise_cases``, nightly and best also hourly in
office hours). It sets the lights with a few set-based UPDATEs, never row by row, so it costs the
same handful of statements for 1,000 or 1,000,000 cases:

- red: the clock runs (受理/办理中) and the due date has passed;
- yellow: the due date is today or within ``CASES_WARNING_DAYS`` working days (the date is
  reckoned once per run on the working-day calendar, exactly as ``clock.light_of`` counts);
- green: the clock runs and the due date is further off;
- none: anything else (特别程序, not accepted yet, closed).

A case whose light changes gets ``light_since = today``. Every yellow or red case gets one
``CaseAlert`` per (light, due date) — re-running never duplicates, and a due date moved by a
special procedure raises a new one. Cases in 特别程序 are walked in batches (their due date moves
with each working day the procedure lasts) and their clocks recomputed with ``bulk_update``.

督办: a 效能监察员 (``cases.supervise_case``) issues an order on an open case with a reason and a
deadline; the handling department (whoever may change the case) responds; the supervisor closes
it. Each in one transaction with the rows locked. Bad input raises ``flow.CaseError`` (Chinese
message and field); a user who may not act gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.locking import retry_if_locked
from permissions.policy import policy_for
from workdays import service as workdays

from . import clock
from .flow import CaseError
from .models import CLOCK_STATES, CLOSED, Case, CaseAlert, CaseState, Light, OrderState, SupervisionOrder

BATCH_SIZE = 2000
CLOCK_FIELDS = ["due_date", "due_provisional", "special_days", "used_days", "on_the_spot"]
REASON_LIMIT = 500
RESPONSE_LIMIT = 2000


def warning_limit(today: datetime.date) -> datetime.date:
    """The first due date that is no longer yellow: the (N+1)-th working day after ``today``.

    ``clock.light_of`` is yellow when at most N working days lie after today up to the due date,
    i.e. when the due date comes before the (N+1)-th working day. Reckoned once per run.
    """
    return workdays.due_date(today, settings.CASES_WARNING_DAYS + 1).value


def light_conditions(today: datetime.date) -> dict[str, Q]:
    """The set-based form of ``clock.light_of`` for ``today``."""
    limit = warning_limit(today)
    running = Q(state__in=CLOCK_STATES, due_date__isnull=False)
    return {
        Light.RED: running & Q(due_date__lt=today),
        Light.YELLOW: running & Q(due_date__gte=today, due_date__lt=limit),
        Light.GREEN: running & Q(due_date__gte=limit),
    }


def _batches(queryset: QuerySet, size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Primary keys of ``queryset`` in batches, by keyset pagination (no OFFSET, no long cursor)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def recompute_clocks(queryset: QuerySet, today: datetime.date, size: int = BATCH_SIZE) -> int:
    """Re-read the clock of each case of ``queryset`` (locked, in batches) and ``bulk_update`` the changed."""
    changed_total = 0
    for ids in _batches(queryset, size):
        with transaction.atomic():
            cases = list(
                Case.objects.select_for_update()
                .filter(pk__in=ids)
                .only("pk", "state", "accepted_on", "completed_on", "applied_at", "promised_limit", *CLOCK_FIELDS)
                .prefetch_related("special_procedures")
            )
            changed = []
            for case in cases:
                before = tuple(getattr(case, name) for name in CLOCK_FIELDS)
                clock.apply(case, clock.read(case, list(case.special_procedures.all()), today=today))
                if tuple(getattr(case, name) for name in CLOCK_FIELDS) != before:
                    changed.append(case)
            if changed:
                Case.objects.bulk_update(changed, CLOCK_FIELDS)
            changed_total += len(changed)
    return changed_total


def _raise_alerts(today: datetime.date, size: int = BATCH_SIZE) -> int:
    """One ``CaseAlert`` for every yellow or red case without one for its light and due date."""
    missing = Case.objects.filter(light__in=(Light.YELLOW, Light.RED), state__in=CLOCK_STATES, due_date__isnull=False)
    missing = missing.filter(
        ~Exists(CaseAlert.objects.filter(case=OuterRef("pk"), light=OuterRef("light"), due_date=OuterRef("due_date")))
    )
    raised = 0
    for ids in _batches(missing, size):
        rows = Case.objects.filter(pk__in=ids).values_list("pk", "light", "due_date")
        alerts = [CaseAlert(case_id=pk, light=light, due_date=due, raised_on=today) for pk, light, due in rows]
        CaseAlert.objects.bulk_create(alerts, ignore_conflicts=True)
        raised += len(alerts)
    return raised


def supervise(today: datetime.date | None = None) -> dict:
    """Recompute every light for ``today`` and raise the alerts; returns the counts (see module doc)."""
    today = today or timezone.localdate()
    special = recompute_clocks(Case.objects.filter(state=CaseState.SPECIAL), today)
    changed = {}
    for light, condition in light_conditions(today).items():
        changed[light] = Case.objects.filter(condition).exclude(light=light).update(light=light, light_since=today)
    running = Q(state__in=CLOCK_STATES, due_date__isnull=False)
    changed[Light.NONE] = Case.objects.exclude(light="").exclude(running).update(light="", light_since=None)
    alerts = _raise_alerts(today)
    counts = Case.objects.filter(running).aggregate(
        green=Count("pk", filter=Q(light=Light.GREEN)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        red=Count("pk", filter=Q(light=Light.RED)),
    )
    return {
        **counts,
        "newly_green": changed[Light.GREEN],
        "newly_yellow": changed[Light.YELLOW],
        "newly_red": changed[Light.RED],
        "cleared": changed[Light.NONE],
        "alerts": alerts,
        "special_recomputed": special,
    }


def recompute_provisional(sender=None, **kwargs) -> int:
    """``workdays.calendar_changed`` receiver: open cases with an estimated (预计) due date get the real one."""
    today = timezone.localdate()
    changed = recompute_clocks(Case.objects.filter(due_provisional=True).exclude(state__in=CLOSED), today)
    if changed:
        for light, condition in light_conditions(today).items():
            Case.objects.filter(condition).exclude(light=light).update(light=light, light_since=today)
    return changed


def connect_calendar() -> None:
    """Connect ``recompute_provisional`` to ``workdays.calendar_changed`` (from ``CasesConfig.ready``)."""
    workdays.calendar_changed.connect(recompute_provisional, dispatch_uid="cases-recompute-provisional")


# ---- 督办 ------------------------------------------------------------------------------------


def may_supervise(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("cases.supervise_case"))


def may_respond(user, case: Case) -> bool:
    return bool(user and user.is_authenticated) and policy_for(Case).user_has_permission_for_instance(
        user, "change", case
    )


@retry_if_locked
def issue_order(case: Case, user, reason: str, deadline: datetime.date | None) -> SupervisionOrder:
    """A 督办 order on an open case; only a 效能监察员."""
    if not may_supervise(user):
        raise PermissionDenied("只有效能监察员可以督办。")
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("请填写督办事由。", "reason")
    if len(reason) > REASON_LIMIT:
        raise CaseError(f"督办事由不能超过{REASON_LIMIT}个字。", "reason")
    if deadline is None:
        raise CaseError("请填写回复期限。", "deadline")
    if deadline <= timezone.localdate():
        raise CaseError("回复期限应晚于今天。", "deadline")
    if case.state in CLOSED:
        raise CaseError(f"办件已“{case.get_state_display()}”，不能再督办。", "case")
    return SupervisionOrder.objects.create(case=case, reason=reason, deadline=deadline, issued_by=user)


@retry_if_locked
def respond(order: SupervisionOrder, user, text: str) -> SupervisionOrder:
    """The handling department's answer to an order (again while it is not closed, to add to it)."""
    order = SupervisionOrder.objects.select_for_update().select_related("case").get(pk=order.pk)
    if not may_respond(user, order.case):
        raise PermissionDenied("只有办理该办件的部门可以回复督办。")
    if order.state == OrderState.CLOSED:
        raise CaseError("督办已办结，不能再回复。", "state")
    text = (text or "").strip()
    if not text:
        raise CaseError("请填写回复内容。", "response")
    if len(text) > RESPONSE_LIMIT:
        raise CaseError(f"回复内容不能超过{RESPONSE_LIMIT}个字。", "response")
    order.response = text
    order.responded_by = user
    order.responded_at = timezone.now()
    order.state = OrderState.ANSWERED
    order.save(update_fields=["response", "responded_by", "responded_at", "state"])
    return order


@retry_if_locked
def close_order(order: SupervisionOrder, user) -> SupervisionOrder:
    """A supervisor closes (办结) an order."""
    if not may_supervise(user):
        raise PermissionDenied("只有效能监察员可以办结督办。")
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state == OrderState.CLOSED:
        raise CaseError("督办已办结。", "state")
    order.state = OrderState.CLOSED
    order.save(update_fields=["state"])
    return order
