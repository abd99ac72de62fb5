"""The staff console: scope by department, masking, steps through the admin, export, dashboard."""

from __future__ import annotations

import datetime
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.pii import OPERATOR_MESSAGE as MESSAGE
from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest
from disclosure.request_models import REPLY_SUBREASONS

from .factories import DisclosureRequestFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ID, PHONE = "110101199003071234", "13812345678"


@pytest.fixture
def requests(world):
    a = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26), name="张三丰")  # overdue by now
    b = DisclosureRequestFactory(department=world.dept_b, received=D(2025, 9, 26), name="王五", phone="13900000000")
    return a, b


def html(response) -> str:
    return response.content.decode()


def test_each_department_sees_only_its_requests_and_listings_mask_personal_data(client, world, requests):
    a, b = requests
    client.force_login(world.users["owner"])
    listing = html(client.get(reverse("disclosure_requests")))
    assert a.tracking_code in listing and b.tracking_code not in listing
    assert "张**" in listing and "张三丰" not in listing and ID not in listing and PHONE not in listing
    client.force_login(world.users["disclosure"])
    listing = html(client.get(reverse("disclosure_requests")))
    assert a.tracking_code in listing and b.tracking_code in listing


def test_another_departments_or_a_forged_request_is_404(client, world, requests):
    a, _ = requests
    client.force_login(world.users["owner_b"])
    assert client.get(reverse("disclosure_request_detail", args=[a.pk])).status_code == 404
    assert client.post(reverse("disclosure_request_action", args=[a.pk, "register"])).status_code == 404
    assert client.get(reverse("disclosure_request_detail", args=[999999])).status_code == 404
    client.force_login(world.users["nodept"])
    assert client.get(reverse("disclosure_requests")).status_code in (302, 403)


def test_handlers_see_the_numbers_on_the_detail_page(client, world, requests):
    a, _ = requests
    client.force_login(world.users["owner"])
    page = html(client.get(reverse("disclosure_request_detail", args=[a.pk])))
    assert ID in page and PHONE in page and "张三丰" in page


