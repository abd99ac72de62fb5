"""Retries and the 后台任务 page (设置 › 后台任务): failures are retried, then shown with their
Chinese message, to the system administrator and superusers only, and can be run again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from jobs.models import Status, TaskRun

from ..permissions.factories import UserFactory
from . import tasks

pytestmark = pytest.mark.django_db
INDEX = "/admin/jobs/"


@pytest.fixture(autouse=True)
def _reset():
    tasks.FAILURES["left"] = 0
    tasks.PLAIN["fail"] = True
    yield
    tasks.FAILURES["left"] = 0


def failed_report() -> TaskRun:
    tasks.FAILURES["left"] = 99
    tasks.make_report.enqueue(1999)
    return TaskRun.objects.get(label="测试：生成年度报告")


def test_a_failing_task_is_retried_then_marked_failed_with_its_message(client, org):
    run = failed_report()
    assert tasks.FAILURES["left"] == 96  # tried three times (inline: no wait between tries)
    assert (run.status, run.attempts, run.max_attempts) == (Status.FAILED, 3, 3)
    assert run.error == f"ValueError: {tasks.MESSAGE}"
    client.force_login(org.users["sysadmin"])
    page = client.get(INDEX, {"status": "failed"}).content.decode()
    assert "测试：生成年度报告" in page and tasks.MESSAGE in page and "3 / 3" in page
    assert "失败" in page and reverse("jobs:retry", args=[run.pk]) in page
    assert "1999" not in page  # a task's arguments are never shown
    assert "测试：生成年度报告" not in client.get(INDEX, {"status": "succeeded"}).content.decode()


def test_a_task_that_fails_once_succeeds_on_its_retry(client, org):
    tasks.FAILURES["left"] = 1
    result = tasks.make_report.enqueue(2024)
    run = TaskRun.objects.get(label="测试：生成年度报告")
    assert (run.status, run.attempts, run.error, run.summary) == (Status.SUCCEEDED, 2, "", "2024 年度报告已生成")
    assert run.result_id != result.id  # the second attempt is a new task result, the same record


def test_only_the_system_administrator_and_superusers_see_the_page(client, org):
    failed_report()
    for name in ("owner", "reviewer", "disclosure", "nodept"):
        client.force_login(org.users[name])
        response = client.get(INDEX)
        assert response.status_code in (302, 403), name
        assert "测试：生成年度报告" not in response.content.decode()
        assert f'"{INDEX}"' not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(org.users["sysadmin"])
    assert f'"{INDEX}"' in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(UserFactory(username="root", superuser=True))
    assert client.get(INDEX).status_code == 200


def test_the_retry_button_runs_a_failed_task_again_post_only_with_permission(client, org):
    run = failed_report()
    url = reverse("jobs:retry", args=[run.pk])
    tasks.FAILURES["left"] = 0
    client.force_login(org.users["owner"])  # a department editor
    assert client.post(url).status_code in (302, 403)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert not AuditEvent.objects.filter(kind="task_retried").exists()

    client.force_login(UserFactory(username="root", superuser=True))
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == INDEX
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (Status.SUCCEEDED, 4, "")
    event = AuditEvent.objects.get(kind="task_retried")
    assert (event.actor_username, event.object_id) == ("root", str(run.pk))
    # A task that is not failed is not run again.
    client.post(url)
    run.refresh_from_db()
    assert run.attempts == 4


def test_someone_elses_failed_task_is_recorded_and_can_be_run_again(client, org):
    tasks.someone_elses.enqueue(7)
    run = TaskRun.objects.get(label="someone_elses")
    assert (run.status, run.attempts, run.error) == (Status.FAILED, 1, "RuntimeError: 外部服务无响应")
    tasks.PLAIN["fail"] = False
    tasks.someone_elses.enqueue(8)  # a success of such a task writes nothing
    assert TaskRun.objects.count() == 1
    client.force_login(UserFactory(username="root", superuser=True))
    client.post(reverse("jobs:retry", args=[run.pk]))
    run.refresh_from_db()
    assert (run.label, run.status, run.attempts) == ("someone_elses", Status.SUCCEEDED, 2)


def test_the_dashboard_counts_the_failures_of_the_last_day_for_superusers(client, org):
    failed_report()
    client.force_login(UserFactory(username="root", superuser=True))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "失败的后台任务" in page and "最近 24 小时有 <strong>1</strong> 个后台任务" in page
    TaskRun.objects.update(finished_at="2020-01-01T00:00:00Z")
    assert "失败的后台任务" not in client.get(reverse("wagtailadmin_home")).content.decode()
