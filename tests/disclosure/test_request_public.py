"""The public application form, the tracking-code status page and the kiosk API."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from disclosure import request_flow as flow
from disclosure.models import DisclosureIndexPage, DisclosureRequest
from disclosure.request_models import Letter

from ..helpers import next_challenge
from ..terminals.factories import TerminalFactory
from .factories import DisclosureRequestFactory

pytestmark = pytest.mark.django_db

VALID_ID = "110101199003071233"  # passes the GB 11643 check


def index_url() -> str:
    return DisclosureIndexPage.objects.get().url


def application(world, **changes) -> dict:
    data = {
        "department": str(world.dept_a.pk),
        "applicant_type": "person",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "139-0000-1111",
        "address": "示范市西山区青年路1号",
        "description": "本市2025年公共租赁住房分配结果",
        "delivery_form": "electronic",
        "delivery_channel": "email",
        "email": "li@example.cn",
        "agree": "on",
    }
    data.update(changes)
    return data


def with_challenge(client, data: dict, *, wrong: bool = False) -> dict:
    return next_challenge(client.get(index_url() + "apply/").content.decode(), data, wrong=wrong)


def test_visitor_applies_and_gets_a_tracking_code_once(client, world):
    response = client.post(index_url() + "apply/", with_challenge(client, application(world)))
    assert response.status_code == 302
    receipt = client.get(response.url).content.decode()
    request = DisclosureRequest.objects.get()
    assert request.tracking_code in receipt and request.due_date is not None
    assert request.department == world.dept_a and request.channel == "online"
    assert request.phone == "13900001111" and request.id_number == VALID_ID
    assert VALID_ID not in receipt and "13900001111" not in receipt
    history = request.history.get()
    assert history.history_change_reason.startswith("提交申请（网上申请，提交日期 ")


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"id_number": "110101199003071234"}, "居民身份证号码不正确"),
        ({"phone": "12345"}, "请填写正确的手机号码"),
        ({"applicant_type": "commercial"}, "法人或者其他组织请填写统一社会信用代码"),
        ({"delivery_channel": "email", "email": ""}, "请填写电子邮箱"),
        ({"description": ""}, "必需字段"),
        ({"department": "999999"}, "选择一个有效的选项"),
        ({"name": "名" * 101}, "不超过 100 字符"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(client, world, changes, field_message):
    response = client.post(index_url() + "apply/", with_challenge(client, application(world, **changes)))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_wrong_challenge_answer_or_filled_hidden_field_is_refused(client, world):
    response = client.post(index_url() + "apply/", with_challenge(client, application(world), wrong=True))
    assert "验证问题回答不正确" in response.content.decode()
    response = client.post(index_url() + "apply/", with_challenge(client, application(world, website="http://spam")))
    assert "提交未通过校验" in response.content.decode()
    forged = {**application(world), "challenge_token": "forged", "challenge_answer": "3"}
    assert "验证问题已过期" in client.post(index_url() + "apply/", forged).content.decode()
    assert not DisclosureRequest.objects.exists()


@override_settings(DISCLOSURE_REQUESTS_PER_HOUR=2)
def test_submissions_are_rate_limited_per_address(client, world):
    cache.clear()
    for _ in range(2):
        client.post(index_url() + "apply/", with_challenge(client, application(world)))
    response = client.post(index_url() + "apply/", with_challenge(client, application(world)))
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert DisclosureRequest.objects.count() == 2


def test_status_page_reveals_status_and_due_date_only_with_the_matching_phone(client, world):
    import datetime

    request = DisclosureRequestFactory(
        department=world.dept_a, received=datetime.date(2025, 9, 26), phone="13812345678"
    )
    url = index_url() + "status/"
    miss = client.post(url, {"code": request.tracking_code, "phone": "13800000000"}).content.decode()
    assert "没有找到与查询码和联系电话都相符的申请" in miss and "2025年10月30日" not in miss
    other = client.post(url, {"code": "YS2222222222", "phone": "13812345678"}).content.decode()
    assert "没有找到" in other
    hit = client.post(url, {"code": request.tracking_code.lower(), "phone": "138 1234 5678"}).content.decode()
    assert "待登记" in hit and "2025年10月30日" in hit
    for secret in ("张三丰", "110101199003071234", "13812345678", "老旧小区", "示范市东湖区湖滨路"):
        assert secret not in hit


@override_settings(DISCLOSURE_STATUS_LOOKUPS_PER_HOUR=3)
def test_status_lookups_are_rate_limited(client, world):
    cache.clear()
    for _ in range(3):
        client.post(index_url() + "status/", {"code": "YS2222222222", "phone": "13800000000"})
    assert client.post(index_url() + "status/", {"code": "YS2222222222", "phone": "1"}).status_code == 429


def kiosk_key(world, scopes=("submit_requests",)) -> dict:
    terminal = TerminalFactory(department=world.dept_a, scopes=list(scopes), with_key=True)
    return {"HTTP_AUTHORIZATION": f"Api-Key {terminal.api_key}"}


def test_kiosk_api_accepts_the_same_application(client, world):
    url = reverse("disclosure-request-create")
    payload = application(world)
    payload.pop("agree")
    response = client.post(url, json.dumps(payload), content_type="application/json", **kiosk_key(world))
    assert response.status_code == 201, response.content
    body = response.json()
    created = DisclosureRequest.objects.get()
    assert body["tracking_code"] == created.tracking_code and body["status"] == "submitted"
    assert body["due_date"] == created.due_date.isoformat() and created.channel == "kiosk"
    assert set(body) == {
        "tracking_code",
        "status",
        "received_date",
        "received_provisional",
        "due_date",
        "due_provisional",
    }
    assert body["due_provisional"] is created.due_provisional


def test_kiosk_api_refuses_bad_input_in_chinese_and_writes_nothing(client, world):
    payload = application(world, id_number="123", department=None)
    response = client.post(
        reverse("disclosure-request-create"), json.dumps(payload), content_type="application/json", **kiosk_key(world)
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "居民身份证号码不正确" in errors["id_number"][0] and errors["department"]
    assert not DisclosureRequest.objects.exists()


def test_the_applicant_sees_the_letters_sent_and_what_to_amend_and_nothing_else(client, world):
    import datetime

    owner = world.users["owner"]
    mine = DisclosureRequestFactory(department=world.dept_a, received=datetime.date(2025, 9, 26), phone="13812345678")
    flow.register(mine, owner)
    flow.start_consultation(mine, owner, "示范市某某有限公司", datetime.date(2025, 10, 9))
    flow.end_consultation(mine, owner, datetime.date(2025, 10, 16))
    flow.extend(mine, world.users["reviewer"], 5, "王主任", "需要调档", datetime.date(2025, 10, 20), "补录")
    theirs = DisclosureRequestFactory(
        department=world.dept_a, received=datetime.date(2025, 9, 26), phone="13900000000", name="王五"
    )
    flow.ask_amendment(theirs, owner, "请写明文件的文号", datetime.date(2025, 10, 20), today=datetime.date(2025, 9, 29))
    url = index_url() + "status/"
    extension = Letter.objects.get(request=mine, kind="extension")
    consultation = Letter.objects.get(request=mine, kind="consultation")
    amendment = Letter.objects.get(request=theirs, kind="amendment")
    letter_url = lambda letter: f"{url}letters/{letter.pk}/"  # noqa: E731
    assert client.get(letter_url(extension)).status_code == 404  # not before a lookup

    page = client.post(url, {"code": mine.tracking_code, "phone": "13812345678"}).content.decode()
    assert "延长答复期限告知书" in page and extension.number in page and "已依法延长5个工作日" in page
    assert "征求第三方意见书" not in page and "示范市某某有限公司" not in page
    response = client.get(letter_url(extension))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(letter_url(consultation)).status_code == 404  # the third party's letter
    assert client.get(letter_url(amendment)).status_code == 404  # another applicant's letter

    page = client.post(url, {"code": theirs.tracking_code, "phone": "13900000000"}).content.decode()
    assert "请补正申请" in page and "请写明文件的文号" in page and "2025年10月20日" in page
    assert client.get(letter_url(amendment)).status_code == 200


def test_an_overdue_request_tells_the_applicant_about_reconsideration(client, world):
    import datetime

    request = DisclosureRequestFactory(
        department=world.dept_a, received=datetime.date(2025, 9, 26), phone="13812345678"
    )
    page = client.post(
        index_url() + "status/", {"code": request.tracking_code, "phone": "13812345678"}
    ).content.decode()
    assert "第二十三条第一款第（三）项" in page


def test_a_date_in_a_year_not_yet_announced_is_marked_as_estimated(client, world):
    import datetime

    request = DisclosureRequestFactory(
        department=world.dept_a, received=datetime.date(2025, 9, 26), phone="13812345678"
    )
    DisclosureRequest.objects.filter(pk=request.pk).update(due_date=datetime.date(2027, 1, 20), due_provisional=True)
    page = client.post(
        index_url() + "status/", {"code": request.tracking_code, "phone": "13812345678"}
    ).content.decode()
    assert "2027年1月20日（预计）" in page


def test_kiosk_api_refuses_anonymous_and_unscoped_callers_in_chinese(client, world):
    url = reverse("disclosure-request-create")
    payload = json.dumps({k: v for k, v in application(world).items() if k != "agree"})
    anonymous = client.post(url, payload, content_type="application/json")
    assert anonymous.status_code == 401 and "终端的接口密钥" in anonymous.json()["detail"]
    unscoped = client.post(url, payload, content_type="application/json", **kiosk_key(world, scopes=()))
    assert unscoped.status_code == 403 and "授权范围" in unscoped.json()["detail"]
    revoked = client.post(url, payload, content_type="application/json", HTTP_AUTHORIZATION="Api-Key nope.nope")
    assert revoked.status_code == 401
    assert not DisclosureRequest.objects.exists()


@override_settings(DISCLOSURE_KIOSK_REQUESTS_PER_HOUR=2)
def test_kiosk_submissions_are_throttled_per_terminal_whatever_the_address(client, world):
    cache.clear()
    url = reverse("disclosure-request-create")
    payload = json.dumps({k: v for k, v in application(world).items() if k != "agree"})
    first, second = kiosk_key(world), kiosk_key(world)
    codes = [
        client.post(url, payload, content_type="application/json", REMOTE_ADDR=f"10.0.0.{i}", **first).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    # Another terminal has its own allowance.
    assert client.post(url, payload, content_type="application/json", **second).status_code == 201


def test_a_challenge_token_answers_one_submission_only(client, world):
    data = with_challenge(client, application(world))
    assert client.post(index_url() + "apply/", data).status_code == 302
    for _ in range(4):
        replay = client.post(index_url() + "apply/", data)
        assert replay.status_code == 200 and "验证问题已经使用过" in replay.content.decode()
    assert DisclosureRequest.objects.count() == 1


def test_a_wrong_answer_uses_up_the_token(client, world):
    data = with_challenge(client, application(world), wrong=True)
    client.post(index_url() + "apply/", data)
    right = {**data, "challenge_answer": str(int(data["challenge_answer"]) - 1)}
    assert "验证问题已经使用过" in client.post(index_url() + "apply/", right).content.decode()
    assert not DisclosureRequest.objects.exists()


@override_settings(DISCLOSURE_REQUESTS_PER_HOUR=2, PROXY_COUNT=0)
def test_a_forged_forwarded_for_from_a_direct_client_does_not_lift_the_form_limit(client, world):
    cache.clear()
    codes = []
    for i in range(4):
        data = with_challenge(client, application(world))
        codes.append(client.post(index_url() + "apply/", data, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code)
    assert codes == [302, 302, 429, 429]


@override_settings(DISCLOSURE_REQUESTS_PER_HOUR=2, PROXY_COUNT=1)
def test_behind_one_proxy_only_the_address_the_proxy_saw_counts(client, world):
    cache.clear()
    codes = []
    for i in range(3):
        data = with_challenge(client, application(world))
        forwarded = f"198.51.100.{i}, 192.0.2.7"  # forged left part, the proxy's entry on the right
        codes.append(client.post(index_url() + "apply/", data, HTTP_X_FORWARDED_FOR=forwarded).status_code)
    assert codes == [302, 302, 429]


@pytest.mark.parametrize(
    ("id_type", "number", "ok"),
    [
        ("hk_macao", "H12345678", True),
        ("hk_macao", "M1234567890", True),
        ("hk_macao", "X12345678", False),
        ("hk_macao", "<script>", False),
        ("taiwan", "12345678", True),
        ("taiwan", "1234567", False),
        ("passport", "E12345678", True),
        ("passport", "AB", False),
        ("passport", "=HYPERLINK(1)", False),
        ("other", "USA123456789012", True),
        ("other", "随便写写", False),
    ],
)
def test_non_resident_id_numbers_are_checked_by_type(client, world, id_type, number, ok):
    data = with_challenge(client, application(world, id_type=id_type, id_number=number))
    response = client.post(index_url() + "apply/", data)
    assert (response.status_code == 302) is ok
    if not ok:
        assert "证件号码不正确" in response.content.decode()


def test_a_formula_typed_into_the_public_form_reaches_the_staff_export_as_text(client, world):
    formula = '=HYPERLINK("http://x","y")'
    data = with_challenge(client, application(world, name=formula, address="+1 示范市"))
    assert client.post(index_url() + "apply/", data).status_code == 302
    client.force_login(world.users["disclosure"])
    export = client.get(reverse("disclosure_requests"), {"export": "csv"}).content.decode("utf-8-sig")
    import csv
    import io

    row = list(csv.reader(io.StringIO(export)))[1]
    assert "'" + formula in row
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("材料.pdf", b"<html><body><script>alert(1)</script></body></html>", "不符"),
        ("shell.php.pdf", b"%PDF-1.4\n%%EOF\n", "可执行"),
    ],
)
def test_an_attachment_is_typed_by_content_on_the_public_form(client, world, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = with_challenge(client, application(world))
    response = client.post(index_url() + "apply/", {**data, "attachment": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_an_accepted_attachment_is_stored_under_a_generated_name(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = with_challenge(client, application(world))
    upload = SimpleUploadedFile("../../我的身份证.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(index_url() + "apply/", {**data, "attachment": upload}).status_code == 302
    stored = DisclosureRequest.objects.get().attachment.name
    assert "身份证" not in stored and ".." not in stored and stored.endswith(".pdf")


def test_two_forms_shown_in_the_same_second_with_the_same_question_get_different_tokens(monkeypatch):
    """Otherwise the second visitor's answer would be refused as a replay of the first's."""
    from disclosure import request_forms

    monkeypatch.setattr(request_forms.secrets, "randbelow", lambda n: 3)
    (question_a, token_a), (question_b, token_b) = request_forms.new_challenge(), request_forms.new_challenge()
    assert question_a == question_b and token_a != token_b
    assert request_forms.consume_challenge(token_a) and request_forms.consume_challenge(token_b)
    assert not request_forms.consume_challenge(token_a)
