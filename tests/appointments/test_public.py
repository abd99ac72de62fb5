"""预约服务 on the portal: the step form (hall → matter → day → slot), the receipt in the session,
我的预约 (code + phone, one answer for every wrong pair, cancel, reschedule), 延时预约, the hall
page's free places, rate limits and no personal data in public output."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import override_settings

from appointments.models import Booking, BookingState, OutOfHoursRequest, SlotCounter
from appointments.pages import AppointmentIndexPage
from core.challenge import CHALLENGE_SALT
from portal.models import HomePage

from .conftest import PHONE, D, book

pytestmark = pytest.mark.django_db
BASE = "/yuyue/"


@pytest.fixture
def page(appt) -> AppointmentIndexPage:
    index = AppointmentIndexPage(title="预约服务", slug="yuyue")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    return index


def answer(html: str) -> dict:
    """The challenge token in the page and its right answer."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    value = signing.loads(token, salt=CHALLENGE_SALT)
    return {"challenge_token": token, "challenge_answer": value[0] if isinstance(value, list) else value}


def step_url(world, date="2026-10-08", group="a", matter="licence") -> str:
    return f"{BASE}?hall=hall-a&group={world.groups[group].pk}&matter={world.matters[matter].pk}&date={date}"


def post_booking(client, world, slot="09:00", phone=PHONE, name="张三丰", date="2026-10-08", **extra):
    form = client.get(step_url(world, date))
    data = {
        "hall": "hall-a",
        "group": world.groups["a"].pk,
        "matter": world.matters["licence"].pk,
        "date": date,
        "slot": slot,
        "name": name,
        "phone": phone,
        **answer(form.content.decode()),
        **extra,
    }
    return client.post(BASE, data)


def test_the_steps_lead_from_hall_to_slot(client, page, appt):
    text = client.get(BASE).content.decode()
    assert "甲局大厅" in text and "乙局大厅" in text and "?hall=hall-a" in text
    text = client.get(BASE + "?hall=hall-a").content.decode()
    assert "综合受理" in text and "食品经营许可" in text and "档案查询" in text and "市场监管" in text
    text = client.get(
        f"{BASE}?hall=hall-a&group={appt.groups['a'].pk}&matter={appt.matters['licence'].pk}"
    ).content.decode()
    days = re.findall(r"date=(\d{4}-\d{2}-\d{2})", text)
    assert days == ["2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"]
    assert "调休上班" in text  # Saturday 10 October
    text = client.get(step_url(appt)).content.decode()
    assert 'value="09:00"' in text and "09:00-09:30（余 2 个）" in text and "验证问题" in text


def test_a_holiday_date_in_the_url_is_refused_with_a_notice(client, page, appt):
    text = client.get(step_url(appt, date="2026-10-02")).content.decode()
    assert "不开放预约" in text and 'name="slot"' not in text


def test_a_matter_of_another_group_or_an_unknown_hall_goes_back_a_step(client, page, appt):
    text = client.get(f"{BASE}?hall=hall-a&group={appt.groups['a_special'].pk}&matter={appt.matters['licence'].pk}")
    assert "选择办理事项" in text.content.decode()
    assert "暂未开放预约" in client.get(BASE + "?hall=nope").content.decode()


def test_booking_gives_a_receipt_from_the_session_and_the_code_is_not_in_the_url(client, page, appt):
    response = post_booking(client, appt)
    assert response.status_code == 302 and response["Location"] == BASE + "done/"
    booking = Booking.objects.get()
    assert booking.code not in response["Location"]
    receipt = client.get(BASE + "done/")
    text = receipt.content.decode()
    assert booking.code in text and "张**" in text and "138****5678" in text and PHONE not in text
    assert "2026年10月8日" in text and "A01" in text and receipt["Cache-Control"] == "private, no-store"
    assert client_without_session_gets_no_receipt(page)


def client_without_session_gets_no_receipt(page) -> bool:
    from django.test import Client

    response = Client().get(BASE + "done/")
    return response.status_code == 302 and response["Location"] == BASE + "mine/"


