"""The rating pad's API: a key with write_ratings in a hall rates that hall's completed cases once."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ratings.api import WRITE_RATINGS
from ratings.models import Rating
from terminals.models import TerminalKind

from ..terminals.factories import TerminalFactory
from ..terminals.factories import key_header as header
from .factories import completed_case, rate

URL = "/api/v1/ratings/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def pad(case_world):
    return TerminalFactory(
        department=case_world.dept_a,
        hall=case_world.windows["own"].hall,
        kind=TerminalKind.QUEUE,
        scopes=[WRITE_RATINGS.value],
        with_key=True,
        name="A01窗口评价器",
    )


def test_the_pad_rates_a_completed_case_of_its_hall(api, pad, done):
    answer = api.post(URL, {"case": done.number, "level": 5}, format="json", **header(pad))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["level_label"] == "非常满意" and body["bad"] is False and body["rectify_due"] is None
    rating = Rating.objects.get(case=done)
    assert rating.channel == "pad" and rating.source == "A01窗口评价器" and rating.real_name
    assert "13812345678" not in answer.content.decode() and "张三丰" not in answer.content.decode()


def test_a_bad_rating_from_the_pad_opens_the_handling(api, pad, done):
    answer = api.post(
        URL,
        {"case": done.number, "level": 1, "reasons": ["attitude", "slow"], "comment": "态度差", "anonymous": True},
        format="json",
        **header(pad),
    )
    assert answer.status_code == 201
    assert answer.json()["bad"] is True and answer.json()["rectify_due"]
    rating = Rating.objects.get(case=done)
    assert rating.handling == "verifying" and not rating.real_name and rating.reasons == ["attitude", "slow"]


def test_the_pads_refusals(api, pad, case_world, done, running):
    def post(**data):
        return api.post(URL, data, format="json", **header(pad))

    unknown = post(case="2026-999-000001", level=5)
    assert unknown.status_code == 404 and unknown.json()["field"] == "case"
    other_hall = completed_case(case_world, matter="other", window="other")
    assert post(case=other_hall.number, level=5).status_code == 404  # not this hall's: unknown to the pad
    before = post(case=running.number, level=5)
    assert before.status_code == 409 and "办结后才能评价" in before.json()["detail"]
    bad_level = post(case=done.number, level=9)
    assert bad_level.status_code == 400 and bad_level.json()["field"] == "level"
    no_reason = post(case=done.number, level=2)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reasons"
    missing = post(level=5)
    assert missing.status_code == 400 and missing.json()["field"] == "case"
    web_channel = post(case=done.number, level=5, channel="web")
    assert web_channel.status_code == 400 and web_channel.json()["field"] == "channel"
    assert not Rating.objects.exists()
    assert post(case=done.number, level=5).status_code == 201
    second = post(case=done.number, level=1, reasons=["slow"])
    assert second.status_code == 409 and "一次一评" in second.json()["detail"]
    assert Rating.objects.get(case=done).level == 5


def test_keys_without_the_scope_and_no_key_are_refused(api, case_world, done):
    kiosk = TerminalFactory(department=case_world.dept_a, kind=TerminalKind.KIOSK, with_key=True)
    assert api.post(URL, {"case": done.number, "level": 5}, format="json", **header(kiosk)).status_code == 403
    assert api.post(URL, {"case": done.number, "level": 5}, format="json").status_code in (401, 403)
    assert not Rating.objects.exists()


def test_a_terminal_without_a_hall_rates_its_departments_cases_only(api, case_world, done):
    system = TerminalFactory(department=case_world.dept_b, scopes=[WRITE_RATINGS.value], with_key=True)
    assert api.post(URL, {"case": done.number, "level": 5}, format="json", **header(system)).status_code == 404
    own = TerminalFactory(department=case_world.dept_a, scopes=[WRITE_RATINGS.value], with_key=True)
    answer = api.post(URL, {"case": done.number, "level": 4, "channel": "kiosk"}, format="json", **header(own))
    assert answer.status_code == 201 and Rating.objects.get().channel == "kiosk"


def test_the_options_list_the_levels_and_reasons(api):
    body = api.get("/api/v1/ratings/options/").json()
    assert [level["label"] for level in body["levels"]] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert body["bad_levels"] == [1, 2] and any(r["value"] == "attitude" for r in body["reasons"])


def test_the_public_figures_count_by_department_and_refuse_bad_parameters(api, case_world, done):
    other = completed_case(case_world, matter="other", window="other")
    rate(done, 5)
    rate(done, 2, channel="qr", reasons=["slow"])
    rate(other, 4)
    month = done.completed_on.strftime("%Y-%m")
    body = api.get(f"/api/v1/ratings/figures/?from={month}&to={month}").json()
    rows = {row["label"]: row for row in body["rows"]}
    assert (
        rows["示范市甲局"]["total"] == 2 and rows["示范市甲局"]["bad"] == 1 and rows["示范市甲局"]["good_rate"] == 0.5
    )
    assert rows["示范市乙局"]["total"] == 1 and rows["示范市乙局"]["good_rate"] == 1.0
    assert body["total"]["total"] == 3 and body["total"]["rectified"] == 0
    assert "comment" not in str(body) and "张三丰" not in str(body)
    assert api.get("/api/v1/ratings/figures/?from=2026-13&to=2026-12").json()["field"] == "from"
    assert api.get(f"/api/v1/ratings/figures/?from={month}&to={month}&by=window").status_code == 400
