"""The admin's 好差评: who sees and handles which ratings (role × action × own/other department), the
handling forms, appeals decided by the 效能监察员 only, the callback number for handlers only, the
overview with 实名差评回访整改率 and late ones, the papers' rating QR code, 满意率 in the case rates."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from cases.models import Case
from cases.rates import overall
from ratings import flow
from ratings.models import Appeal, Handling, Rating

from ..cases.factories import PHONE
from .factories import at, completed_case, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ratings(case_world, done):
    other = completed_case(case_world, matter="other", window="other")
    return {"own": rate(done, 1, reasons=["attitude"]), "other": rate(other, 2, reasons=["slow"])}


# role -> (sees own, sees other, handles own, handles other)
MATRIX = {
    "owner": (True, False, True, False),
    "reviewer": (True, False, True, False),
    "owner_b": (False, True, False, True),
    "supervisor": (True, True, False, False),
    "clerk": (False, False, False, False),
    "nodept": (False, False, False, False),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_list_detail_and_handle(client, case_world, ratings, role):
    sees_own, sees_other, handles_own, handles_other = MATRIX[role]
    client.force_login(case_world.users[role])
    listing = client.get("/admin/ratings/")
    if not (sees_own or sees_other):
        assert listing.status_code in (302, 403)
    else:
        html = listing.content.decode()
        assert (f"/admin/ratings/{ratings['own'].pk}/" in html) is sees_own
        assert (f"/admin/ratings/{ratings['other'].pk}/" in html) is sees_other
    for key, sees, handles in (("own", sees_own, handles_own), ("other", sees_other, handles_other)):
        rating = ratings[key]
        detail = client.get(f"/admin/ratings/{rating.pk}/")
        assert detail.status_code == (200 if sees else 404) or (not sees and detail.status_code == 302)
        answer = client.post(
            f"/admin/ratings/{rating.pk}/act/", {"action": "verify", "note": "已核实", "revision": rating.revision}
        )
        rating.refresh_from_db()
        assert (rating.handling == Handling.RECTIFYING) is handles, (role, key, answer.status_code)
        if not handles:
            assert answer.status_code in (302, 403, 404) and rating.handling == Handling.VERIFYING


def test_a_department_handles_a_bad_rating_through_the_admin(client, case_world, ratings):
    rating = ratings["own"]
    client.force_login(case_world.users["owner"])
    url = f"/admin/ratings/{rating.pk}/act/"
    empty = client.post(url, {"action": "verify", "note": "", "revision": rating.revision}, follow=True)
    assert "请填写核实情况" in empty.content.decode()
    client.post(url, {"action": "verify", "note": "调阅录像属实", "revision": rating.revision})
    rating.refresh_from_db()
    client.post(url, {"action": "rectify", "note": "批评教育", "revision": rating.revision})
    rating.refresh_from_db()
    assert rating.handling == Handling.CALLBACK
    detail = client.get(f"/admin/ratings/{rating.pk}/").content.decode()
    assert PHONE in detail and "张三丰" in detail  # the handler calls the applicant back
    assert AuditEvent.objects.filter(kind="pii_view").exists()
    client.post(url, {"action": "callback", "answer": "satisfied", "note": "认可", "revision": rating.revision})
    rating.refresh_from_db()
    assert rating.handling == Handling.CLOSED and rating.callback_by == case_world.users["owner"]


def test_the_callback_number_is_masked_for_the_supervisor(client, case_world, ratings):
    owner = case_world.users["owner"]
    rating = flow.verify(ratings["own"].pk, "属实", user=owner)
    flow.rectify(rating.pk, "整改", user=owner)
    client.force_login(case_world.users["supervisor"])
    detail = client.get(f"/admin/ratings/{rating.pk}/").content.decode()
    assert PHONE not in detail and "138****5678" in detail


def test_a_stale_form_is_refused_with_a_message(client, case_world, ratings):
    rating = ratings["own"]
    stale = rating.revision
    flow.verify(rating.pk, "别人先核实了", user=case_world.users["reviewer"])
    client.force_login(case_world.users["owner"])
    answer = client.post(
        f"/admin/ratings/{rating.pk}/act/", {"action": "verify", "note": "我来核实", "revision": stale}, follow=True
    )
    assert "已被他人处理" in answer.content.decode()
    assert Rating.objects.get(pk=rating.pk).verification == "别人先核实了"


def test_only_the_supervisor_decides_an_appeal(client, case_world, ratings):
    rating = ratings["own"]
    client.force_login(case_world.users["owner"])
    client.post(f"/admin/ratings/{rating.pk}/act/", {"action": "appeal", "note": "恶意差评", "revision": 0})
    rating.refresh_from_db()
    assert rating.appeal == Appeal.PENDING
    own_decision = client.post(
        f"/admin/ratings/{rating.pk}/act/", {"action": "uphold", "note": "自己说成立", "revision": rating.revision}
    )
    assert own_decision.status_code in (302, 403)
    assert Rating.objects.get(pk=rating.pk).appeal == Appeal.PENDING
    client.force_login(case_world.users["supervisor"])
    page = client.get("/admin/ratings/supervision/").content.decode()
    assert "恶意差评" in page
    client.post(
        f"/admin/ratings/{rating.pk}/act/", {"action": "uphold", "note": "录像证实", "revision": rating.revision}
    )
    rating.refresh_from_db()
    assert rating.excluded and rating.appeal == Appeal.UPHELD
    assert Case.objects.get(pk=rating.case_id).satisfaction is None  # no rating in force any more


def test_an_unknown_action_or_rating_is_a_404(client, case_world, ratings):
    client.force_login(case_world.users["owner"])
    assert client.post(f"/admin/ratings/{ratings['own'].pk}/act/", {"action": "delete"}).status_code == 404
    assert client.get("/admin/ratings/999999/").status_code == 404


def test_the_overview_counts_real_name_callbacks_and_lists_late_ones(client, case_world):
    """Hand-counted: four ratings of A in one month — two good, a real-name 差评 rectified and called
    back, a real-name 差评 still waiting (late), and an anonymous 差评 (no callback asked)."""
    owner = case_world.users["owner"]
    day = datetime.date(2026, 9, 30)
    cases = [completed_case(case_world, on=day) for _ in range(5)]
    rate(cases[0], 5, rated_at=at(day))
    rate(cases[1], 3, rated_at=at(day))
    called = rate(cases[2], 1, reasons=["attitude"], rated_at=at(day))
    flow.verify(called.pk, "属实", user=owner)
    flow.rectify(called.pk, "整改", user=owner)
    flow.callback(called.pk, "satisfied", "认可", user=owner)
    rate(cases[3], 2, reasons=["slow"], rated_at=at(day))  # 15 working days passed long ago
    rate(cases[4], 1, reasons=["slow"], real_name=False, rated_at=at(day))
    client.force_login(case_world.users["supervisor"])
    page = client.get("/admin/ratings/supervision/?start=2026-09&end=2026-09").content.decode()
    row = page.split("示范市甲局", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
    # 评价数, 好评率, 差评数, 整改率, 实名差评, 实名差评回访整改率, 逾期, 平均评价 ((5+3+1+2+1)/5)
    assert cells == ["5", "40.0%", "3", "33.3%", "2", "50.0%", "2", "2.40"], cells
    assert "逾期未整改或未回访的差评（2）" in page  # the waiting real-name one and the anonymous one


def test_the_list_costs_the_same_queries_for_few_and_many_ratings(client, case_world):
    client.force_login(case_world.users["supervisor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/ratings/").status_code == 200
        return len(queries)

    rate(completed_case(case_world), 5)
    count()
    few = count()
    for _ in range(4):
        rate(completed_case(case_world, matter="other", window="other"), 1, reasons=["slow"])
    assert count() == few


def test_the_dashboard_panel_shows_open_bad_ratings(client, case_world, ratings):
    client.force_login(case_world.users["owner"])
    home = client.get("/admin/").content.decode()
    assert "待处理的差评" in home
    assert "实名差评回访整改率：<strong>0.0%</strong>" in home  # one real-name 差评 of A, not called back yet
    flow.verify(ratings["own"].pk, "属实", user=case_world.users["owner"])  # open, no longer 待核实
    assert 'href="/admin/ratings/?handling=open"><strong>1</strong>' in client.get("/admin/").content.decode()
    listing = client.get("/admin/ratings/?handling=open").content.decode()
    assert f"/admin/ratings/{ratings['own'].pk}/" in listing and "共 1 条评价" in listing
    client.force_login(case_world.users["clerk"])
    assert "待处理的差评" not in client.get("/admin/").content.decode()


def test_the_delivery_slip_and_notice_carry_the_rating_code(client, case_world, done, running):
    from cases.documents import document_links
    from portal.models import HomePage
    from ratings.pages import RatingIndexPage

    page = RatingIndexPage(title="好差评", slug="pingjia")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    links = document_links(done, lambda path: "https://gov.example.cn" + path)
    assert [caption for caption, _ in links] == ["扫码评价本次服务（办结后）"]
    assert links[0][1].startswith("https://gov.example.cn/pingjia/case/")
    client.force_login(case_world.users["owner"])
    slip = client.get(f"/admin/cases/{done.pk}/slip.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    assert client.get(f"/admin/cases/{running.pk}/slip.pdf").status_code == 404
    assert client.get(f"/admin/cases/{done.pk}/notice.pdf").content.startswith(b"%PDF")


def test_satisfaction_joins_the_case_rates(case_world):
    """Hand-counted: three completed cases rated 5, 3 and 1 (one each), a fourth not rated."""
    cases = [completed_case(case_world) for _ in range(4)]
    rate(cases[0], 5)
    rate(cases[1], 3)
    rate(cases[2], 1, reasons=["slow"])
    row = overall(Case.objects.all())
    assert (row.total, row.rated, row.satisfied) == (4, 3, 2)
    assert row.satisfaction_rate == pytest.approx(2 / 3)
    assert row.as_dict()["satisfaction_rate"] == 0.6667
