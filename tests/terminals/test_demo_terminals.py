"""``manage.py demo_terminals``: the online demo terminals poll; the silent one stays silent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from core.demo import DemoContext
from halls.demo import load_halls
from permissions import demo as permissions_demo
from terminals import demo as terminals_demo
from terminals.models import Terminal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_terminals():
    departments = permissions_demo._departments()
    admin = get_user_model().objects.create_superuser("admin", "admin@example.gov.cn", "x-Correct-Horse-42")
    load_halls(departments, admin)
    terminals_demo.load(DemoContext(departments=departments, admin=admin))
    cache.clear()
    return Terminal.objects.all()


def test_an_hour_after_loading_only_the_silent_screen_is_stale(demo_terminals):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Terminal.objects.filter(last_seen_at__isnull=False).update(last_seen_at=an_hour_ago)
    queue = Terminal.objects.get(name="市政务服务中心排队叫号机")
    assert queue.is_stale  # what the dashboard would show without the poller

    out = StringIO()
    call_command("demo_terminals", "--once", stdout=out)

    stale = {t.name for t in Terminal.objects.all() if t.is_stale}
    assert stale == {"市政务服务中心LED显示屏"}
    queue.refresh_from_db()
    assert queue.last_seen_at > an_hour_ago
    # The department system polls once a day: seen an hour ago, it is not due and not polled.
    assert Terminal.objects.get(name="市场监管局业务系统").last_seen_at == an_hour_ago
    assert "拉取 3 次" in out.getvalue()


def test_a_second_round_right_after_polls_nothing(demo_terminals):
    call_command("demo_terminals", "--once", stdout=StringIO())
    cache.clear()
    out = StringIO()
    call_command("demo_terminals", "--once", stdout=out)
    assert "拉取 0 次" in out.getvalue()
