"""电子监察 and 督办: lights and alerts (cases.supervision), the dashboard, orders, the command."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import clock, flow, supervision
from cases.models import Case, CaseAlert, CaseState, Light, OrderState, SupervisionOrder
from workdays.service import calendar_changed

from .factories import CaseFactory, take

D = datetime.date
pytestmark = pytest.mark.django_db
DUE = D(2026, 11, 16)  # accepted Mon 2 Nov 2026 with 10 promised working days


@pytest.fixture(autouse=True)
def warning_days(settings):
    settings.CASES_WARNING_DAYS = 2


@pytest.fixture
def running(case_world):
    return CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))


def light(case) -> str:
    return Case.objects.get(pk=case.pk).light


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 10), Light.GREEN),  # 4 working days left
        (D(2026, 11, 11), Light.GREEN),  # 3 left: 12, 13, 16 Nov
        (D(2026, 11, 12), Light.YELLOW),  # 2 left
        (D(2026, 11, 13), Light.YELLOW),  # the day before the due date
        (D(2026, 11, 14), Light.YELLOW),  # a Saturday before it
        (DUE, Light.YELLOW),  # on the due date
        (D(2026, 11, 17), Light.RED),  # the day after
    ],
)
def test_lights_turn_on_the_right_days_as_the_clock_reckons(running, today, expected):
    assert running.due_date == DUE
    supervision.supervise(today)
    assert light(running) == expected == clock.light_of(Case.objects.get(pk=running.pk), today)


def test_warning_days_come_from_the_settings(settings, running):
    settings.CASES_WARNING_DAYS = 0
    supervision.supervise(D(2026, 11, 13))
    assert light(running) == Light.GREEN
    supervision.supervise(DUE)
    assert light(running) == Light.YELLOW


def test_one_alert_per_case_and_light_and_rerunning_does_not_duplicate(running):
    supervision.supervise(D(2026, 11, 11))
    assert not CaseAlert.objects.exists()
    counts = supervision.supervise(D(2026, 11, 12))
    assert (counts["yellow"], counts["newly_yellow"], counts["alerts"]) == (1, 1, 1)
    case = Case.objects.get(pk=running.pk)
    assert (case.light, case.light_since) == (Light.YELLOW, D(2026, 11, 12))
    assert supervision.supervise(D(2026, 11, 12))["alerts"] == 0
    supervision.supervise(D(2026, 11, 13))
    assert Case.objects.get(pk=running.pk).light_since == D(2026, 11, 12)  # still the same yellow
    counts = supervision.supervise(D(2026, 11, 17))
    assert (counts["red"], counts["newly_red"], counts["alerts"]) == (1, 1, 1)
    supervision.supervise(D(2026, 11, 18))
    alerts = list(
        CaseAlert.objects.filter(case=running).order_by("raised_on").values_list("light", "raised_on", "due_date")
    )
    assert alerts == [(Light.YELLOW, D(2026, 11, 12), DUE), (Light.RED, D(2026, 11, 17), DUE)]
    assert Case.objects.get(pk=running.pk).light_since == D(2026, 11, 17)


def test_a_case_in_special_procedure_has_no_light_and_its_due_date_moves(running):
    take(running, "special_start", on=D(2026, 11, 5), special_kind="expert_review")
    supervision.supervise(D(2026, 11, 10))
    case = Case.objects.get(pk=running.pk)
    assert case.state == CaseState.SPECIAL and case.light == Light.NONE and case.light_since is None
    counts = supervision.supervise(D(2026, 11, 20))
    case = Case.objects.get(pk=running.pk)
    assert case.light == Light.NONE and counts["special_recomputed"] == 1
    assert case.due_date == clock.read(case, today=D(2026, 11, 20)).due_date > DUE
    assert not CaseAlert.objects.filter(case=running).exists()


def test_closed_cases_lose_their_light(case_world, running):
    done = CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    take(done, "approve", on=D(2026, 11, 3))
    Case.objects.filter(pk=done.pk).update(light=Light.RED)  # left over from before
    counts = supervision.supervise(D(2026, 11, 17))
    assert light(done) == Light.NONE and light(running) == Light.RED
    assert counts["cleared"] == 1


def test_the_lights_are_a_handful_of_statements_whatever_the_number_of_cases(case_world):
    for _ in range(3):
        CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    with CaptureQueriesContext(connection) as few:
        supervision.supervise(D(2026, 11, 9))
    for _ in range(5):
        CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2))
    with CaptureQueriesContext(connection) as more:
        supervision.supervise(D(2026, 11, 10))
    assert len(more) == len(few) <= 12


def test_the_calendar_receiver_recomputes_provisional_due_dates(running):
    Case.objects.filter(pk=running.pk).update(due_provisional=True, due_date=D(2026, 11, 13))
    supervision.connect_calendar()
    try:
        calendar_changed.send(sender=None)
    finally:
        calendar_changed.disconnect(dispatch_uid="cases-recompute-provisional")
    case = Case.objects.get(pk=running.pk)
    assert (case.due_date, case.due_provisional) == (DUE, False)


def test_the_command_runs_and_reports_in_chinese(running):
    out = io.StringIO()
    call_command("supervise_cases", "--date", "2026-11-17", stdout=out)
    assert "红灯 1 件" in out.getvalue() and "新增预警 1 条" in out.getvalue()
    assert light(running) == Light.RED


# ---- the dashboard ---------------------------------------------------------------------------


@pytest.fixture
def red(case_world):
    """Red on 17 Nov: a case of A at A's window, a case of A without a window, a case of B."""
    cases = {
        "a_window": CaseFactory(
            matter=case_world.matters["promised"], window=case_world.windows["own"], accepted_on=D(2026, 11, 2)
        ),
        "a": CaseFactory(matter=case_world.matters["promised"], accepted_on=D(2026, 11, 2)),
        "b": CaseFactory(matter=case_world.matters["other"], accepted_on=D(2026, 11, 2)),
    }
    supervision.supervise(D(2026, 11, 17))
    return cases


