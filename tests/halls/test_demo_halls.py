"""The demo halls, windows, notices, terminals and feeds (``halls.demo``, ``terminals.demo``), loaded on the demo
departments without the rest of the demo city, twice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.demo import DemoContext
from halls import demo as halls_demo
from halls.demo import load_halls
from halls.models import Hall, Notice, Window
from halls.viewsets import NoticeState
from permissions import demo as permissions_demo
from permissions.models import Membership
from terminals import demo as terminals_demo
from terminals.demo import DEMO_API_KEYS
from terminals.models import Feed, Terminal, TerminalKey

from ..factories import MatterFactory

pytestmark = pytest.mark.django_db


def counts() -> dict:
    models = [Hall, Window, Notice, Terminal, TerminalKey, Feed, Membership, get_user_model()]
    counted = {m._meta.label: m._default_manager.count() for m in models}
    counted.update({f"{m._meta.label} history": m.history.count() for m in (Hall, Window, Notice, Terminal, Feed)})
    return counted


def test_load_halls_builds_the_halls_and_is_idempotent():
    departments = permissions_demo._departments()
    admin = get_user_model().objects.create_superuser("admin", "admin@example.gov.cn", "x-Correct-Horse-42")
    context = DemoContext(departments=departments, admin=admin)
    for name in ("食品经营许可", "企业设立登记"):
        MatterFactory(department=departments["market"], name=name)
    MatterFactory(department=departments["market"], name="市场监管草稿事项", published=False)
    MatterFactory(department=departments["health"], name="医师执业注册")
    result = load_halls(departments, admin)
    assert result.halls == 5 and result.windows >= 30 and result.notices >= 4
    made = terminals_demo.load(context)
    assert made == {"终端": 5, "数据订阅": 5}

    assert set(Hall.objects.values_list("level", flat=True)) == {"city", "county", "town", "community"}
    city = Hall.objects.get(code="city-center")
    assert city.department == departments["gov_office"]
    assert city.history.first().history_user == admin

    windows = Window.objects.filter(hall=city)
    comprehensive = windows.filter(kind="comprehensive").first()
    assert comprehensive.departments.count() >= 3
    assert {m.department_id for m in comprehensive.matters.all()} <= {d.pk for d in comprehensive.departments.all()}
    # A 专业窗口 takes its own line of business only; the department's other matters go to its general one.
    market = windows.get(number="A05")
    assert set(market.matters.values_list("name", flat=True)) == {"食品经营许可"}
    assert {m.department for m in market.matters.all()} == {departments["market"]}
    assert set(windows.get(number="A06").matters.values_list("name", flat=True)) == {"企业设立登记"}
    assert windows.filter(kind="collection").exists()
    closed = Window.objects.get(is_open=False)
    assert closed.closed_reason
    assert all(w.department_id == w.hall.department_id for w in Window.objects.select_related("hall"))

    now = timezone.now()
    states = [NoticeState.of(n, now) for n in Notice.objects.filter(halls=city)]
    assert {"current", "scheduled", "expired"} <= set(states)
    assert Notice.objects.filter(halls=city, ends_at__isnull=True).exists()

    for name, key in DEMO_API_KEYS.items():
        assert TerminalKey.objects.is_valid(key), name
        assert TerminalKey.objects.get_from_key(key).terminal.name == name
    system = Terminal.objects.get(department=departments["market"])
    assert set(system.scopes) == {"read_drafts", "write_matters"}
    assert list(Membership.objects.filter(user=system.service_user).values_list("department", "role")) == [
        (departments["market"].pk, "owner")
    ]
    assert Terminal.objects.filter(hall=city).count() == 3
    assert Feed.objects.filter(requires_key=True).count() == 1
    assert set(Feed.objects.values_list("slug", flat=True)) >= {
        "city-hall-notices",
        "scjg-kiosk-matters",
        "latest-documents",
        "city-windows",
    }
    documents = Feed.objects.get(slug="latest-documents")
    assert (documents.ordering, documents.size) == ("-published", 10)

    before = counts()
    again = load_halls(permissions_demo._departments(), admin)
    assert (again.halls, again.windows, again.notices) == (0, 0, 0)
    halls_demo.load(context)
    terminals_demo.load(context)
    assert counts() == before
