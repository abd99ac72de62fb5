"""Enqueue the periodic jobs that are due, each exactly once per slot, however many schedulers run.

Each job has a row (``PeriodicJobState``) holding when it is next due. A scheduler claims a slot
with one conditional UPDATE (``WHERE key = … AND next_run_at = <the value it read>``) that moves
``next_run_at`` to the next slot after now: the database lets exactly one UPDATE match, on SQLite
and on PostgreSQL alike, so a second scheduler (another server, a restart overlapping) finds the
row already moved and enqueues nothing. Slots missed while no scheduler ran are not caught up one
by one: the job runs once, and then at its next slot.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicJobState
from .registry import Every, PeriodicJob, periodic_jobs


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every periodic job due at ``now``; returns the keys this call enqueued."""
    from .tasks import run_periodic

    now = now or timezone.now()
    jobs = periodic_jobs()
    states = {state.key: state for state in PeriodicJobState.objects.filter(key__in=list(jobs))}
    enqueued: list[str] = []
    for key, job in sorted(jobs.items()):
        state = states.get(key)
        if state is None:
            # First sight of the job: an interval job is due at once, a daily one at its time.
            first = now if isinstance(job.schedule, Every) else job.schedule.next_after(now)
            try:
                with transaction.atomic():
                    state = PeriodicJobState.objects.create(key=key, next_run_at=first)
            except IntegrityError:
                state = PeriodicJobState.objects.get(key=key)  # another scheduler created it
        if state.next_run_at <= now and claim(state, job, now):
            run_periodic.enqueue(key)
            enqueued.append(key)
    return enqueued


def claim(state: PeriodicJobState, job: PeriodicJob, now: datetime.datetime) -> bool:
    """Move the job's ``next_run_at`` on from the value this scheduler read; False when another
    scheduler moved it first (its UPDATE matched, ours matches no row)."""
    return bool(
        PeriodicJobState.objects.filter(pk=state.pk, next_run_at=state.next_run_at).update(
            next_run_at=job.schedule.next_after(now), last_enqueued_at=now
        )
    )