def test_a_wrong_key_shows_the_operator_message_and_changes_nothing(client, world, requests, caplog):
    """Not a traceback, not a placeholder: HTTP 503 with the message, logged without the data."""
    a, _ = requests
    stored = DisclosureRequest.objects.filter(pk=a.pk).values_list("id_number_hash", "phone_hash").get()
    with override_settings(PII_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        client.force_login(world.users["owner"])  # a handler: the page would show the numbers
        detail = client.get(reverse("disclosure_request_detail", args=[a.pk]))
        client.force_login(world.users["disclosure"])
        export = client.get(reverse("disclosure_requests"), {"export": "csv"})
        listing = client.get(reverse("disclosure_requests"))  # shows no numbers: still works
        step = client.post(reverse("disclosure_request_action", args=[a.pk, "register"]), {})
    for response in (detail, export):
        assert response.status_code == 503
        page = html(response)
        assert MESSAGE in page and "Traceback" not in page and "无法解密：密钥不匹配" not in page
        assert ID not in page and PHONE not in page
    assert listing.status_code == 200 and a.tracking_code in html(listing)
    assert step.status_code == 302
    errors = [r for r in caplog.records if r.name == "core.pii" and r.levelno == logging.ERROR]
    assert len(errors) == 2 and "disclosure.DisclosureRequest." in errors[0].getMessage()
    assert "gAAAA" not in caplog.text and ID not in caplog.text and PHONE not in caplog.text
    a.refresh_from_db()  # the step was taken; the numbers are as they were
    assert (a.status, a.id_number, a.phone) == ("registered", ID, PHONE)
    assert DisclosureRequest.objects.filter(pk=a.pk).values_list("id_number_hash", "phone_hash").get() == stored


def test_steps_through_the_admin(client, world, requests):
    a, _ = requests
    action = lambda step: reverse("disclosure_request_action", args=[a.pk, step])  # noqa: E731
    client.force_login(world.users["owner"])
    client.post(action("register"), {})
    a.refresh_from_db()
    assert a.status == "registered" and a.due_date == D(2025, 10, 30)

    extension = {"days": "5", "approver": "王主任", "reason": "调档", "day": "2025-10-20", "late_reason": "补录"}
    response = client.post(action("extend"), extension, follow=True)
    assert "延期未完成" in html(response)  # owners cannot extend: the detail page did not even offer it
    a.refresh_from_db()
    assert a.extension_days == 0

    client.force_login(world.users["reviewer"])
    response = client.post(action("extend"), {**extension, "day": "2025-10-31"}, follow=True)
    assert "期限届满后不能再延长" in html(response)
    client.post(action("extend"), extension)
    a.refresh_from_db()
    assert a.extension_days == 5 and a.due_date == D(2025, 11, 6)

    detail = reverse("disclosure_request_detail", args=[a.pk])
    drafted = client.get(detail, {"reply_type": "refused", "subreason": "third_party"})
    assert "第十五条" in html(drafted) and a.tracking_code in html(drafted)
    # Only the refusal's eight sub-reasons are offered (the annual report's rows), not the others'.
    offered = [key for key, _ in drafted.context["form"].fields["subreason"].choices if key]
    assert offered == [key for key, _ in REPLY_SUBREASONS["refused"]]
    reply = {"reply_type": "refused", "subreason": "", "letter": "不予公开", "day": "2025-10-20", "late_reason": "补录"}
    response = client.post(action("reply"), reply, follow=True)
    assert "须选择具体情形" in html(response)
    response = client.post(action("reply"), {**reply, "subreason": "third_party", "late_reason": ""}, follow=True)
    assert "请填写补记原因" in html(response)
    client.post(action("reply"), {**reply, "subreason": "third_party", "letter": "不予公开……"})
    a.refresh_from_db()
    assert (a.status, a.reply_type, a.reply_subreason) == ("replied", "refused", "third_party")
    timeline = html(client.get(detail))
    assert "答复：不予公开（保护第三方合法权益）" in timeline and "reviewer_a" in timeline
    assert "甲局依申请公开〔2025〕2号" in timeline  # the extension notice was No. 1


def test_csv_export_masks_for_departments_and_is_full_for_the_disclosure_office(client, world, requests):
    client.force_login(world.users["owner"])
    export = client.get(reverse("disclosure_requests"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "110***********1234" in export and ID not in export and PHONE not in export
    client.force_login(world.users["disclosure"])
    export = client.get(reverse("disclosure_requests"), {"export": "csv"}).content.decode("utf-8-sig")
    assert ID in export and "13900000000" in export


def test_attachment_only_for_handlers(client, world, requests):
    a, _ = requests
    a.attachment.save("scan.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    url = reverse("disclosure_request_attachment", args=[a.pk])
    client.force_login(world.users["owner"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.users["owner_b"])
    assert client.get(url).status_code == 404


def test_dashboard_lists_overdue_requests(client, world, requests):
    a, b = requests
    client.force_login(world.users["owner"])
    home = html(client.get(reverse("wagtailadmin_home")))
    assert "依申请公开时限" in home and a.tracking_code in home and b.tracking_code not in home


def test_staff_register_an_application_received_in_person_for_their_department(client, world):
    client.force_login(world.users["owner"])
    data = {
        "channel": "in_person",
        "department": str(world.dept_a.pk),
        "applicant_type": "person",
        "name": "赵六",
        "id_type": "passport",
        "id_number": "E12345678",
        "phone": "13700001111",
        "address": "示范市",
        "description": "某项目批复文件",
        "delivery_form": "paper",
        "delivery_channel": "pickup",
        "arrived_date": "2025-03-08",  # a Saturday at the hall
    }
    response = client.post(reverse("disclosure_request_add"), data)
    created = DisclosureRequest.objects.get(name="赵六")
    assert response.url == reverse("disclosure_request_detail", args=[created.pk]) and created.channel == "in_person"
    assert (created.received_date, created.due_date) == (D(2025, 3, 8), D(2025, 4, 7))  # art. 31(1)
    assert created.history.get().history_user == world.users["owner"]
    response = client.post(reverse("disclosure_request_add"), {**data, "department": str(world.dept_b.pk)})
    assert response.status_code == 200 and DisclosureRequest.objects.count() == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(reverse("disclosure_request_add"), {**data, "arrived_date": tomorrow.isoformat()})
    assert "递交日期不能晚于今天" in html(response) and DisclosureRequest.objects.count() == 1
    # A letter signed for on a Sunday: received on Monday.
    client.post(
        reverse("disclosure_request_add"), {**data, "name": "钱七", "channel": "post", "arrived_date": "2025-03-09"}
    )
    assert DisclosureRequest.objects.get(name="钱七").received_date == D(2025, 3, 10)


def test_on_time_rate_per_department_for_any_period(client, world):
    from disclosure import request_flow as flow

    def answered(department, replied):
        request = DisclosureRequestFactory(department=department, received=D(2025, 9, 26))
        flow.reply(request, world.users["disclosure"], "disclosed", "", "同意公开", replied, "补录")

    answered(world.dept_a, D(2025, 10, 20))  # on time (due 10-30)
    answered(world.dept_a, D(2025, 11, 3))  # late
    answered(world.dept_b, D(2025, 10, 29))  # on time
    client.force_login(world.users["disclosure"])
    page = html(client.get(reverse("disclosure_requests"), {"start": "2025-10-01", "end": "2025-12-31"}))
    table = page[page.index('id="on-time-table"') :]
    assert "<td>示范市甲局</td><td>2</td><td>1</td><td>50%</td>" in table
    assert "<td>示范市乙局</td><td>1</td><td>1</td><td>100%</td>" in table
    page = html(client.get(reverse("disclosure_requests"), {"start": "2025-10-25", "end": "2025-12-31"}))
    table = page[page.index('id="on-time-table"') :]
    assert "<td>示范市甲局</td><td>1</td><td>0</td><td>0%</td>" in table
    client.force_login(world.users["owner_b"])
    table = html(client.get(reverse("disclosure_requests"), {"start": "2025-10-01", "end": "2025-12-31"}))
    assert "示范市甲局</td>" not in table[table.index('id="on-time-table"') :]


def test_the_lists_show_requests_stuck_with_a_third_party_or_an_applicant(client, world):
    owner = world.users["owner"]
    consulting = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 10, 20))
    flow.register(consulting, owner)
    flow.start_consultation(consulting, owner, "第三方", D(2025, 10, 27))  # answers by 2025-11-17
    amending = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 11, 3))
    flow.ask_amendment(amending, owner, "请补正", D(2025, 11, 24), today=D(2025, 11, 4))
    client.force_login(owner)
    listing = html(client.get(reverse("disclosure_requests"), {"deadline": "overdue"}))
    assert consulting.tracking_code in listing and "第三方答复期限 2025-11-17" in listing
    assert amending.tracking_code in listing and "补正期限 2025-11-24" in listing
    home = html(client.get(reverse("wagtailadmin_home")))
    assert consulting.tracking_code in home and amending.tracking_code in home


def test_the_detail_page_shows_letters_consultations_and_estimated_dates(client, world):
    owner = world.users["owner"]
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 10, 20))
    flow.register(request, owner)
    flow.start_consultation(request, owner, "示范市某某公司", D(2025, 10, 27))
    client.force_login(owner)
    page = html(client.get(reverse("disclosure_request_detail", args=[request.pk])))
    assert 'id="consultations"' in page and "示范市某某公司" in page and "2025-11-17" in page
    assert "征求第三方意见书" in page and "甲局依申请公开〔2025〕1号" in page and "未记录送达" in page
    late = DisclosureRequestFactory(department=world.dept_a, received=timezone.localdate())
    DisclosureRequest.objects.filter(pk=late.pk).update(due_provisional=True)
    page = html(client.get(reverse("disclosure_request_detail", args=[late.pk])))
    assert "预计" in page[page.index('id="due-date"') :][:400]


