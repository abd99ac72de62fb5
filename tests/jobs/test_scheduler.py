"""Periodic jobs: each due job is enqueued once per slot, however many schedulers run."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

from jobs import registry, scheduler
from jobs.models import PeriodicJobState, Status, TaskRun

from .. import concurrency

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
RUNS: list[str] = []


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, second, tzinfo=SHANGHAI)


def tick() -> str:
    RUNS.append("tick")
    return "每刻钟作业完成"


def nightly() -> str:
    RUNS.append("nightly")
    return "夜间作业完成"


@pytest.fixture
def two_jobs(monkeypatch):
    """Only these two periodic jobs (the domains' own are tested in their suites)."""
    RUNS.clear()
    monkeypatch.setattr(registry, "_periodic", {})
    registry.register_periodic("test.tick", "测试：每刻钟", registry.every(15), tick)
    registry.register_periodic("test.nightly", "测试：夜间", registry.daily(3, 30), f"{__name__}.nightly")
    yield RUNS
    RUNS.clear()


@pytest.mark.django_db
def test_each_due_job_is_enqueued_once_per_slot(two_jobs):
    assert scheduler.run_due(at(4, 10, 7)) == ["test.tick"]  # an interval job is due when first seen
    assert scheduler.run_due(at(4, 10, 7, 40)) == []
    assert scheduler.run_due(at(4, 10, 14, 59)) == []
    assert scheduler.run_due(at(4, 10, 15)) == ["test.tick"]
    assert scheduler.run_due(at(4, 10, 16)) == []
    # The scheduler was stopped overnight: the missed slots are not caught up one by one.
    assert scheduler.run_due(at(5, 3, 29)) == ["test.tick"]
    assert scheduler.run_due(at(5, 3, 30)) == ["test.nightly", "test.tick"]
    assert scheduler.run_due(at(5, 3, 31)) == []
    assert two_jobs == ["tick", "tick", "tick", "nightly", "tick"]
    nightly_state = PeriodicJobState.objects.get(key="test.nightly")
    assert nightly_state.next_run_at == at(6, 3, 30)
    run = TaskRun.objects.get(label="测试：夜间")
    assert (run.status, run.attempts, run.summary) == (Status.SUCCEEDED, 1, "夜间作业完成")
    assert TaskRun.objects.filter(label="测试：每刻钟", status=Status.SUCCEEDED).count() == 4


@pytest.mark.django_db
def test_a_scheduler_that_read_the_slot_late_enqueues_nothing(two_jobs):
    """Two schedulers read the row before either moves it: only the first UPDATE matches."""
    scheduler.run_due(at(4, 10, 7))
    first, second = (PeriodicJobState.objects.get(key="test.tick") for _ in range(2))
    job = registry.periodic_jobs()["test.tick"]
    assert scheduler.claim(first, job, at(4, 10, 15)) is True
    assert scheduler.claim(second, job, at(4, 10, 15)) is False
    assert PeriodicJobState.objects.get(key="test.tick").next_run_at == at(4, 10, 30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_schedulers_racing_enqueue_each_slot_once(two_jobs, real_database):
    now = at(5, 3, 30)

    def schedule(i):
        return scheduler.run_due(now)

    results, errors = concurrency.race(schedule, real_database, 4, RuntimeError)
    assert not errors, errors
    assert sorted(key for keys in results for key in keys) == ["test.tick"]  # nightly: first seen, not due
    assert two_jobs == ["tick"]
    assert TaskRun.objects.filter(label="测试：每刻钟").count() == 1


@pytest.mark.django_db
def test_the_command_enqueues_and_the_domains_register_their_jobs(two_jobs, monkeypatch):
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "已入队：测试：每刻钟（test.tick）" in out.getvalue()
    assert two_jobs == ["tick"]


def test_the_domains_register_their_clocks():
    jobs = registry.periodic_jobs()
    assert {key: (job.label, job.schedule.describe()) for key, job in jobs.items()} == {
        "cases.supervise": ("办件电子监察", "每 60 分钟"),
        "interaction.supervise": ("政民互动监察", "每 60 分钟"),
        "appointments.close_day": ("预约爽约登记（傍晚）", "每天 18:00"),
        "appointments.close_night": ("预约爽约登记（零点后）", "每天 00:10"),
        "jobs.prune": ("清理过期任务记录", "每天 03:30"),
        "matters.cancel_due": ("取消到期事项", "每天 00:05"),
        "matters.prune_exports": ("清理过期事项导出", "每天 03:20"),
        "api.prune_tombstones": ("清理过期删除标记", "每天 03:40"),
        "audit.purge": ("清理过期安全审计记录", "每天 03:50"),
    }
    for job in jobs.values():
        assert callable(job.function())


def test_schedules_refuse_what_they_cannot_keep():
    with pytest.raises(ValueError):
        registry.every(7)
    with pytest.raises(ValueError):
        registry.daily(24, 0)
    with pytest.raises(ValueError):
        registry.register_periodic("cases.supervise", "别的名字", registry.every(60), tick)
