"""The matters admin console: filters, search, sorting, bulk lifecycle actions, dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matters import lifecycle
from matters.models import Matter, MatterStatus

from ..helpers import matter_form_data
from ..helpers import matter_url as url
from ..permissions.factories import UserFactory
from .factories import MatterFactory, term

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[str]:
    html = client.get(url("list"), params).content.decode()
    return {m.name for m in Matter.objects.all() if m.name in html}


@pytest.fixture
def catalog(world):
    """World matters plus a few with distinctive values, all in department A."""
    MatterFactory(
        department=world.dept_a, name="即办的事项", immediate=True, online_depth=term("online_depth", "depth_4")
    )
    MatterFactory(
        department=world.dept_a,
        name="企业的事项",
        service_objects=[term("service_object", "legal_enterprise")],
        natural_themes=[],
        legal_themes=[term("legal_theme", name="设立变更")],
    )
    has_warning = MatterFactory(department=world.dept_a, name="未压缩的事项", promised_limit=20)
    assert has_warning.check_warnings == 1
    return world


def test_filters(client, catalog):
    client.force_login(catalog.users["owner"])
    assert listed(client, handling_type=term("handling_type", "immediate").pk) == {"即办的事项"}
    assert listed(client, online_depth=term("online_depth", "depth_4").pk) == {"即办的事项"}
    assert listed(client, status="draft") == {"甲局草稿事项"}
    assert listed(client, standards="warnings") == {"未压缩的事项"}
    theme = term("natural_theme", name="准营准办")
    assert "即办的事项" in listed(client, theme=theme.pk) and "企业的事项" not in listed(client, theme=theme.pk)
    assert listed(client, theme=term("legal_theme", name="设立变更").pk) == {"企业的事项"}
    assert listed(client, service_object=term("service_object", "legal_enterprise").pk) == {"企业的事项"}
    # Filters never widen what the user may see.
    assert "乙局在用事项" not in listed(client, department=catalog.dept_b.pk)


def test_reviewing_status_filter(client, world):
    client.force_login(world.users["owner"])
    matter = world.matters["own_draft"]
    client.post(url("edit", matter.pk), matter_form_data(matter, **{"action-submit": "submit"}))
    assert listed(client, status="reviewing") == {"甲局草稿事项"}
    assert "审核中" in client.get(url("list")).content.decode()


def test_search_by_partial_name_and_code(client, world):
    client.force_login(world.users["owner"])
    assert listed(client, q="在用") == {"甲局在用事项"}
    assert listed(client, q=world.matters["own_draft"].implementation_code[-6:]) == {"甲局草稿事项"}


def test_sorting_by_name(client, world):
    client.force_login(world.users["sysadmin"])
    html = client.get(url("list"), {"ordering": "name"}).content.decode()
    positions = sorted((html.index(name), name) for name in ("乙局在用事项", "甲局在用事项"))
    names_in_order = [name for _, name in positions]
    assert names_in_order == sorted(names_in_order)


def test_bulk_suspend_with_reason(client, world):
    client.force_login(world.users["reviewer"])
    own, draft, other = world.matters["own"], world.matters["own_draft"], world.matters["other"]
    bulk = reverse("wagtail_bulk_action", args=["matters", "matter", "matter_suspend"])
    query = f"?id={own.pk}&id={draft.pk}&id={other.pk}"
    page = client.get(bulk + query).content.decode()
    assert "甲局在用事项" in page and "甲局草稿事项" in page  # the draft is listed as skipped
    assert "乙局在用事项" not in page  # never loaded: not the reviewer's
    response = client.post(bulk + query, {"reason": "系统升级暂停受理"})
    assert response.status_code == 302
    own.refresh_from_db()
    draft.refresh_from_db()
    other.refresh_from_db()
    assert own.status == MatterStatus.SUSPENDED
    assert draft.status == MatterStatus.DRAFT and other.status == MatterStatus.IN_FORCE


def test_bulk_action_requires_reason(client, world):
    client.force_login(world.users["reviewer"])
    bulk = reverse("wagtail_bulk_action", args=["matters", "matter", "matter_cancel"])
    response = client.post(f"{bulk}?id={world.matters['own'].pk}", {"reason": ""})
    assert response.status_code == 200
    world.matters["own"].refresh_from_db()
    assert world.matters["own"].status == MatterStatus.IN_FORCE


def test_dashboard_panel(client, catalog):
    client.force_login(catalog.users["owner"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "事项清单概况" in html
    assert catalog.dept_a.name in html and catalog.dept_b.name not in html
    assert "未压缩的事项" in html  # listed under standardisation problems
    lifecycle.change_state(catalog.matters["own"], catalog.users["reviewer"], "suspend", "x")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "暂停" in html


def test_dashboard_panel_absent_without_matter_rights(client, world):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="plain_admin_user")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert "事项清单概况" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_edit_page_offers_lifecycle_to_reviewer_only(client, world):
    matter = world.matters["own"]
    client.force_login(world.users["reviewer"])
    assert reverse("matters_lifecycle", args=[matter.pk]) in client.get(url("edit", matter.pk)).content.decode()
    client.force_login(world.users["owner"])
    assert reverse("matters_lifecycle", args=[matter.pk]) not in client.get(url("edit", matter.pk)).content.decode()
