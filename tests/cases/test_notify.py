"""Applicants' notices on the task worker (docs/tasks.md): each notice is logged 待发送 with its step,
sent by the task 发送办件通知 once the step has committed, marked 已发送 or 发送失败, retried by
``jobs`` and seen in 设置 › 后台任务; the queue stores the notice's id, never the contact."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.models import CaseNotice, CaseState, NoticeStatus
from cases.public_views import lookup_context
from jobs.models import Status, TaskRun

from ..jobs import conftest as jobs_fixtures
from .factories import PHONE, CaseFactory, take

EMAIL = "zhang@example.com"
pytestmark = pytest.mark.django_db


class FlakyGateway:
    """An SMS gateway that times out ``failures["left"]`` times, then delivers."""

    failures = {"left": 0}
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        if self.failures["left"] > 0:
            self.failures["left"] -= 1
            raise ConnectionError("网关超时")
        self.sent.append((phone, text))


@pytest.fixture
def sms(settings):
    settings.CASES_SMS_GATEWAY = "tests.cases.test_notify.FlakyGateway"
    FlakyGateway.failures["left"] = 0
    FlakyGateway.sent.clear()
    yield FlakyGateway
    FlakyGateway.failures["left"] = 0
    FlakyGateway.sent.clear()


def test_a_notice_is_queued_with_its_step_and_emailed_once_the_step_commits(
    case_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
    notice = case.notices.get()
    assert (notice.status, notice.channel, notice.recipient) == (NoticeStatus.QUEUED, "email", "z***@example.com")
    assert mail.outbox == [] and not TaskRun.objects.exists()  # nothing sent inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and notice.error == ""
    assert [(m.subject, m.to) for m in mail.outbox] == [(f"您的办件申请已收到（{case.number}）", [EMAIL])]
    run = TaskRun.objects.get()
    assert (run.label, run.status, run.attempts) == ("发送办件通知", Status.SUCCEEDED, 1)
    assert run.args == {"args": [notice.pk], "kwargs": {}}  # the id only: no address in the record
    assert case.number in run.summary and EMAIL not in run.summary

    with django_capture_on_commit_callbacks(execute=True):
        take(case, "accept")
    assert [m.subject for m in mail.outbox][1:] == [f"您的办件已受理（{case.number}）"]
    assert list(case.notices.values_list("kind", "channel", "status")) == [
        ("received", "email", "sent"),
        ("accepted", "email", "sent"),
    ]


def test_a_step_that_is_rolled_back_sends_nothing(case_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
        raise RuntimeError("the request failed after the step")
    assert mail.outbox == [] and not CaseNotice.objects.exists() and not TaskRun.objects.exists()


def test_a_refused_step_queues_no_notice(case_world, django_capture_on_commit_callbacks):
    case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception, match="不能"):
        take(case, "approve")  # not accepted yet
    assert callbacks == [] and case.notices.count() == 1


def test_sms_and_email_each_get_a_notice_and_a_task(case_world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
    assert list(case.notices.values_list("channel", "recipient", "status")) == [
        ("sms", "138****5678", "sent"),
        ("email", "z***@example.com", "sent"),
    ]
    assert sms.sent == [(PHONE, case.notices.get(channel="sms").body)] and len(mail.outbox) == 1
    assert TaskRun.objects.filter(label="发送办件通知", status=Status.SUCCEEDED).count() == 2


def test_the_lookup_page_lists_each_message_once_whatever_its_channels_and_status(
    client, case_world, sms, django_capture_on_commit_callbacks
):
    from cases.pages import CaseIndexPage
    from portal.models import HomePage

    page = CaseIndexPage(title="办件服务", slug="banjian")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
    assert case.notices.filter(status=NoticeStatus.QUEUED).count() == 2  # not sent yet: still the applicant's
    html = client.post("/banjian/lookup/", {"number": case.number, "phone": PHONE}).content.decode()
    assert html.count(f"您的办件申请已收到（{case.number}）") == 1
    with django_capture_on_commit_callbacks(execute=True):
        take(case, "accept")
    html = client.post("/banjian/lookup/", {"number": case.number, "phone": PHONE}).content.decode()
    assert html.count(f"您的办件申请已收到（{case.number}）") == 1
    assert html.count(f"您的办件已受理（{case.number}）") == 1


def test_a_gateway_failure_is_retried_and_the_notice_ends_sent(case_world, sms, django_capture_on_commit_callbacks):
    sms.failures["left"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory(matter=case_world.matters["promised"])
    notice = case.notices.get(channel="sms")
    assert (notice.status, notice.error) == (NoticeStatus.SENT, "")
    run = TaskRun.objects.get()
    assert (run.status, run.attempts) == (Status.SUCCEEDED, 2)
    assert len(sms.sent) == 1


def test_a_notice_that_keeps_failing_is_marked_failed_the_step_stands_and_staff_see_it(
    client, org, case_world, sms, django_capture_on_commit_callbacks
):
    sms.failures["left"] = 99
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory(matter=case_world.matters["promised"])
    with django_capture_on_commit_callbacks(execute=True):
        case = take(case, "accept")
    assert case.state == CaseState.ACCEPTED  # sending never fails the step
    notice = case.notices.get(kind="accepted")
    assert notice.status == NoticeStatus.FAILED and notice.error == "ConnectionError: 网关超时"
    run = TaskRun.objects.get(args={"args": [notice.pk], "kwargs": {}})
    assert (run.status, run.attempts, run.max_attempts) == (Status.FAILED, 3, 3)
    assert run.error == "ConnectionError: 网关超时"

    client.force_login(org.users["sysadmin"])
    page = client.get("/admin/jobs/", {"status": "failed"}).content.decode()
    assert "发送办件通知" in page and "网关超时" in page and PHONE not in page

    # 重试 once the gateway is back: the same notice goes out, and only once.
    sms.failures["left"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:retry", args=[run.pk]))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and sms.sent == [(PHONE, notice.body)]
    assert TaskRun.objects.get(pk=run.pk).status == Status.SUCCEEDED


def test_without_any_address_no_task_is_queued(case_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = CaseFactory(matter=case_world.matters["promised"])
    assert case.notices.get().status == NoticeStatus.NO_ADDRESS
    assert callbacks == [] and not TaskRun.objects.exists()


# ---- the production profile: TASKS_BACKEND=database and manage.py db_worker --------------------

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
database_queue = jobs_fixtures.database_queue  # TASKS_BACKEND=database for the test
work = jobs_fixtures.work  # manage.py db_worker until nothing is ready


@transactional
def test_on_the_worker_the_notice_waits_queued_then_goes_out(case_world, sms, database_queue, work):
    case = CaseFactory(matter=case_world.matters["promised"], applicant_overrides={"email": EMAIL})
    assert set(case.notices.values_list("status", flat=True)) == {NoticeStatus.QUEUED}
    assert mail.outbox == [] and sms.sent == []
    # What the queue and the task records keep: notice ids, never the phone number or address.
    stored = json.dumps(
        [list(DBTaskResult.objects.values_list("args_kwargs", flat=True)), list(TaskRun.objects.values("args"))],
        ensure_ascii=False,
        default=str,
    )
    ids = sorted(case.notices.values_list("pk", flat=True))
    sends = TaskRun.objects.filter(label="发送办件通知")
    assert sorted(r["args"]["args"][0] for r in sends.values("args")) == ids
    assert PHONE not in stored and EMAIL not in stored and "zhang" not in stored

    # The applicant already reads the message on the lookup page, once (not once per channel).
    assert [n.subject for n in lookup_context(case)["notices"]] == [f"您的办件申请已收到（{case.number}）"]

    work()
    assert set(case.notices.values_list("status", flat=True)) == {NoticeStatus.SENT}
    assert [m.to for m in mail.outbox] == [[EMAIL]] and [phone for phone, _ in sms.sent] == [PHONE]
    assert set(sends.values_list("status", flat=True)) == {Status.SUCCEEDED}


@transactional
def test_on_the_worker_a_failed_notice_waits_for_its_retry(case_world, sms, database_queue, work):
    sms.failures["left"] = 1
    case = CaseFactory(matter=case_world.matters["promised"])
    work()
    notice = case.notices.get()
    assert (notice.status, notice.error) == (NoticeStatus.FAILED, "ConnectionError: 网关超时")
    run = TaskRun.objects.get(label="发送办件通知")
    assert (run.status, run.attempts) == (Status.QUEUED, 1) and run.next_attempt_at is not None
    from django.utils import timezone
    from django_tasks import TaskResultStatus

    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())  # time passes
    work()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and len(sms.sent) == 1
    assert TaskRun.objects.get(pk=run.pk).status == Status.SUCCEEDED