def test_the_supervisor_sees_red_cases_of_every_department(client, case_world, red):
    client.force_login(case_world.users["supervisor"])
    page = client.get(reverse("cases_supervision"))
    assert page.status_code == 200
    html = page.content.decode()
    for case in red.values():
        assert case.number in html and reverse("cases_detail", args=[case.pk]) in html
    assert case_world.dept_a.name in html and case_world.dept_b.name in html
    overdue = -clock.working_days_left(Case.objects.get(pk=red["a"].pk), timezone.localdate())
    assert f"超期{overdue}个工作日" in html
    assert reverse("cases_order_add", args=[red["b"].pk]) in html


def test_a_department_sees_only_its_own(client, case_world, red):
    client.force_login(case_world.users["owner"])
    html = client.get(reverse("cases_supervision")).content.decode()
    assert red["a"].number in html and red["a_window"].number in html
    assert red["b"].number not in html and case_world.dept_b.name not in html
    client.force_login(case_world.users["owner_b"])
    html = client.get(reverse("cases_supervision")).content.decode()
    assert red["b"].number in html
    assert red["a"].number not in html and red["a_window"].number not in html
    assert case_world.dept_a.name not in html
    client.force_login(case_world.users["clerk"])
    html = client.get(reverse("cases_supervision")).content.decode()
    assert red["a_window"].number in html and red["a"].number not in html


def test_a_user_without_a_role_is_refused(client, case_world, red):
    client.force_login(case_world.users["nodept"])
    assert client.get(reverse("cases_supervision")).status_code in (302, 403)
    client.force_login(case_world.users["disclosure"])
    assert client.get(reverse("cases_supervision")).status_code in (302, 403)


def test_drill_down_by_hall_then_window(client, case_world, red):
    client.force_login(case_world.users["supervisor"])
    hall = case_world.windows["own"].hall
    html = client.get(reverse("cases_supervision"), {"department": case_world.dept_a.pk}).content.decode()
    assert f"?hall={hall.pk}" in html and hall.name in html
    assert red["a"].number in html and red["b"].number not in html
    html = client.get(reverse("cases_supervision"), {"hall": hall.pk}).content.decode()
    assert "A01号窗口" in html and red["a_window"].number in html and red["a"].number not in html


