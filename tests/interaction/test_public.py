"""政民互动 on the portal: the form from a guide, a matter or the portal (challenge, hidden field,
length limits, rate limit), the receipt in the session, the lookup (one answer for every miss,
rate limited) and 问答公开 (published only, name masked, no contact details, flat queries)."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.challenge import CHALLENGE_SALT
from interaction.models import Interaction, Source, State

from .factories import EMAIL, PHONE, REPLY, item_in, submit, take

pytestmark = pytest.mark.django_db
BASE = "/hudong/"


def answer(html: str) -> dict:
    """The challenge token and its right answer, read from the rendered form."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    return {"challenge_token": token, "challenge_answer": signing.loads(token, salt=CHALLENGE_SALT)[0]}


def form_data(html: str, **overrides) -> dict:
    data = {
        "subject": "营业执照能否网上办",
        "body": "请问个体工商户营业执照能否全程网上办理？",
        "name": "李小龙",
        "phone": "139 0000 1111",
        "email": "li@example.cn",
        "consent": "on",
        "website": "",
        **answer(html),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def ask(client, kind: str = "consultation", query: str = "", **overrides):
    url = f"{BASE}ask/{kind}/{query}"
    shown = client.get(url)
    assert shown.status_code == 200
    return shown, client.post(url, form_data(shown.content.decode(), **overrides))


# ---- the form ------------------------------------------------------------------------------


def test_a_question_from_a_guide_page_reaches_the_matters_department(client, index_page, guide, iworld):
    shown, response = ask(client, query=f"?guide={guide.pk}")
    html = shown.content.decode()
    assert "甲局许可事项" in html and "示范市甲局" in html and 'name="department"' not in html
    assert response.status_code == 302 and response["Location"].endswith("/hudong/submitted/")
    item = Interaction.objects.get()
    assert (item.department, item.matter, item.source, item.source_page_id) == (
        iworld.dept_a,
        iworld.matters["own"],
        Source.GUIDE,
        guide.pk,
    )
    assert item.state == State.SUBMITTED and item.consent and item.phone == "13900001111"
    receipt = client.get(response["Location"])
    text = receipt.content.decode()
    assert item.number in text and item.lookup_code in text and "5 个工作日" in text
    assert "no-store" in receipt["Cache-Control"]
    assert item.number not in response["Location"] and item.lookup_code not in response["Location"]


def test_a_complaint_from_a_matter_page(client, index_page, iworld):
    _, response = ask(client, "complaint", f"?matter={iworld.matters['other'].pk}")
    assert response.status_code == 302
    item = Interaction.objects.get()
    assert item.kind == "complaint" and item.number.startswith("TS") and item.department == iworld.dept_b
    assert item.source == Source.MATTER and item.reply_days == 10


def test_a_general_question_goes_to_the_department_the_visitor_chose(client, index_page, iworld):
    shown, response = ask(client, "suggestion", department=iworld.dept_b.pk)
    assert 'name="department"' in shown.content.decode()
    assert response.status_code == 302
    item = Interaction.objects.get()
    assert item.department == iworld.dept_b and item.source == Source.PORTAL and item.number.startswith("JY")


def test_an_unknown_kind_is_not_found(client, index_page):
    assert client.get(f"{BASE}ask/praise/").status_code == 404


def test_an_unknown_or_draft_matter_falls_back_to_the_department_chooser(client, index_page, iworld):
    from ..matters.factories import MatterFactory

    draft = MatterFactory(department=iworld.dept_a, draft=True)
    for query in (f"?matter={draft.pk}", "?matter=999999", "?guide=999999", "?matter=abc"):
        assert 'name="department"' in client.get(f"{BASE}ask/consultation/{query}").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"department": None}, "department", "请选择受理部门"),
        ({"subject": ""}, "subject", "请填写主题"),
        ({"subject": "题" * 101}, "subject", "主题不能超过100个字"),
        ({"body": "字" * 2001}, "body", "内容不能超过2000个字"),
        ({"body": "太短"}, "body", "内容太短"),
        ({"phone": "12345"}, "phone", "手机号码"),
        ({"email": "nope"}, "email", "电子邮箱格式不正确"),
        ({"challenge_answer": "99"}, "challenge_answer", "验证问题回答不正确"),
        ({"challenge_token": "forged"}, "challenge_answer", "验证问题已过期"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    client, index_page, iworld, overrides, field, message
):
    if "department" not in overrides:
        overrides["department"] = iworld.dept_a.pk
    _, response = ask(client, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and f'id="id_{field}_error"' in html
    assert not Interaction.objects.exists()
    assert 'value="139 0000 1111"' in html or field == "phone"  # what was typed is kept (not the answer)


def test_the_hidden_field_stops_robots(client, index_page, iworld):
    _, response = ask(client, department=iworld.dept_a.pk, website="http://spam.example")
    assert response.status_code == 200 and "提交未通过校验" in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_used_challenge_cannot_be_replayed(client, index_page, iworld):
    shown = client.get(f"{BASE}ask/consultation/")
    data = form_data(shown.content.decode(), department=iworld.dept_a.pk)
    assert client.post(f"{BASE}ask/consultation/", data).status_code == 302
    again = client.post(f"{BASE}ask/consultation/", data)
    assert again.status_code == 200 and "已经使用过" in again.content.decode()
    assert Interaction.objects.count() == 1


def test_submissions_are_rate_limited_per_address(client, index_page, iworld, settings):
    settings.INTERACTION_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert ask(client, department=iworld.dept_a.pk)[1].status_code == 302
    _, limited = ask(client, department=iworld.dept_a.pk)
    assert limited.status_code == 429 and "过于频繁" in limited.content.decode()
    assert Interaction.objects.count() == 2


def test_the_receipt_without_a_submission_goes_to_the_lookup(client, index_page):
    response = client.get(f"{BASE}submitted/")
    assert response.status_code == 302 and response["Location"].endswith("/hudong/lookup/")


def test_matter_and_guide_pages_link_to_the_forms(client, index_page, guide, iworld):
    html = client.get(guide.url).content.decode()
    assert f'href="/hudong/ask/consultation/?guide={guide.pk}"' in html
    assert f'href="/hudong/ask/complaint/?guide={guide.pk}"' in html
    matter = iworld.matters["own"]
    from matters.pages import MatterCatalogPage

    matter_html = client.get(
        f"{MatterCatalogPage.objects.get().url}item/{matter.implementation_code}/"
    ).content.decode()
    assert f'href="/hudong/ask/consultation/?matter={matter.pk}"' in matter_html and "我要投诉" in matter_html


def test_without_the_page_no_links_are_shown(client, guide):
    html = client.get(guide.url).content.decode()
    assert "我要咨询" not in html


# ---- the lookup ----------------------------------------------------------------------------


def lookup(client, number: str, **pair):
    return client.post(f"{BASE}lookup/", {"number": number, **pair})


@pytest.mark.parametrize("pair", ["phone", "code"])
def test_lookup_by_number_and_phone_or_code_shows_the_approved_reply(client, index_page, iworld, pair):
    item = item_in(State.ANSWERED, iworld)
    credentials = {"phone": "138-1234-5678"} if pair == "phone" else {"code": item.lookup_code.lower()}
    response = lookup(client, item.number.lower(), **credentials)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="interaction-state">已答复' in html
    assert REPLY in html and "答复</strong>" in html and "受理</strong>" in html
    assert "提交审核" not in html  # internal review steps are not the visitor's
    for secret in (PHONE, "张三丰", EMAIL, 'value="138-1234-5678"', f'value="{item.lookup_code.lower()}"'):
        assert secret not in html
    assert "no-store" in response["Cache-Control"]


def test_a_draft_reply_is_not_shown_before_it_is_approved(client, index_page, iworld):
    item = item_in(State.REVIEW, iworld)
    html = lookup(client, item.number, phone=PHONE).content.decode()
    assert "待审核" in html and REPLY not in html


def test_a_transferred_item_shows_where_it_went(client, index_page, iworld):
    item = item_in(State.TRANSFERRED, iworld)
    html = lookup(client, item.number, code=item.lookup_code).content.decode()
    assert "已转至示范市乙局" in html and "属对方职责" not in html


def test_every_wrong_pair_gets_the_same_answer(client, index_page, iworld):
    item = submit(iworld.dept_a)
    other = submit(iworld.dept_b, phone="13900009999")
    answers = {
        lookup(client, item.number, phone="13900009999").content.decode().split('id="interaction-status">')[1][:60],
        lookup(client, item.number, code=other.lookup_code).content.decode().split('id="interaction-status">')[1][:60],
        lookup(client, "ZX2026-999999", phone=PHONE).content.decode().split('id="interaction-status">')[1][:60],
    }
    assert len(answers) == 1 and "未找到相符的记录" in answers.pop()


def test_the_lookup_needs_a_phone_or_a_code_and_is_rate_limited(client, index_page, iworld, settings):
    assert "请填写联系电话或查询码" in lookup(client, "ZX2026-000001").content.decode()
    settings.INTERACTION_LOOKUPS_PER_HOUR = 3
    for _ in range(2):
        lookup(client, "ZX2026-000001", phone=PHONE)
    assert lookup(client, "ZX2026-000001", phone=PHONE).status_code == 429


# ---- 问答公开 --------------------------------------------------------------------------------


def test_the_public_qa_shows_published_items_only_with_the_name_masked(client, index_page, iworld):
    published = item_in(State.ANSWERED, iworld, subject="公开的问题")
    item_in(State.ANSWERED, iworld, subject="不同意公开的问题", consent=False)
    item_in(State.REVIEW, iworld, subject="待审核的问题")
    item_in(State.SUBMITTED, iworld, subject="刚提交的问题")
    item_in(State.REJECTED, iworld, subject="不予受理的问题")
    response = client.get(BASE)
    html = response.content.decode()
    assert "公开的问题" in html and "张**" in html and "共 1 条" in html
    for hidden in ("不同意公开", "待审核的问题", "刚提交的问题", "不予受理的问题", PHONE, EMAIL, "张三丰"):
        assert hidden not in html
    detail = client.get(f"{BASE}qa/{published.number}/")
    text = detail.content.decode()
    assert detail.status_code == 200 and REPLY in text and "示范市甲局" in text and "张**" in text
    for secret in (PHONE, EMAIL, "张三丰", published.lookup_code):
        assert secret not in text


def test_an_unpublished_item_has_no_public_page(client, index_page, iworld):
    for item in (item_in(State.REVIEW, iworld), item_in(State.ANSWERED, iworld, consent=False)):
        assert client.get(f"{BASE}qa/{item.number}/").status_code == 404
    published = item_in(State.ANSWERED, iworld)
    take(published, "unpublish", iworld.users["reviewer"], note="涉及隐私")
    assert client.get(f"{BASE}qa/{published.number}/").status_code == 404


def test_the_public_qa_filters_by_department_and_kind(client, index_page, iworld):
    item_in(State.ANSWERED, iworld, subject="甲局咨询")
    item_in(State.ANSWERED, iworld, subject="甲局投诉", kind="complaint")
    b = submit(iworld.dept_b, subject="乙局咨询")
    b = take(b, "accept", iworld.users["owner_b"])
    b = take(b, "submit", iworld.users["owner_b"], reply="乙局答复")
    take(b, "approve", iworld.users["reviewer_b"])
    html = client.get(BASE, {"department": iworld.dept_b.pk}).content.decode()
    assert "乙局咨询" in html and "甲局咨询" not in html
    html = client.get(BASE, {"kind": "complaint"}).content.decode()
    assert "甲局投诉" in html and "甲局咨询" not in html and "乙局咨询" not in html
    html = client.get(BASE, {"kind": "praise", "department": "x"}).content.decode()  # bad values ignored
    assert "共 3 条" in html


def test_the_public_qa_costs_the_same_queries_for_one_or_ten_items(client, index_page, iworld):
    item_in(State.ANSWERED, iworld)
    client.get(BASE)
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for _ in range(9):
        item_in(State.ANSWERED, iworld)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(BASE)
    assert response.content.decode().count('class="qa-item"') == 10
    assert len(ten.captured_queries) == len(one.captured_queries)


def test_the_public_qa_keyword_box_is_the_portal_search_in_relevance_order(client, index_page, iworld):
    item_in(State.ANSWERED, iworld, subject="营业执照遗失后如何补办")
    item_in(State.ANSWERED, iworld, subject="个体工商户办理营业执照需要哪些材料")
    item_in(State.ANSWERED, iworld, subject="公积金提取")

    def listed(q: str) -> list[str]:
        html = client.get(BASE, {"q": q}).content.decode()
        subjects = ("个体工商户办理营业执照需要哪些材料", "营业执照遗失后如何补办", "公积金提取")
        return sorted((s for s in subjects if s in html), key=html.index)

    # Word parts, pinyin, initials and Traditional spellings, as the portal search finds them.
    for query in ("营业执照", "yingyezhizhao", "yyzz", "營業執照"):
        assert set(listed(query)) == {"个体工商户办理营业执照需要哪些材料", "营业执照遗失后如何补办"}, query
    assert listed("gjj") == ["公积金提取"]
    # Most relevant first (the subject that starts with the query's words), not the newest.
    assert listed("营业执照遗失")[0] == "营业执照遗失后如何补办"
    assert listed("营业执照")[0] == "营业执照遗失后如何补办"
    assert client.get(BASE).content.decode().index("个体工商户") < client.get(BASE).content.decode().index(
        "营业执照遗失后"
    )