def test_a_full_slot_the_challenge_and_the_honeypot_refuse_in_chinese(client, page, appt):
    book(appt, phone="13900000001")
    book(appt, phone="13900000002")
    text = post_booking(client, appt).content.decode()
    assert "该时段已约满或已过" in text
    text = post_booking(client, appt, slot="10:00", challenge_answer=99).content.decode()
    assert "验证问题回答不正确" in text
    text = post_booking(client, appt, slot="10:00", website="http://spam").content.decode()
    assert "提交未通过校验" in text
    text = post_booking(client, appt, slot="10:00", phone="123").content.decode()
    assert "手机号码" in text
    assert Booking.objects.count() == 2


@override_settings(APPOINTMENTS_NO_SHOW_LIMIT=1)
def test_a_blocked_phone_is_told_until_when(client, page, appt):
    missed = book(appt, day=D(2026, 9, 30), start="16:30", phone=PHONE)
    Booking.objects.filter(pk=missed.pk).update(state=BookingState.NO_SHOW)
    text = post_booking(client, appt).content.decode()
    assert "2026年10月30日前暂停网上预约" in text


@override_settings(APPOINTMENTS_BOOKINGS_PER_HOUR=2)
def test_booking_is_rate_limited(client, page, appt):
    assert post_booking(client, appt, phone="13900000001").status_code == 302
    assert post_booking(client, appt, phone="13900000002", slot="10:00").status_code == 302
    response = post_booking(client, appt, phone="13900000003", slot="11:00")
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


# ---- 我的预约 ------------------------------------------------------------------------------------


def lookup(client, code, phone=PHONE):
    return client.post(BASE + "mine/", {"code": code, "phone": phone})


def test_lookup_needs_code_and_phone_and_answers_every_miss_alike(client, page, appt):
    booking = book(appt)
    found = lookup(client, booking.code.lower()).content.decode()
    assert "已预约" in found and booking.code in found and "取消预约" in found and PHONE not in found
    misses = [
        lookup(client, booking.code, "13900000000"),
        lookup(client, "ZZZZZZZZ"),
        lookup(client, "ZZZZZZZZ", "139"),
    ]
    messages = {re.search(r'id="appt-status">(.*?)</p>', r.content.decode()).group(1) for r in misses}
    assert messages == {"未找到相符的预约，请核对预约码和手机号码后重试。"}


@override_settings(APPOINTMENTS_LOOKUPS_PER_HOUR=3)
def test_lookup_is_rate_limited(client, page, appt):
    for _ in range(3):
        assert lookup(client, "ZZZZZZZZ").status_code == 200
    assert lookup(client, "ZZZZZZZZ").status_code == 429


def test_cancel_from_my_booking_frees_the_place(client, page, appt):
    booking = book(appt)
    lookup(client, booking.code)
    text = client.post(BASE + "mine/", {"action": "cancel"}).content.decode()
    assert "预约已取消" in text and "已取消" in text
    assert Booking.objects.get().state == BookingState.CANCELLED and SlotCounter.objects.get().booked == 0
    text = client.post(BASE + "mine/", {"action": "cancel"}).content.decode()
    assert "不能再操作" in text


def test_cancel_without_a_lookup_in_this_session_does_nothing(client, page, appt):
    book(appt)
    text = client.post(BASE + "mine/", {"action": "cancel"}).content.decode()
    assert "查询已过期" in text and Booking.objects.get().state == BookingState.BOOKED


def test_reschedule_from_my_booking(client, page, appt):
    booking = book(appt)
    lookup(client, booking.code)
    text = client.get(BASE + "mine/?date=2026-10-10").content.decode()
    assert 'value="14:00"' in text
    text = client.post(BASE + "mine/", {"action": "reschedule", "date": "2026-10-10", "slot": "14:00"}).content.decode()
    assert "已改约到 2026年10月10日 14:00-14:30" in text
    booking.refresh_from_db()
    assert (booking.date.isoformat(), f"{booking.start:%H:%M}") == ("2026-10-10", "14:00")
    text = client.post(BASE + "mine/", {"action": "reschedule", "date": "2026-10-03", "slot": "09:00"}).content.decode()
    assert "法定节假日" in text


def test_a_started_booking_can_no_longer_be_changed(client, page, appt, clock):
    booking = book(appt, day=D(2026, 9, 30), start="10:30")
    from datetime import datetime

    from django.utils import timezone

    clock.set(timezone.make_aware(datetime(2026, 9, 30, 10, 31)))
    text = lookup(client, booking.code).content.decode()
    assert "不能再取消或改约" in text and "取消预约</button>" not in text
    text = client.post(BASE + "mine/", {"action": "cancel"}).content.decode()
    assert "已开始" in text and Booking.objects.get().state == BookingState.BOOKED


