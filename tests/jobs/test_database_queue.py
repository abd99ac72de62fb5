"""The production profile's queue end to end: TASKS_BACKEND=database, then ``manage.py db_worker``.

Transactional tests: the worker runs as it does in production, in autocommit, claiming rows with
``select_for_update(skip_locked=True)`` (``.ci/postgres-tests tests/jobs`` on PostgreSQL).
"""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import Status, TaskRun
from sitesearch import engine

from ..guides.factories import GuidePageFactory
from ..helpers import publish_change
from ..matters.factories import MatterFactory
from . import tasks
from .conftest import DATABASE_TASKS

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _reset():
    tasks.FAILURES["left"] = 0
    yield
    tasks.FAILURES["left"] = 0


def found(query: str, kind: str) -> list[str]:
    group = engine.search(query).groups.get(kind)
    return [r.title for r in group.ranked] if group else []


@transactional
def test_a_task_waits_in_the_database_until_the_worker_runs_it(database_queue, work):
    result = tasks.make_report.enqueue(2025)
    assert result.status == TaskResultStatus.READY
    assert TaskRun.objects.get(result_id=result.id).status == Status.QUEUED
    work()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "2025 年度报告已生成"
    run = TaskRun.objects.get(result_id=result.id)
    assert (run.status, run.attempts, run.summary) == (Status.SUCCEEDED, 1, "2025 年度报告已生成")
    assert run.started_at and run.finished_at >= run.started_at >= run.enqueued_at


@transactional
def test_a_failed_task_is_retried_after_its_backoff_then_given_up(database_queue, work):
    tasks.FAILURES["left"] = 99
    before = timezone.now()
    tasks.make_report.enqueue(2025)
    work()
    run = TaskRun.objects.get()
    # Failed once, enqueued again to run after the backoff (60 s), not at once.
    assert (run.status, run.attempts, run.error) == (Status.QUEUED, 1, f"ValueError: {tasks.MESSAGE}")
    assert run.next_attempt_at >= before + datetime.timedelta(seconds=60)
    work()
    assert TaskRun.objects.get().attempts == 1  # not due yet: the worker left it
    for expected_attempts, backoff in ((2, 120), (3, None)):
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())  # time passes
        before = timezone.now()
        work()
        run = TaskRun.objects.get()
        assert run.attempts == expected_attempts
        if backoff:  # doubled
            assert run.status == Status.QUEUED
            assert run.next_attempt_at >= before + datetime.timedelta(seconds=backoff)
    assert (run.status, run.max_attempts) == (Status.FAILED, 3)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@transactional
def test_a_published_change_reaches_the_search_index_once_the_worker_runs(org, work):
    matter = MatterFactory(department=org.dept_a, name="老年人优待证办理")
    guide = GuidePageFactory(matter=matter, title="优待证办事指南")
    assert found("优待证", "guide") == ["优待证办事指南"]
    with override_settings(TASKS=DATABASE_TASKS):
        publish_change(matter, name="敬老卡办理")
        guide.title = "敬老优待办事指南"
        guide.save_revision().publish()
        assert found("敬老卡", "matter") == [] and found("敬老卡", "guide") == []  # waiting for the worker
        assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
        work()
    assert found("敬老卡", "matter") == ["敬老卡办理"]
    assert found("敬老卡", "guide") == ["敬老优待办事指南"]  # the guide carries its matter's name
    assert found("敬老优待", "guide") == ["敬老优待办事指南"]  # the page's own published title
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    ours = TaskRun.objects.filter(label="更新搜索索引")
    assert ours.exists() and set(ours.values_list("status", flat=True)) == {Status.SUCCEEDED}
