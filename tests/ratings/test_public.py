"""好差评 on the portal: rating a finished case from its progress page or the QR code on its papers,
rating an online service (challenge, hidden field, limit), and the public figures (counts only)."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import override_settings

from cases.pages import CaseIndexPage
from core.challenge import CHALLENGE_SALT
from portal.models import HomePage
from ratings.links import case_rating_path, make_token
from ratings.models import Rating
from ratings.pages import RatingIndexPage

from ..cases.factories import PHONE
from .factories import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(case_world):
    home = HomePage.objects.get()
    cases_page = CaseIndexPage(title="办件服务", slug="banjian")
    home.add_child(instance=cases_page)
    cases_page.save_revision().publish()
    ratings_page = RatingIndexPage(title="好差评", slug="pingjia")
    home.add_child(instance=ratings_page)
    ratings_page.save_revision().publish()
    return ratings_page


def rating_link(html: str) -> str:
    match = re.search(r'<p class="banner banner-ok" id="case-rating">.*?href="([^"]+)"', html)
    return match.group(1) if match else ""


def test_a_visitor_rates_a_finished_case_from_its_progress_page(client, pages, done):
    lookup = client.post("/banjian/lookup/", {"number": done.number, "phone": PHONE})
    link = rating_link(lookup.content.decode())
    assert link.startswith("/pingjia/case/")
    form = client.get(link)
    html = form.content.decode()
    assert done.matter_name in html and "张三丰" not in html and PHONE not in html and done.lookup_code not in html
    answer = client.post(link, {"level": "2", "reasons": ["slow", "visits"], "comment": "跑了两趟"})
    assert answer.status_code == 302 and answer["Location"].endswith("/pingjia/thanks/")
    thanks = client.get(answer["Location"]).content.decode()
    assert "评价已提交：不满意" in thanks and "完成整改" in thanks
    rating = Rating.objects.get(case=done)
    assert rating.channel == "web" and rating.reasons == ["slow", "visits"] and rating.real_name
    again = client.post("/banjian/lookup/", {"number": done.number, "phone": PHONE})
    assert rating_link(again.content.decode()) == ""  # rated on this channel: no second link
    assert "您已于" in client.get(link).content.decode()


def test_no_rating_link_before_completion_and_the_qr_page_says_so(client, pages, running):
    lookup = client.post("/banjian/lookup/", {"number": running.number, "phone": PHONE})
    assert rating_link(lookup.content.decode()) == ""
    qr = case_rating_path(running.pk, "qr", pages)
    page = client.get(qr).content.decode()
    assert (
        "办结后才能评价" in page and "<form" not in page.split("</header>")[-1].split("<footer")[0]
    ) or "提交评价" not in page
    assert client.post(qr, {"level": "5"}).status_code == 200 and not Rating.objects.exists()


def test_the_form_names_what_is_missing_and_writes_nothing(client, pages, done):
    link = case_rating_path(done.pk, "qr", pages)
    missing = client.post(link, {"reasons": ["slow"]}).content.decode()
    assert "请选择评价等级" in missing
    no_reason = client.post(link, {"level": "1"}).content.decode()
    assert "差评请至少选择一项原因" in no_reason
    robot = client.post(link, {"level": "5", "website": "http://spam"}).content.decode()
    assert "提交未通过校验" in robot
    assert not Rating.objects.exists()


def test_forged_and_expired_links_find_nothing(client, pages, done, monkeypatch):
    assert client.get(f"/pingjia/case/{done.pk}/").status_code == 404
    token = make_token(done.pk, "qr")
    case, _, stamp, mac = token.split("-")
    other = make_token(done.pk + 1, "qr")
    assert client.get(f"/pingjia/case/{other.split('-')[0]}-qr-{stamp}-{mac}/").status_code == 404  # another id
    assert client.get(f"/pingjia/case/{case}-pad-{stamp}-{mac}/").status_code == 404  # the pad's channel: API only
    assert client.get(f"/pingjia/case/{case}-web-{stamp}-{mac}/").status_code == 404  # the mac names the channel
    web = make_token(done.pk, "web")
    assert client.get(f"/pingjia/case/{web}/").status_code == 200
    monkeypatch.setattr("ratings.links.WEB_TOKEN_SECONDS", -1)  # the progress page's link a week later
    assert client.get(f"/pingjia/case/{web}/").status_code == 404
    assert client.get(f"/pingjia/case/{token}/").status_code == 200  # a QR code on paper does not expire


def test_a_link_signed_with_a_retired_key_works_while_the_key_is_a_fallback(client, pages, done, settings):
    token = make_token(done.pk, "qr")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert client.get(f"/pingjia/case/{token}/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(f"/pingjia/case/{token}/").status_code == 404


def answer_challenge(html: str) -> dict:
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    total = signing.loads(token, salt=CHALLENGE_SALT)[0]
    return {"challenge_token": token, "challenge_answer": str(total)}


def test_an_online_service_is_rated_with_the_challenge(client, pages, case_world):
    matter = case_world.matters["promised"]
    url = f"/pingjia/service/{matter.pk}/"
    form = client.get(url).content.decode()
    wrong = client.post(
        url, {"level": "5", "challenge_token": answer_challenge(form)["challenge_token"], "challenge_answer": "99"}
    )
    assert "验证问题回答不正确" in wrong.content.decode() and not Rating.objects.exists()
    data = {"level": "1", "reasons": ["system"], "real_name": "on", "contact_name": "王五", "contact_phone": "123"}
    bad_phone = client.post(url, {**data, **answer_challenge(wrong.content.decode())})
    assert "电话" in bad_phone.content.decode() and not Rating.objects.exists()
    data["contact_phone"] = "13900001111"
    done = client.post(url, {**data, **answer_challenge(bad_phone.content.decode())})
    assert done.status_code == 302
    rating = Rating.objects.get()
    assert rating.case is None and rating.matter == matter and rating.contact_name == "王五"
    assert client.get("/pingjia/service/999999/").status_code == 404


@override_settings(RATINGS_PER_HOUR=2)
def test_ratings_per_address_are_limited(client, pages, case_world):
    url = f"/pingjia/service/{case_world.matters['promised'].pk}/"
    for _ in range(2):
        client.post(url, {"level": "5"})
    assert client.post(url, {"level": "5"}).status_code == 429


def test_the_public_figures_show_counts_and_no_rater(client, pages, case_world, done):
    rate(done, 1, reasons=["attitude"], comment="窗口张某态度差")
    rate(done, 5, channel="qr")
    page = client.get("/pingjia/").content.decode()
    assert "示范市甲局" in page and "50.0%" in page
    assert "窗口张某态度差" not in page and "张三丰" not in page
    by_month = client.get("/pingjia/?by=month&start=2026-13&end=x").content.decode()
    assert "应为年月" in by_month  # a bad period is said, the last six months shown instead


def test_the_figures_page_costs_the_same_queries_for_few_and_many_departments(client, pages, case_world):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import completed_case

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/pingjia/").status_code == 200
        return len(queries)

    rate(completed_case(case_world), 5)
    count()  # the first request also loads the site and the navigation's caches
    few = count()
    rate(completed_case(case_world, matter="other", window="other"), 4)
    rate(completed_case(case_world, matter="immediate"), 3)
    assert count() == few


def test_guide_pages_link_to_rating_the_service_online(client, pages, case_world):
    from ..guides.factories import GuidePageFactory

    matter = case_world.matters["promised"]
    html = client.get(GuidePageFactory(matter=matter).url).content.decode()
    assert f'href="/pingjia/service/{matter.pk}/"' in html and "“好差评”在线评价" in html
    pages.unpublish()
    html = client.get(GuidePageFactory(matter=matter, slug="another").url).content.decode()
    assert 'id="service-rating"' not in html  # no live rating page: no dead link


def test_the_demo_portal_has_the_ratings_column_in_the_menu(client, case_world):
    from portal.demo import load_portal_pages

    from ..permissions.factories import UserFactory

    admin = UserFactory(username="demo_admin", superuser=True)
    load_portal_pages(admin)
    load_portal_pages(admin)  # again: nothing new
    page = RatingIndexPage.objects.get()
    assert page.slug == "pingjia" and page.live
    html = client.get("/").content.decode()
    assert 'href="/pingjia/"' in html and ">好差评<" in html