# ---- 延时预约 ------------------------------------------------------------------------------------


def post_request(client, appt, **extra):
    form = client.get(BASE + "after-hours/").content.decode()
    data = {
        "hall": appt.halls["a"].pk,
        "matter": appt.matters["licence"].pk,
        "requester_kind": "company",
        "organisation": "示范市宏图建筑工程有限公司",
        "name": "刘建国",
        "phone": "13700001111",
        "wanted_date": "2026-10-03",
        "wanted_time": "10:00",
        "reason": "重点项目开工在即，国庆期间需办理。",
        **answer(form),
        **extra,
    }
    return client.post(BASE + "after-hours/", data)


def test_an_out_of_hours_request_is_made_and_its_answer_read_with_code_and_phone(client, page, appt):
    text = post_request(client, appt).content.decode()
    created = OutOfHoursRequest.objects.get()
    assert created.code in text and created.department == appt.dept_a and created.state == "pending"
    text = lookup(client, created.code, "13700001111").content.decode()
    assert "待确认" in text and "2026年10月3日" in text
    from appointments import service

    service.decide(created, confirm=False, note="该事项可全程网办。", user=appt.users["owner"])
    text = lookup(client, created.code, "13700001111").content.decode()
    assert "未能安排" in text and "该事项可全程网办。" in text
    assert "未找到相符" in lookup(client, created.code, PHONE).content.decode()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"organisation": ""}, "单位名称"),
        ({"wanted_date": "2026-09-01"}, "不能早于今天"),
        ({"wanted_time": "25:00"}, "时:分"),
        ({"reason": ""}, "请说明事由"),
    ],
)
def test_an_out_of_hours_request_is_checked(client, page, appt, change, words):
    text = post_request(client, appt, **change).content.decode()
    assert words in text and not OutOfHoursRequest.objects.exists()


# ---- the hall page and public output -------------------------------------------------------------


def test_the_hall_page_shows_free_places_and_a_link_to_book(client, page, appt):
    from portal.models import HallIndexPage

    halls = HallIndexPage(title="服务大厅", slug="fwdt")
    HomePage.objects.get().add_child(instance=halls)
    halls.save_revision().publish()
    book(appt)
    text = client.get("/fwdt/hall-a/").content.decode()
    assert "网上预约" in text and "/yuyue/?hall=hall-a" in text
    # 30 Sep at 10:10: 10:30, 11:00, 11:30 and seven afternoon slots × (2 + 1) places; 8 Oct: 13 × 3 − 1.
    assert "9月30日 星期三：余 30 个名额" in text and "10月8日 星期四：余 38 个名额" in text
    assert "10月1日" not in text and PHONE not in text and "张" not in text.split("网上预约")[1].split("</section>")[0]


def test_no_public_page_shows_a_phone_or_full_name(client, page, appt):
    booking = book(appt)
    for url in (
        BASE,
        BASE + "?hall=hall-a",
        step_url(appt),
        BASE + "mine/",
        "/api/v1/appointments/slots/?hall=hall-a&date=2026-10-08",
    ):
        text = client.get(url).content.decode()
        assert PHONE not in text and "张三丰" not in text and booking.code not in text


def test_the_matter_page_links_to_booking_at_each_hall_that_takes_it(client, page, appt):
    from appointments.templatetags.appointments_tags import matter_booking_links

    found = matter_booking_links({"request": None}, appt.matters["change"])["links"]
    assert [hall for hall, _ in found] == ["甲局大厅"]
    assert found[0][1] == f"/yuyue/?hall=hall-a&group={appt.groups['a'].pk}&matter={appt.matters['change'].pk}"
    assert matter_booking_links({"request": None}, appt.matters["other"])["links"][0][0] == "乙局大厅"
    text = client.get(found[0][1]).content.decode()
    assert "选择日期" in text and "营业执照变更登记" in text
    from matters.pages import MatterCatalogPage

    matter = appt.matters["change"]
    html = client.get(f"{MatterCatalogPage.objects.get().url}item/{matter.implementation_code}/").content.decode()
    assert "预约到甲局大厅办理" in html and found[0][1].replace("&", "&amp;") in html
