"""The scheduler as systemd runs it, and the records' housekeeping."""

from __future__ import annotations

import datetime
import io
import signal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs import registry, tasks, tracking
from jobs.models import Status, TaskRun

pytestmark = pytest.mark.django_db


def test_the_scheduler_runs_until_stopped_and_then_exits(monkeypatch):
    calls = []
    monkeypatch.setattr(registry, "_periodic", {})
    registry.register_periodic("test.loop", "测试：循环", registry.every(5), lambda: calls.append(1))
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def sleep(seconds):  # systemd stops the service while it waits for the next pass
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr("jobs.management.commands.run_scheduler.time.sleep", sleep)
    # Between passes the command drops connections past CONN_MAX_AGE, as a long-running process must;
    # inside the test's transaction that would close the test's own connection (on PostgreSQL).
    closed = []
    monkeypatch.setattr("jobs.management.commands.run_scheduler.close_old_connections", lambda: closed.append(1))
    out = io.StringIO()
    try:
        call_command("run_scheduler", "--interval", "5", stdout=out)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert "定时作业：测试：循环（每 5 分钟）" in out.getvalue()
    assert calls == [1] and closed
    with pytest.raises(CommandError, match="--interval"):
        call_command("run_scheduler", "--interval", "0")


def test_old_finished_records_are_pruned_and_recent_ones_kept():
    now = timezone.now()
    common = {"task_path": "x.y", "label": "测试", "enqueued_at": now}
    old = TaskRun.objects.create(
        result_id="old", status=Status.SUCCEEDED, finished_at=now - datetime.timedelta(days=40), **common
    )
    TaskRun.objects.create(
        result_id="new", status=Status.FAILED, finished_at=now - datetime.timedelta(days=2), **common
    )
    TaskRun.objects.create(result_id="waiting", status=Status.QUEUED, **common)
    assert tracking.prune() == "删除任务记录 1 条，队列结果 0 条。"
    assert set(TaskRun.objects.values_list("result_id", flat=True)) == {"new", "waiting"}
    assert not TaskRun.objects.filter(pk=old.pk).exists()


def test_a_periodic_job_whose_app_was_removed_fails_with_a_message(monkeypatch):
    monkeypatch.setattr(registry, "_periodic", {})
    tasks.run_periodic.enqueue("gone.job")
    run = TaskRun.objects.get()
    assert run.status == Status.FAILED
    assert run.error == "LookupError: 定时作业 gone.job 未注册（所属应用已移除？）"
    with pytest.raises(ValueError):
        tracking.retry(
            TaskRun.objects.create(result_id="ok", task_path="x.y", label="测试", enqueued_at=timezone.now())
        )


def test_the_old_cron_lines_run_as_periodic_jobs(settings):
    """Tombstones past their retention go, recent ones stay; the audit purge refuses under 180 days."""
    from api.models import Tombstone

    now = timezone.now()
    old = Tombstone.objects.create(kind="matters", object_id="1", reason="deleted")
    Tombstone.objects.filter(pk=old.pk).update(
        at=now - datetime.timedelta(days=settings.API_TOMBSTONE_RETENTION_DAYS + 1)
    )
    Tombstone.objects.create(kind="matters", object_id="2", reason="deleted")
    tasks.run_periodic.enqueue("api.prune_tombstones")
    assert list(Tombstone.objects.values_list("object_id", flat=True)) == ["2"]
    assert TaskRun.objects.get().status == Status.SUCCEEDED

    settings.AUDIT_RETENTION_DAYS = 30
    tasks.run_periodic.enqueue("audit.purge")
    failed = TaskRun.objects.get(status=Status.FAILED)
    assert "少于 180 天" in failed.error and "《网络安全法》第二十一条" in failed.error
