"""The admin's case screens: the permission matrix, walk-in registration, steps, the notice PDF."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, CaseState

from .factories import ID_NUMBER, PHONE, CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cases(case_world):
    """A window case of A taken in at A's window, a case of A with no window, a case of B."""
    return {
        "own_window": CaseFactory(
            matter=case_world.matters["promised"], window=case_world.windows["own"], applied_on=D(2026, 11, 2)
        ),
        "own": CaseFactory(matter=case_world.matters["promised"], applied_on=D(2026, 11, 2)),
        "other": CaseFactory(matter=case_world.matters["other"], applied_on=D(2026, 11, 2)),
    }


# role -> the cases it may see and act on; the supervisor sees all and acts on none
MATRIX = {
    "owner": ({"own_window", "own"}, {"own_window", "own"}),
    "reviewer": ({"own_window", "own"}, {"own_window", "own"}),
    "owner_b": ({"other"}, {"other"}),
    "clerk": ({"own_window"}, {"own_window"}),
    "clerk_b": (set(), set()),
    "supervisor": ({"own_window", "own", "other"}, set()),
    "disclosure": (set(), set()),
    "nodept": (set(), set()),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_list_detail_and_act(client, case_world, cases, role):
    sees, acts = MATRIX[role]
    client.force_login(case_world.users[role])
    listing = client.get(reverse("cases_index"))
    if not sees and role not in ("clerk_b",):
        assert listing.status_code in (302, 403)
    else:
        assert listing.status_code == 200
        shown = {key for key, case in cases.items() if case.number in listing.content.decode()}
        assert shown == sees
    for key, case in cases.items():
        detail = client.get(reverse("cases_detail", args=[case.pk]))
        assert detail.status_code == (200 if key in sees else 404 if listing.status_code == 200 else detail.status_code)
        if key not in sees:
            assert detail.status_code in (302, 403, 404)
        response = client.post(
            reverse("cases_action", args=[case.pk]), {"action": "accept", "on": "2026-11-02", "revision": case.revision}
        )
        state = Case.objects.get(pk=case.pk).state
        if key in acts:
            assert response.status_code == 302 and state == CaseState.ACCEPTED
        else:
            assert response.status_code in (302, 403, 404) and state == CaseState.APPLIED


def test_a_window_clerk_registers_and_accepts_a_walk_in_case_at_their_window(client, case_world):
    clerk = case_world.users["clerk"]
    client.force_login(clerk)
    matter = case_world.matters["other"]  # 乙局's matter at 甲局's comprehensive window: 一窗受理
    pick = client.get(reverse("cases_add"), {"matter": matter.pk})
    assert pick.status_code == 200 and "申请表" in pick.content.decode()
    response = client.post(
        reverse("cases_add"),
        {
            "matter": matter.pk,
            "window": case_world.windows["own"].pk,
            "applicant_kind": "person",
            "applicant_name": "王五",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "received": ["0", "1"],
            "then": "accept",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases_detail", args=[case.pk])
    assert (
        case.state == CaseState.ACCEPTED
        and case.department == case_world.dept_b
        and case.window == case_world.windows["own"]
    )
    assert case.registered_by == clerk and case.channel == "window"
    pdf = client.get(reverse("cases_notice_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # the department handling it sees it too; the other window's clerk does not
    client.force_login(case_world.users["owner_b"])
    assert client.get(reverse("cases_detail", args=[case.pk])).status_code == 200
    client.force_login(case_world.users["clerk_b"])
    assert client.get(reverse("cases_detail", args=[case.pk])).status_code == 404


def test_walk_in_errors_name_the_field_and_write_nothing(client, case_world):
    client.force_login(case_world.users["clerk"])
    response = client.post(
        reverse("cases_add"),
        {
            "matter": case_world.matters["promised"].pk,
            "window": case_world.windows["own"].pk,
            "applicant_kind": "person",
            "applicant_name": "王五",
            "id_type": "resident_id",
            "id_number": "110101199003071234",
            "phone": PHONE,
            "then": "accept",
        },
    )
    assert response.status_code == 200 and "居民身份证号码不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_a_clerk_cannot_register_at_another_window(client, case_world):
    client.force_login(case_world.users["clerk"])
    response = client.post(
        reverse("cases_add"),
        {
            "matter": case_world.matters["promised"].pk,
            "window": case_world.windows["other"].pk,
            "applicant_kind": "person",
            "applicant_name": "王五",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
        },
    )
    assert response.status_code == 200 and not Case.objects.exists()


def test_a_department_without_window_registers_its_own_cases_only(client, case_world):
    client.force_login(case_world.users["owner_b"])
    data = {
        "applicant_kind": "person",
        "applicant_name": "王五",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "received": ["0", "1"],
        "then": "register",
    }
    refused = client.post(reverse("cases_add"), {**data, "matter": case_world.matters["promised"].pk})
    assert refused.status_code == 200 and not Case.objects.exists()
    made = client.post(reverse("cases_add"), {**data, "matter": case_world.matters["other"].pk})
    assert made.status_code == 302 and Case.objects.get().state == CaseState.APPLIED


def test_an_amendment_from_the_detail_page_names_the_materials(client, case_world, cases):
    case = cases["own"]
    client.force_login(case_world.users["owner"])
    response = client.post(
        reverse("cases_action", args=[case.pk]),
        {
            "action": "amend",
            "on": "2026-11-03",
            "revision": case.revision,
            "missing_0": "1",
            "defect_0": "未签字",
            "missing_1": "1",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.AMENDMENT
    assert "申请表：未签字" in case.notices.get(kind="amendment").body
    page = client.get(reverse("cases_detail", args=[case.pk])).content.decode()
    assert "申请表：未签字" in page and "提交补正材料" in page


def test_a_stale_form_is_refused_with_a_message(client, case_world, cases):
    case = cases["own"]
    client.force_login(case_world.users["owner"])
    client.post(
        reverse("cases_action", args=[case.pk]), {"action": "accept", "on": "2026-11-02", "revision": case.revision}
    )
    stale = client.post(
        reverse("cases_action", args=[case.pk]),
        {"action": "reject", "on": "2026-11-02", "note": "x", "revision": case.revision},
        follow=True,
    )
    assert "已被他人办理" in stale.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_personal_data_in_clear_only_for_handlers_and_audited(client, case_world, cases):
    case = cases["own"]
    client.force_login(case_world.users["supervisor"])
    page = client.get(reverse("cases_detail", args=[case.pk])).content.decode()
    assert ID_NUMBER not in page and PHONE not in page and "张**" in page
    client.force_login(case_world.users["owner"])
    page = client.get(reverse("cases_detail", args=[case.pk])).content.decode()
    assert ID_NUMBER in page and PHONE in page
    assert AuditEvent.objects.filter(kind="pii_view", object_id=str(case.pk)).count() == 1


def test_the_list_costs_the_same_queries_for_few_and_many_cases(client, case_world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(case_world.users["owner"])
    CaseFactory(matter=case_world.matters["promised"], window=case_world.windows["own"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases_index"))
    for _ in range(8):
        CaseFactory(matter=case_world.matters["promised"], window=case_world.windows["own"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("cases_index"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_walk_in_form_searches_matters_by_name_or_code(client, case_world):
    client.force_login(case_world.users["clerk"])
    page = client.get(reverse("cases_add"), {"q": "即办"}).content.decode()
    assert "甲局即办事项" in page and "甲局许可事项" not in page
    code = case_world.matters["other"].implementation_code
    page = client.get(reverse("cases_add"), {"q": code}).content.decode()
    assert "乙局许可事项" in page and "甲局即办事项" not in page


def test_uploaded_materials_are_downloads_for_handlers_only(client, case_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import flow

    from .factories import applicant

    upload = SimpleUploadedFile("申请表.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    upload.original_name = "申请表.pdf"
    intake = flow.Intake(
        matter=case_world.matters["promised"], applicant=applicant(), channel="online", files={0: upload}
    )
    case, _ = flow.open_case(intake)
    material = case.materials.get(sort_order=0)
    url = reverse("cases_material_file", args=[case.pk, material.pk])
    client.force_login(case_world.users["owner"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("cases_material_file", args=[case.pk, material.pk + 999])).status_code == 404
    assert client.get(reverse("cases_notice_pdf", args=[case.pk])).status_code == 404  # not accepted yet
    client.force_login(case_world.users["supervisor"])  # reads the case, may not take the applicant's files
    assert client.get(url).status_code in (302, 403)
    client.force_login(case_world.users["owner_b"])
    assert client.get(url).status_code == 404