def test_dashboard_queries_do_not_grow_with_the_cases(client, case_world, red):
    client.force_login(case_world.users["supervisor"])
    url = reverse("cases_supervision")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for matter in ("promised", "other", "promised"):
        case = CaseFactory(
            matter=case_world.matters[matter],
            window=case_world.windows["own"] if matter == "promised" else None,
            accepted_on=D(2026, 11, 3),
        )
        supervision.issue_order(
            case, case_world.users["supervisor"], "请说明超期原因", timezone.localdate() + datetime.timedelta(days=5)
        )
    supervision.supervise(D(2026, 11, 18))
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


# ---- 督办 ----------------------------------------------------------------------------------------


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def later(days: int = 7) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_supervisor_issues_an_order_and_the_department_responds(client, case_world, red):
    case = red["a"]
    client.force_login(case_world.users["supervisor"])
    url = reverse("cases_order_add", args=[case.pk])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"reason": "已超期，请说明原因并尽快办结", "deadline": later().isoformat()})
    assert answer.status_code == 302
    order = SupervisionOrder.objects.get(case=case)
    assert (order.state, order.issued_by, order.deadline) == (OrderState.OPEN, case_world.users["supervisor"], later())
    assert "已超期，请说明原因" in client.get(reverse("cases_supervision")).content.decode()

    client.force_login(case_world.users["owner_b"])  # another department: not even there
    respond_url = reverse("cases_order_respond", args=[order.pk])
    assert client.post(respond_url, {"response": "不是我们的"}).status_code == 404
    client.force_login(case_world.users["owner"])
    assert client.get(respond_url).status_code == 200
    assert client.post(respond_url, {"response": "专家评审延误，已于今日办结"}).status_code == 302
    order.refresh_from_db()
    assert (order.state, order.responded_by, order.response) == (
        OrderState.ANSWERED,
        case_world.users["owner"],
        "专家评审延误，已于今日办结",
    )
    assert refused(client.post(reverse("cases_order_close", args=[order.pk])))

    client.force_login(case_world.users["supervisor"])
    assert client.post(reverse("cases_order_close", args=[order.pk])).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    with pytest.raises(flow.CaseError):
        supervision.respond(order, case_world.users["owner"], "再补充")


def test_a_department_owner_may_not_issue_an_order(client, case_world, red):
    client.force_login(case_world.users["owner"])
    url = reverse("cases_order_add", args=[red["a"].pk])
    assert refused(client.get(url))
    assert refused(client.post(url, {"reason": "自己督办自己", "deadline": later().isoformat()}))
    assert not SupervisionOrder.objects.exists()
    with pytest.raises(PermissionDenied):
        supervision.issue_order(red["a"], case_world.users["owner"], "自己督办自己", later())


def test_order_input_is_checked(client, case_world, red):
    supervisor = case_world.users["supervisor"]
    client.force_login(supervisor)
    url = reverse("cases_order_add", args=[red["a"].pk])
    answer = client.post(url, {"reason": "请说明", "deadline": timezone.localdate().isoformat()})
    assert answer.status_code == 200 and "回复期限应晚于今天" in answer.content.decode()
    with pytest.raises(flow.CaseError) as error:
        supervision.issue_order(red["a"], supervisor, "  ", later())
    assert error.value.field == "reason"
    with pytest.raises(flow.CaseError) as error:
        supervision.issue_order(red["a"], supervisor, "长" * 501, later())
    assert error.value.field == "reason"
    done = take(red["b"], "approve", on=D(2026, 11, 20))
    with pytest.raises(flow.CaseError) as error:
        supervision.issue_order(done, supervisor, "请说明", later())
    assert error.value.field == "case" and "办结" in error.value.message
    assert not SupervisionOrder.objects.exists()


def test_respond_is_only_for_who_may_change_the_case(case_world, red):
    order = supervision.issue_order(red["a_window"], case_world.users["supervisor"], "请说明", later())
    with pytest.raises(PermissionDenied):
        supervision.respond(order, case_world.users["owner_b"], "不是我们的")
    with pytest.raises(PermissionDenied):
        supervision.respond(order, case_world.users["supervisor"], "监察员不能代答")
    with pytest.raises(flow.CaseError) as error:
        supervision.respond(order, case_world.users["owner"], "")
    assert error.value.field == "response"
    assert supervision.respond(order, case_world.users["clerk"], "窗口已催办").state == OrderState.ANSWERED
