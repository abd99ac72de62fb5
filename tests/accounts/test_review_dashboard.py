"""A reviewer's dashboard starts with what awaits their review, 事项 included, and approving or
sending back says in Chinese what happened and what comes next (issue 18)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import TaskState

from ..helpers import matter_form_data
from ..helpers import matter_url as url

pytestmark = pytest.mark.django_db


def submit(client, world, matter, **changes) -> TaskState:
    client.force_login(world.users["owner"])
    response = client.post(url("edit", matter.pk), matter_form_data(matter, **{"action-submit": "submit", **changes}))
    assert response.status_code == 302
    return TaskState.objects.get(status="in_progress", revision__object_id=str(matter.pk))


def test_awaiting_review_is_the_first_panel(client, world):
    matter = world.matters["own"]
    submit(client, world, matter, name="待审核的新名称")
    client.force_login(world.users["reviewer"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2")]
    # Above the apps' panels (事项清单概况, 咨询投诉建议 … come at order 40-60 without the hook).
    apps = ("事项清单概况", "咨询投诉建议", "依申请公开时限")
    apps_panels = [i for i, h in enumerate(headings) if h.startswith(apps)]
    assert apps_panels and headings.index("待您审核") < min(apps_panels), headings
    heading = next(h for h in soup.select("main h2") if h.get_text(" ", strip=True) == "待您审核")
    panel = heading.find_parent("section")
    assert "待审核的新名称" in panel.get_text(" ", strip=True)


def test_approving_a_matter_says_it_is_live(client, world):
    matter = world.matters["own"]
    state = submit(client, world, matter, name="审核通过的新名称")
    client.force_login(world.users["reviewer"])
    response = client.post(
        url("workflow_action", matter.pk, "approve", state.pk),
        {"comment": "同意"},
        headers={"x-requested-with": "XMLHttpRequest"},  # as the dashboard's modal posts it
    )
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已审核通过事项“审核通过的新名称”，并已发布：门户现在显示的就是这一版本。" in texts
    # Shown on the page the modal sends the reviewer to.
    assert "审核通过的新名称”，并已发布" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_sending_back_says_what_the_author_does_next(client, world):
    matter = world.matters["own_draft"]
    state = submit(client, world, matter)
    client.force_login(world.users["reviewer"])
    response = client.post(url("workflow_action", matter.pk, "reject", state.pk), {"comment": "材料清单不全"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert f"已退回事项“{matter.name}”要求修改：提交人修改后重新提交审核；门户仍显示原来的版本。" in html


def test_no_message_for_someone_elses_action_or_a_refused_one(client, world):
    matter = world.matters["own"]
    state = submit(client, world, matter)
    # The owner may not approve their own submission: nothing happened, nothing is claimed.
    response = client.post(url("workflow_action", matter.pk, "approve", state.pk), {"comment": ""})
    assert [str(m) for m in get_messages(response.wsgi_request) if "审核通过" in str(m)] == []


def test_the_moderation_e_mails_are_chinese(client, world, mailoutbox):
    """Submitting mails the reviewers, approving mails the author: subject and body in Chinese."""
    from .test_admin_chinese import ALLOWED, english

    owner, reviewer = world.users["owner"], world.users["reviewer"]
    owner.email, reviewer.email = "owner@example.cn", "reviewer@example.cn"
    owner.save()
    reviewer.save()
    matter = world.matters["own"]
    state = submit(client, world, matter, name="邮件通知的新名称")
    client.force_login(reviewer)
    client.post(url("workflow_action", matter.pk, "approve", state.pk), {"comment": "同意"})
    assert mailoutbox, "no notification sent"
    allowed = ALLOWED | {owner.username, reviewer.username}
    for message in mailoutbox:
        assert english(f"<p>{message.subject}</p><div>{message.body}</div>", allowed) == [], message.subject
        for content, _mime in getattr(message, "alternatives", []):
            assert english(content, allowed) == [], message.subject
    assert any("邮件通知的新名称" in m.subject for m in mailoutbox)
