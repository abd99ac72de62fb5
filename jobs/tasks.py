"""The tasks of the jobs app itself: a periodic job's run, and a re-run of someone else's task."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from .registry import PERIODIC_QUEUE, periodic_jobs, task


@task(label="定时作业", queue_name=PERIODIC_QUEUE)
def run_periodic(key: str) -> str:
    """Run the periodic job ``key`` (enqueued by the scheduler); returns its summary."""
    job = periodic_jobs().get(key)
    if job is None:
        raise LookupError(f"定时作业 {key} 未注册（所属应用已移除？）")
    result = job.function()()
    return result if isinstance(result, str) else ""


@task(label="重试任务")
def rerun(task_path: str, args: list, kwargs: dict[str, Any]) -> None:
    """Run a task that was not defined with ``jobs.task`` (Wagtail's) once more, by its path."""
    target = import_string(task_path)
    target.call(*args, **kwargs)
