"""Task records and retries, kept from django-tasks' signals (``task_enqueued/started/finished``).

django-tasks 0.12 does not retry a failed task. Here a task defined with ``jobs.task`` that fails
is enqueued again, with ``run_after`` = now + backoff × 2^(attempt−1) where the backend can defer
(the database queue), at once where it cannot (the inline default), until it has been tried
``max_attempts`` times; then its row stays 失败 with the error, for staff to see and retry.
Tasks not defined with ``jobs.task`` (Wagtail's own) get a row only when they fail: nothing is
written for their successful runs, so a save that enqueues them costs no extra query.
"""

from __future__ import annotations

import contextvars
import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Status, TaskRun
from .registry import periodic_jobs, task_label, task_spec

logger = logging.getLogger(__name__)

# The row the next enqueue continues (a retry), instead of starting a new one.
_continuing: contextvars.ContextVar[int | None] = contextvars.ContextVar("jobs_continuing", default=None)
MAX_ERROR = 2000


def _path(task_result) -> str:
    return task_result.task.module_path


def _label(path: str, args: list) -> str:
    from .tasks import run_periodic

    if path == run_periodic.module_path and args:
        job = periodic_jobs().get(args[0])
        return job.label if job else str(args[0])
    return task_label(path)


def _max_attempts(path: str) -> int:
    spec = task_spec(path)
    if spec is None:
        return 1
    return max(1, spec.max_attempts or settings.JOBS_MAX_ATTEMPTS)


def error_message(task_result) -> str:
    """The exception's class and message (the traceback's last line): what staff can act on."""
    if not task_result.errors:
        return ""
    error = task_result.errors[-1]
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else error.exception_class_path)[:MAX_ERROR]


def on_enqueued(sender, task_result, **kwargs) -> None:
    path = _path(task_result)
    continuing = _continuing.get()
    now = task_result.enqueued_at or timezone.now()
    if continuing is not None:
        TaskRun.objects.filter(pk=continuing).update(
            result_id=task_result.id,
            status=Status.QUEUED,
            enqueued_at=now,
            started_at=None,
            finished_at=None,
            next_attempt_at=task_result.task.run_after,
        )
        return
    if task_spec(path) is None:
        return
    TaskRun.objects.create(
        result_id=task_result.id,
        task_path=path,
        label=_label(path, list(task_result.args))[:100],
        queue_name=task_result.task.queue_name,
        args={"args": list(task_result.args), "kwargs": dict(task_result.kwargs)},
        max_attempts=_max_attempts(path),
        enqueued_at=now,
    )


def on_started(sender, task_result, **kwargs) -> None:
    if task_spec(_path(task_result)) is None:
        return
    from django.db.models import F

    TaskRun.objects.filter(result_id=task_result.id).update(
        status=Status.RUNNING,
        started_at=task_result.started_at or timezone.now(),
        attempts=F("attempts") + 1,
        next_attempt_at=None,
    )


def on_finished(sender, task_result, **kwargs) -> None:
    from django_tasks import TaskResultStatus

    path = _path(task_result)
    failed = task_result.status == TaskResultStatus.FAILED
    finished_at = task_result.finished_at or timezone.now()
    if task_spec(path) is None:
        if failed:  # someone else's task (Wagtail's): recorded so that it is seen, and can be re-run
            TaskRun.objects.get_or_create(
                result_id=task_result.id,
                defaults={
                    "task_path": path,
                    "label": _label(path, list(task_result.args))[:100],
                    "queue_name": task_result.task.queue_name,
                    "args": {"args": list(task_result.args), "kwargs": dict(task_result.kwargs)},
                    "status": Status.FAILED,
                    "attempts": 1,
                    "enqueued_at": task_result.enqueued_at or finished_at,
                    "started_at": task_result.started_at,
                    "finished_at": finished_at,
                    "error": error_message(task_result),
                },
            )
        return
    run = TaskRun.objects.filter(result_id=task_result.id).first()
    if run is None:
        return  # enqueued before jobs was installed, or its row was pruned
    if not failed:
        value = task_result.return_value
        TaskRun.objects.filter(pk=run.pk).update(
            status=Status.SUCCEEDED,
            finished_at=finished_at,
            error="",
            summary=value[:500] if isinstance(value, str) else "",
        )
        return
    TaskRun.objects.filter(pk=run.pk).update(
        status=Status.FAILED, finished_at=finished_at, error=error_message(task_result)
    )
    if run.attempts < run.max_attempts:
        delay = settings.JOBS_RETRY_BACKOFF_SECONDS * 2 ** max(run.attempts - 1, 0)
        _enqueue_again(run, task_result.task, delay=datetime.timedelta(seconds=delay))
    else:
        logger.error("Task %s (%s) failed after %d attempts", run.pk, run.task_path, run.attempts)


def _enqueue_again(run: TaskRun, task, *, delay: datetime.timedelta | None) -> None:
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    token = _continuing.set(run.pk)
    try:
        task.enqueue(*run.args.get("args", []), **run.args.get("kwargs", {}))
    finally:
        _continuing.reset(token)


def retry(run: TaskRun) -> None:
    """Run a failed task once more (the 重试 button), continuing its row; it is not retried again
    by itself after this attempt. Someone else's task runs through ``jobs.tasks.rerun``."""
    from .tasks import rerun

    if run.status != Status.FAILED:
        raise ValueError("only a failed task can be retried")
    TaskRun.objects.filter(pk=run.pk).update(max_attempts=run.attempts + 1)
    if task_spec(run.task_path) is not None:
        task = import_string(run.task_path)
    else:
        run.args = {"args": [run.task_path, run.args.get("args", []), run.args.get("kwargs", {})], "kwargs": {}}
        TaskRun.objects.filter(pk=run.pk).update(task_path=rerun.module_path, args=run.args)
        task = rerun
    _enqueue_again(run, task, delay=None)


def prune() -> str:
    """Delete finished task records older than JOBS_RETENTION_DAYS (and the database queue's)."""
    from django.apps import apps

    cutoff = timezone.now() - datetime.timedelta(days=settings.JOBS_RETENTION_DAYS)
    deleted, _ = TaskRun.objects.filter(status__in=[Status.SUCCEEDED, Status.FAILED], finished_at__lt=cutoff).delete()
    queued = 0
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        queued, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"删除任务记录 {deleted} 条，队列结果 {queued} 条。"


def connect() -> None:
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(on_enqueued, dispatch_uid="jobs-task-enqueued")
    task_started.connect(on_started, dispatch_uid="jobs-task-started")
    task_finished.connect(on_finished, dispatch_uid="jobs-task-finished")