def test_a_forged_step_or_letter_id_changes_nothing(client, world, requests):
    a, b = requests
    client.force_login(world.users["owner"])
    assert client.post(reverse("disclosure_request_action", args=[a.pk, "explode"])).status_code == 404
    flow.reply(b, world.users["owner_b"], "disclosed", "", "同意公开", D(2025, 10, 20), "补录")
    other_letter = b.letters.get()
    url = reverse("disclosure_letter_delivery", args=[a.pk, other_letter.pk])
    assert client.post(url, {"method": "post", "delivered_on": "2025-10-21", "recipient": "x"}).status_code == 404
    assert client.get(reverse("disclosure_letter_pdf", args=[a.pk, other_letter.pk])).status_code == 404
    assert not other_letter.deliveries.exists()


def test_fee_withdrawal_and_merging_through_the_admin(client, world, settings):
    settings.DISCLOSURE_FEE_PER_REQUEST = {"free": 1, "rate": 100, "first_band_end": 30, "band": 10, "step": 100}
    first = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 6, 2))
    second = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 6, 3))
    third = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 6, 4))
    action = lambda request, step: reverse("disclosure_request_action", args=[request.pk, step])  # noqa: E731
    client.force_login(world.users["owner"])
    client.post(action(second, "register"), {})
    response = client.post(action(first, "fee"), {"method": "per_request", "day": "2025-06-05"}, follow=True)
    assert "不能发出收费通知" in html(response)  # not registered
    client.post(action(first, "register"), {})
    response = client.post(action(first, "fee"), {"method": "per_request", "day": "2025-06-05"}, follow=True)
    assert "第1件申请，未超过每月1件" in html(response)
    client.post(action(second, "fee"), {"method": "per_request", "day": "2025-06-05"})
    second.refresh_from_db()
    assert second.status == "fee" and second.fee_notice.amount == 100
    response = client.post(
        action(second, "settle_fee"),
        {"fee_outcome": "paid", "amount": "100", "receipt_number": "FS-9", "day": "2025-06-09"},
        follow=True,
    )
    second.refresh_from_db()
    assert second.status == "registered" and second.paused_days == 2, html(response)[:500]
    client.post(
        action(third, "merge"), {"primary": first.tracking_code.lower(), "reason": "内容相同", "day": "2025-06-05"}
    )
    third.refresh_from_db()
    assert third.status == "merged" and third.merged_into_id == first.pk
    response = client.post(action(second, "withdraw"), {"day": "2025-06-10", "note": ""}, follow=True)
    assert "请填写撤回说明" in html(response)
    client.post(action(second, "withdraw"), {"day": "2025-06-10", "note": "申请人来电撤回并补交书面材料"})
    second.refresh_from_db()
    assert second.status == "withdrawn" and second.withdrawn_on == D(2025, 6, 10)
    page = html(client.get(reverse("disclosure_request_detail", args=[second.pk])))
    assert "收取信息处理费通知书" in page and "已缴费" in page and "申请人来电撤回" in page


def test_the_list_and_the_dashboard_cost_the_same_queries_for_2_or_12_requests(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = world.users["owner"]
    client.force_login(owner)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as listing:
            assert client.get(reverse("disclosure_requests")).status_code == 200
        with CaptureQueriesContext(connection) as home:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(listing), len(home)

    def add(n: int) -> None:
        for i in range(n):
            request = DisclosureRequestFactory(
                department=world.dept_a, received=D(2025, 10, 1) + datetime.timedelta(days=i)
            )
            flow.register(request, owner)
            if i % 3 == 1:
                flow.start_consultation(request, owner, "第三方", request.received_date + datetime.timedelta(days=1))

    add(2)
    counts()  # warm: the calendar snapshot, Wagtail's per-process caches
    few = counts()
    add(10)
    counts()
    assert counts() == few
