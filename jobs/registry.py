"""The registries: tasks with a Chinese label and a retry budget, and periodic jobs with a schedule.

Both are filled at import/``ready()`` time by the apps that own the work; ``jobs`` never names them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

PERIODIC_QUEUE = "periodic"


@dataclass(frozen=True)
class TaskSpec:
    label: str
    max_attempts: int | None  # None: settings.JOBS_MAX_ATTEMPTS


_tasks: dict[str, TaskSpec] = {}


def task(
    *, label: str, max_attempts: int | None = None, queue_name: str = "default", priority: int = 0
) -> Callable[[Callable[..., Any]], Any]:
    """A django-tasks task whose runs are recorded (后台任务 page) and retried when they fail.

    Arguments must be JSON (ids, labels): they are stored to run the task again, and never shown.
    """
    from django_tasks import task as django_task

    def wrapper(function: Callable[..., Any]):
        built = django_task(queue_name=queue_name, priority=priority)(function)
        track(built.module_path, label=label, max_attempts=max_attempts)
        return built

    return wrapper


def track(task_path: str, *, label: str, max_attempts: int | None = None) -> None:
    """Record and retry a task defined with plain django-tasks elsewhere, by its dotted path.

    For the framework apps beside ``jobs`` (``sitesearch`` knows no other app of the project): the
    site (``cms``) names their tasks here, so they get a Chinese label and retries like ``jobs.task``'s.
    """
    _tasks[task_path] = TaskSpec(label=label, max_attempts=max_attempts)


def task_spec(task_path: str) -> TaskSpec | None:
    return _tasks.get(task_path)


def task_label(task_path: str) -> str:
    """The Chinese label of a registered task; others (Wagtail's) show their function name."""
    spec = _tasks.get(task_path)
    if spec is not None:
        return spec.label
    periodic = _periodic.get(task_path)
    if periodic is not None:
        return periodic.label
    return task_path.rsplit(".", 1)[-1]


# ---- schedules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes, on the local clock's multiples of it (every 60: on the hour)."""

    minutes: int

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= 24 * 60 or (24 * 60) % self.minutes:
            raise ValueError("every(minutes): a divisor of 1440 (a day), e.g. 5, 15, 30, 60, 120")

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        local = timezone.localtime(moment)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((local - midnight).total_seconds() // 60)
        step = elapsed // self.minutes + 1
        return midnight + datetime.timedelta(minutes=step * self.minutes)

    def describe(self) -> str:
        return f"每 {self.minutes} 分钟"


@dataclass(frozen=True)
class Daily:
    """Once a day at ``hour:minute`` on the local clock (TIME_ZONE, Asia/Shanghai)."""

    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError("daily(hour, minute): a time of day")

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        local = timezone.localtime(moment)
        slot = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if slot <= local:
            slot = timezone.make_aware(
                datetime.datetime.combine(local.date() + datetime.timedelta(days=1), slot.time().replace(tzinfo=None))
            )
        return slot

    def describe(self) -> str:
        return f"每天 {self.hour:02d}:{self.minute:02d}"


def every(minutes: int) -> Every:
    return Every(minutes)


def daily(hour: int, minute: int = 0) -> Daily:
    return Daily(hour, minute)


# ---- periodic jobs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    key: str
    label: str
    schedule: Every | Daily
    target: str | Callable[[], Any]

    def function(self) -> Callable[[], Any]:
        return import_string(self.target) if isinstance(self.target, str) else self.target


_periodic: dict[str, PeriodicJob] = {}


def register_periodic(key: str, label: str, schedule: Every | Daily, target: str | Callable[[], Any]) -> None:
    """Register a periodic job: ``key`` is stored (never rename it), ``label`` shown to staff,
    ``target`` a callable or its dotted path, called with no argument; what it returns (a short
    summary) is kept with the run. Registering the same job again (``ready()`` twice) is harmless."""
    job = PeriodicJob(key=key, label=label, schedule=schedule, target=target)
    if _periodic.get(key, job) != job:
        raise ValueError(f"periodic job {key!r} is already registered differently")
    _periodic[key] = job


def periodic_jobs() -> dict[str, PeriodicJob]:
    return dict(_periodic)
