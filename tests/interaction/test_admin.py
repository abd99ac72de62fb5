"""The admin: the permission matrix (role × action × own/other department), the whole journey through
the screens, transfers, stale revisions, contact details only for the handlers, the dashboard panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from interaction.models import Interaction, Light, State

from .factories import PHONE, REPLY, item_in, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(iworld):
    """A's item waiting for acceptance and A's reply waiting for review; the same two of B."""
    return {
        "own_new": submit(iworld.dept_a, subject="甲局待受理"),
        "own_review": item_in(State.REVIEW, iworld, subject="甲局待审核"),
        "other_new": submit(iworld.dept_b, subject="乙局待受理"),
        "other_review": item_in(State.REVIEW, iworld, department=iworld.dept_b, subject="乙局待审核"),
    }


def act(client, item, action, **data):
    return client.post(
        reverse("interaction_action", args=[item.pk]), {"action": action, "revision": item.revision, **data}
    )


# role -> (the departments whose items it sees, may accept, may approve)
MATRIX = {
    "owner": ({"own"}, {"own"}, set()),
    "reviewer": ({"own"}, {"own"}, {"own"}),
    "owner_b": ({"other"}, {"other"}, set()),
    "reviewer_b": ({"other"}, {"other"}, {"other"}),
    "supervisor": ({"own", "other"}, set(), set()),
    "disclosure": (set(), set(), set()),
    "nodept": (set(), set(), set()),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_list_detail_accept_and_approve(client, iworld, items, role):
    sees, accepts, approves = MATRIX[role]
    client.force_login(iworld.users[role])
    listing = client.get(reverse("interaction_index"))
    if not sees:
        assert listing.status_code in (302, 403)
    else:
        assert listing.status_code == 200
        shown = {key for key, item in items.items() if item.number in listing.content.decode()}
        assert shown == {key for key in items if key.split("_")[0] in sees}
    for key, item in items.items():
        side = key.split("_")[0]
        detail = client.get(reverse("interaction_detail", args=[item.pk]))
        if side in sees:
            assert detail.status_code == 200
            html = detail.content.decode()
            if key.endswith("new"):
                assert ('value="accept"' in html) == (side in accepts)
            else:
                assert ('value="approve"' in html) == (side in approves)  # hidden buttons
        else:
            assert detail.status_code in (302, 403, 404)
        action = "accept" if key.endswith("new") else "approve"
        response = act(client, item, action)
        state = Interaction.objects.get(pk=item.pk).state
        allowed = accepts if action == "accept" else approves
        if side in allowed:
            assert response.status_code == 302
            assert state == (State.HANDLING if action == "accept" else State.ANSWERED)
        else:
            assert response.status_code in (302, 403, 404)
            assert state == (State.SUBMITTED if action == "accept" else State.REVIEW)


def test_the_whole_journey_through_the_admin(client, iworld):
    item = submit(iworld.dept_a)
    owner, reviewer = iworld.users["owner"], iworld.users["reviewer"]
    client.force_login(owner)
    assert act(client, item, "accept").status_code == 302
    item.refresh_from_db()
    act(client, item, "draft", reply="草稿答复")
    item.refresh_from_db()
    assert item.state == State.HANDLING and item.reply == "草稿答复"
    act(client, item, "submit", reply=REPLY)
    item.refresh_from_db()
    assert item.state == State.REVIEW and item.reply_drafted_by == owner
    client.force_login(reviewer)
    act(client, item, "return", note="请补充依据")
    item.refresh_from_db()
    assert item.state == State.RETURNED
    client.force_login(owner)
    act(client, item, "submit", reply=REPLY + "依据：某条例。")
    item.refresh_from_db()
    client.force_login(reviewer)
    response = act(client, item, "approve")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.ANSWERED and item.published and item.reply_approved_by == reviewer
    client.force_login(owner)
    act(client, item, "close", satisfaction="basic")
    item.refresh_from_db()
    assert item.state == State.CLOSED and item.satisfaction == "basic"
    html = client.get(reverse("interaction_detail", args=[item.pk])).content.decode()
    for label in ("提交", "受理", "保存答复草稿", "提交审核", "退回修改", "审核通过", "办结"):
        assert f"<td>{label}</td>" in html
    assert "请补充依据" in html and "回访结果：基本满意" in html


def test_a_transfer_moves_the_item_out_of_reach(client, iworld):
    item = submit(iworld.dept_a)
    client.force_login(iworld.users["owner"])
    missing = act(client, item, "transfer", note="")
    assert missing.status_code == 302 and Interaction.objects.get(pk=item.pk).department == iworld.dept_a
    response = act(client, item, "transfer", department=iworld.dept_b.pk, note="属乙局职责")
    assert response.status_code == 302 and response["Location"] == reverse("interaction_index")
    assert client.get(reverse("interaction_detail", args=[item.pk])).status_code == 404
    client.force_login(iworld.users["owner_b"])
    html = client.get(reverse("interaction_detail", args=[item.pk])).content.decode()
    assert "已转办（待接收）" in html and "转至示范市乙局：属乙局职责" in html


def test_a_refused_step_is_told_in_chinese_and_changes_nothing(client, iworld):
    item = submit(iworld.dept_a)
    client.force_login(iworld.users["owner"])
    response = client.post(
        reverse("interaction_action", args=[item.pk]), {"action": "close", "revision": item.revision}, follow=True
    )
    assert "不能进行“办结”" in response.content.decode()
    response = client.post(
        reverse("interaction_action", args=[item.pk]), {"action": "reject", "revision": item.revision}, follow=True
    )
    assert "须写明理由" in response.content.decode()
    assert Interaction.objects.get(pk=item.pk).state == State.SUBMITTED


def test_two_clerks_at_once_the_second_is_told_to_refresh(client, iworld):
    item = submit(iworld.dept_a)
    seen = item.revision
    client.force_login(iworld.users["owner"])
    act(client, item, "accept")
    client.force_login(iworld.users["reviewer"])
    response = client.post(
        reverse("interaction_action", args=[item.pk]),
        {"action": "reject", "note": "重复", "revision": seen},
        follow=True,
    )
    assert "已被他人办理" in response.content.decode()
    assert Interaction.objects.get(pk=item.pk).state == State.HANDLING


def test_contact_details_only_for_those_who_handle_the_item(client, iworld):
    item = submit(iworld.dept_a)
    client.force_login(iworld.users["owner"])
    html = client.get(reverse("interaction_detail", args=[item.pk])).content.decode()
    assert PHONE in html and "张三丰" in html
    assert AuditEvent.objects.filter(kind="pii_view").count() == 1
    client.force_login(iworld.users["supervisor"])
    html = client.get(reverse("interaction_detail", args=[item.pk])).content.decode()
    assert PHONE not in html and "138****5678" in html and "张**" in html and 'id="interaction-act"' not in html


def test_the_list_filters_and_shows_the_lights(client, iworld):
    import datetime

    from interaction import flow

    from .factories import at, submission

    late, _ = flow.submit(
        submission(subject="超期的咨询"), department=iworld.dept_a, submitted_at=at(datetime.date(2026, 9, 30))
    )
    fresh = submit(iworld.dept_a, subject="新的投诉", kind="complaint")
    Interaction.objects.filter(pk=late.pk).update(light=Light.RED)
    client.force_login(iworld.users["owner"])
    html = client.get(reverse("interaction_index")).content.decode()
    assert "红灯：超期" in html and fresh.number in html
    html = client.get(reverse("interaction_index"), {"light": "red"}).content.decode()
    assert late.number in html and fresh.number not in html
    html = client.get(reverse("interaction_index"), {"kind": "complaint"}).content.decode()
    assert fresh.number in html and late.number not in html
    html = client.get(reverse("interaction_index"), {"q": late.number.lower()}).content.decode()
    assert late.number in html and fresh.number not in html


def test_the_dashboard_panel_counts_the_users_departments(client, iworld):
    import datetime

    from interaction import flow

    from .factories import at, submission

    for _ in range(2):
        flow.submit(submission(), department=iworld.dept_a, submitted_at=at(datetime.date(2026, 9, 30)))  # red
    submit(iworld.dept_a)  # green today
    item_in(State.ANSWERED, iworld)  # not open
    submit(iworld.dept_b)  # another department
    client.force_login(iworld.users["owner"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="interaction-panel"' in html
    assert 'id="interaction-open">3<' in html and 'id="interaction-red">2<' in html
    assert 'id="interaction-yellow">0<' in html
    client.force_login(iworld.users["supervisor"])
    assert 'id="interaction-open">4<' in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(iworld.users["disclosure"])
    assert 'id="interaction-panel"' not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_menu_shows_for_department_roles_and_the_supervisor(client, iworld):
    for role, shown in (("owner", True), ("supervisor", True), ("disclosure", False)):
        client.force_login(iworld.users[role])
        html = client.get(reverse("wagtailadmin_account")).content.decode()
        assert (reverse("interaction_index") in html) == shown, role  # the menu (JSON in the sidebar props)
