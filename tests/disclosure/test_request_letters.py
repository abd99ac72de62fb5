"""Letters and fees: numbers per department and year, texts by the law, PDFs, uploads, delivery,
and the information-processing fee of 国办函〔2020〕109号."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from disclosure import fees, letters
from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest, ReplyTemplate
from disclosure.report import fee_summary
from disclosure.request_models import REPLY_SUBREASONS, FeeNotice, Letter, LetterDelivery, ReplyType
from disclosure.uploads import check_upload

from ..permissions.factories import DepartmentFactory, UserFactory
from .factories import DisclosureRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOTE = "据纸质办理记录补录"


def reload(request):
    return DisclosureRequest.objects.get(pk=request.pk)


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "released")
    page.save()
    return buffer.getvalue()


# ---- reply texts by the law -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_type", "subreason"),
    [(t.value, "") for t in ReplyType if t.value not in REPLY_SUBREASONS]
    + [(t, key) for t, rows in REPLY_SUBREASONS.items() for key, _ in rows],
)
def test_every_reply_template_tells_the_right_way_to_appeal(world, reply_type, subreason):
    """《行政复议法》(2023) art. 23(1)(4): refused (wholly or partly) → reconsideration first."""
    request = DisclosureRequestFactory(
        department=world.dept_a, received=D(2025, 9, 26), description="2025年本市老旧小区改造项目清单。"
    )
    text = flow.draft_letter(request, reply_type, subreason, D(2025, 10, 20))
    assert "六十日内向示范市人民政府申请行政复议" in text
    if reply_type in ("refused", "partial"):
        assert "应当先申请行政复议" in text and "或者" not in text.split("行政复议", 1)[1]
    else:
        assert "或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼" in text
    assert "经审查，经审查" not in text
    assert "。”。" not in text and "“2025年本市老旧小区改造项目清单”" in text
    assert "{" not in text  # every placeholder filled


def test_confirmation_requests_cite_the_articles_that_define_a_request():
    template = ReplyTemplate.objects.get(kind="reply", reply_type="not_processed", subreason="confirmation")
    assert "第三十九条第二款" not in template.article and "第二十七条" in template.article


@override_settings(DISCLOSURE_REVIEW_BODY="")
def test_without_a_named_review_body_the_letter_says_to_apply_by_law(world):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    assert "依法申请行政复议" in flow.draft_letter(request, "disclosed", "", D(2025, 10, 20))


def test_a_reply_template_without_the_remedy_placeholder_is_refused():
    from django.core.exceptions import ValidationError

    template = ReplyTemplate(kind="reply", reply_type="disclosed", body="{name}：同意公开。", article="")
    with pytest.raises(ValidationError, match="remedy"):
        template.full_clean()


# ---- numbers, PDFs, delivery --------------------------------------------------------------------


def test_letter_numbers_run_per_department_and_year(world):
    owner, other = world.users["owner"], world.users["owner_b"]
    numbers = []
    for day in (D(2025, 10, 20), D(2025, 12, 30), D(2026, 1, 5)):
        request = DisclosureRequestFactory(department=world.dept_a, received=day - datetime.timedelta(days=10))
        flow.reply(request, owner, "disclosed", "", "同意公开", day, NOTE)
        numbers.append(Letter.objects.get(request=request).number)
    request = DisclosureRequestFactory(department=world.dept_b, received=D(2025, 10, 10))
    flow.reply(request, other, "disclosed", "", "同意公开", D(2025, 10, 20), NOTE)
    assert numbers == ["甲局依申请公开〔2025〕1号", "甲局依申请公开〔2025〕2号", "甲局依申请公开〔2026〕1号"]
    assert Letter.objects.get(request=request).number == "乙局依申请公开〔2025〕1号"


def test_a_letter_is_a_pdf_with_its_number(world, client):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    flow.reply(
        request,
        world.users["owner"],
        "disclosed",
        "",
        "张三丰：\n同意公开。\n示范市甲局\n2025年10月20日",
        D(2025, 10, 20),
        NOTE,
    )
    letter = Letter.objects.get(request=request)
    assert letters.letter_pdf(letter).startswith(b"%PDF")
    client.force_login(world.users["owner"])
    response = client.get(f"/admin/disclosure/requests/{request.pk}/letters/{letter.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.users["owner_b"])
    assert client.get(f"/admin/disclosure/requests/{request.pk}/letters/{letter.pk}/pdf/").status_code == 404
    # Someone who may only look at requests (an auditor) sees the letter listed but not its text.
    from django.contrib.auth.models import Permission

    auditor = UserFactory(username="auditor")
    auditor.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_disclosurerequest"]))
    client.force_login(auditor)
    detail = client.get(f"/admin/disclosure/requests/{request.pk}/")
    assert detail.status_code == 200 and letter.number in detail.content.decode()
    assert f"/letters/{letter.pk}/pdf/" not in detail.content.decode()
    assert client.get(f"/admin/disclosure/requests/{request.pk}/letters/{letter.pk}/pdf/").status_code == 404


def test_delivery_is_recorded_and_cannot_precede_the_letter(world, client):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    flow.reply(request, world.users["owner"], "disclosed", "", "同意公开", D(2025, 10, 20), NOTE)
    letter = Letter.objects.get(request=request)
    with pytest.raises(flow.FlowError, match="送达日期不能早于发文日期"):
        flow.record_delivery(letter, world.users["owner"], "post", D(2025, 10, 19), "张三丰")
    client.force_login(world.users["owner"])
    url = f"/admin/disclosure/requests/{request.pk}/letters/{letter.pk}/delivery/"
    response = client.post(
        url, {"method": "post", "delivered_on": "2025-10-22", "recipient": "张三丰", "reference": "EMS1"}
    )
    assert response.status_code == 302
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.method, delivery.delivered_on, delivery.recorded_by) == (
        "post",
        D(2025, 10, 22),
        world.users["owner"],
    )
    client.force_login(world.users["owner_b"])
    assert client.post(url, {"method": "post", "delivered_on": "2025-10-23", "recipient": "x"}).status_code == 404
    assert LetterDelivery.objects.count() == 1


# ---- uploads checked by content -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("公开信息.pdf", b"<html><script>alert(1)</script></html>", "内容与扩展名 .pdf 不符"),
        ("shell.php.pdf", pdf_bytes(), "可执行文件的扩展名"),
        ("图.png", b"GIF89a<script>alert(1)</script>", "内容与扩展名 .png 不符"),
        ("x.gif", b"GIF89a", "文件类型不允许"),
        ("报告.pdf", pdf_bytes() + b"<script>alert(1)</script>", "网页或脚本"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_written(world, name, content, message):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(flow.FlowError, match=message):
        flow.reply(request, world.users["owner"], "disclosed", "", "同意公开", D(2025, 10, 20), NOTE, [upload])
    assert reload(request).status == "submitted" and not Letter.objects.exists()


def test_released_documents_go_with_the_reply(world):
    request = DisclosureRequestFactory(department=world.dept_a, received=D(2025, 9, 26))
    upload = SimpleUploadedFile("清单.pdf", pdf_bytes())
    flow.reply(request, world.users["owner"], "disclosed", "", "同意公开", D(2025, 10, 20), NOTE, [upload])
    attachment = Letter.objects.get(request=request).attachments.get()
    assert (attachment.name, attachment.content_type) == ("清单.pdf", "application/pdf")
    assert check_upload(SimpleUploadedFile("a.pdf", pdf_bytes())) == "application/pdf"


# ---- fees (国办函〔2020〕109号) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "fee"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (55, 400)]
)
def test_fee_per_request_by_the_published_tiers(position, fee):
    assert fees.per_request_fee(position) == Decimal(fee)


@pytest.mark.parametrize(
    ("pages", "fee"), [(1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)]
)
def test_fee_per_page_by_the_published_tiers(pages, fee):
    assert fees.per_page_fee(pages) == Decimal(fee)


def requests_in_month(world, count: int, start: datetime.date = datetime.date(2025, 6, 2)):
    made = []
    for n in range(count):
        made.append(DisclosureRequestFactory(department=world.dept_a, received=start + datetime.timedelta(days=n % 20)))
    return made


def test_requests_are_counted_per_applicant_agency_and_month_by_the_id_hash(world):
    june = requests_in_month(world, 11)
    # another applicant
    DisclosureRequestFactory(department=world.dept_a, received=D(2025, 6, 20), id_number="110101199001011237")
    DisclosureRequestFactory(department=world.dept_b, received=D(2025, 6, 20))  # another agency
    DisclosureRequestFactory(department=world.dept_a, received=D(2025, 7, 1))  # another month
    assert [fees.position_in_month(r) for r in june] == list(range(1, 12))


def test_a_fee_under_the_monthly_threshold_is_refused(world):
    tenth = requests_in_month(world, 10)[-1]
    flow.register(tenth, world.users["owner"])
    with pytest.raises(flow.FlowError, match="第10件申请，未超过每月10件，不收取信息处理费"):
        flow.charge_fee(tenth, world.users["owner"], "per_request", day=D(2025, 6, 20))
    with pytest.raises(flow.FlowError, match="未超过30页"):
        flow.charge_fee(tenth, world.users["owner"], "per_page", pages=30, day=D(2025, 6, 20))
    with pytest.raises(flow.FlowError, match="二者不得同时适用"):
        flow.charge_fee(tenth, world.users["owner"], "both", day=D(2025, 6, 20))
    assert not FeeNotice.objects.exists() and reload(tenth).status == "registered"


def test_the_fee_pauses_the_clock_until_payment(world):
    owner = world.users["owner"]
    eleventh = requests_in_month(world, 11)[-1]  # received 2025-06-12, due 2025-07-10
    flow.register(eleventh, owner)
    assert reload(eleventh).due_date == D(2025, 7, 10)
    flow.charge_fee(eleventh, owner, "per_request", day=D(2025, 6, 16))
    request = reload(eleventh)
    assert request.status == "fee" and request.due_date is None
    notice = FeeNotice.objects.get(request=eleventh)
    assert (notice.amount, notice.position_in_month, notice.payment_deadline) == (Decimal(100), 11, D(2025, 7, 14))
    assert "第11件" in notice.letter.body and "100.00元" in notice.letter.body
    with pytest.raises(flow.FlowError, match=r"实缴金额应为100\.00元"):
        flow.settle_fee(eleventh, owner, "paid", D(2025, 6, 20), Decimal(50), "FS1")
    flow.settle_fee(eleventh, owner, "paid", D(2025, 6, 20), Decimal(100), "FS1")
    request = reload(eleventh)
    # 6-17..6-20: four working days not counted.
    assert request.status == "registered" and request.paused_days == 4 and request.due_date == D(2025, 7, 16)
    assert fee_summary(2025) == {"notices": 1, "paid": 1, "amount": "100.00"}
    assert fee_summary(2025, world.dept_b) == {"notices": 0, "paid": 0, "amount": "0.00"}


def test_an_unpaid_fee_ends_the_request_only_after_the_payment_period(world):
    owner = world.users["owner"]
    eleventh = requests_in_month(world, 11)[-1]
    flow.register(eleventh, owner)
    flow.charge_fee(eleventh, owner, "per_page", pages=160, day=D(2025, 6, 16))
    notice = FeeNotice.objects.get(request=eleventh)
    assert notice.amount == Decimal(1900) and notice.method == "per_page"
    with pytest.raises(flow.FlowError, match="缴费期限（2025年7月14日）尚未届满"):
        flow.reply(eleventh, owner, "other", "fee_unpaid", "逾期未缴费", D(2025, 7, 14), NOTE)
    flow.reply(eleventh, owner, "other", "fee_unpaid", "逾期未缴费", D(2025, 7, 15), NOTE)
    assert FeeNotice.objects.get(request=eleventh).status == "unpaid"
    assert reload(eleventh).reply_subreason == "fee_unpaid"


def test_a_waived_fee_restarts_the_clock(world):
    owner = world.users["owner"]
    eleventh = requests_in_month(world, 11)[-1]
    flow.register(eleventh, owner)
    flow.charge_fee(eleventh, owner, "per_request", day=D(2025, 6, 16))
    with pytest.raises(flow.FlowError, match="请填写减免理由"):
        flow.settle_fee(eleventh, owner, "waived", D(2025, 6, 18))
    flow.settle_fee(eleventh, owner, "waived", D(2025, 6, 18), reason="申请人家庭经济困难")
    request = reload(eleventh)
    assert request.status == "registered" and request.paused_days == 2


# ---- two clerks at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_replying_at_once_one_wins_and_the_other_is_told():
    import threading

    from django.db import connection

    department = DepartmentFactory(short_name="竞争局")
    clerks = [UserFactory(username=f"clerk{i}", owner_of=department) for i in range(2)]
    request = DisclosureRequestFactory(department=department, received=D(2025, 9, 26))
    other = DisclosureRequestFactory(department=department, received=D(2025, 9, 26))
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def act(user, target, reply_type):
        try:
            barrier.wait(timeout=10)
            flow.reply(target, user, reply_type, "", "答复", D(2025, 10, 20), NOTE)
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(clerks[0], request, "disclosed")),
        threading.Thread(target=act, args=(clerks[1], request, "partial")),
        threading.Thread(target=act, args=(clerks[1], other, "disclosed")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("ok") == 2, outcomes
    assert next(o for o in outcomes if o != "ok").startswith("FlowError: 申请当前为“已答复”"), outcomes
    assert Letter.objects.filter(request=request).count() == 1
    numbers = sorted(Letter.objects.values_list("serial", flat=True))
    assert numbers == [1, 2]  # two letters issued at once never share a number
