"""Standardisation checks (domain.md §1.4): each rule, the stored results, and the gate that
keeps a matter with hard errors from being submitted or published through the admin."""

from __future__ import annotations

import pytest
from wagtail.models import WorkflowState

from matters import standards
from matters.models import Fee, Material, Matter, MatterType

from ..helpers import matter_form_data
from ..helpers import matter_url as url
from .factories import MatterFactory, term

pytestmark = pytest.mark.django_db


def codes(matter, level=None) -> set[str]:
    return {i.code for i in standards.check(matter) if level is None or i.level == level}


@pytest.fixture
def matter(world):
    """A compliant 承诺件 of department A (see MatterFactory), not yet published."""
    return MatterFactory(department=world.dept_a, draft=True)


def test_factory_matter_is_clean(matter):
    assert standards.check(matter) == []
    assert (matter.check_errors, matter.check_warnings) == (0, 0)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"statutory_limit": 10, "promised_limit": 15}, "promised_over_statutory"),
        ({"handling_type": ("handling_type", "immediate"), "promised_limit": 3}, "immediate_not_zero"),
        ({"promised_limit": 0}, "promised_zero"),
        ({"promised_limit": None}, "promised_zero"),
        ({"online_depth": ("online_depth", "depth_4"), "visits": 1}, "depth4_visits"),
        ({"visit_reason": ""}, "visit_reason"),
    ],
)
def test_field_rules(matter, changes, code):
    for field, value in changes.items():
        setattr(matter, field, term(*value) if isinstance(value, tuple) else value)
    assert code in codes(matter, standards.ERROR)


def test_immediate_with_zero_is_fine(matter):
    matter.handling_type = term("handling_type", "immediate")
    matter.promised_limit = 0
    assert codes(matter, standards.ERROR) == set()


def test_charging_needs_standard_and_basis(matter):
    matter.is_charged = True
    assert "fee_missing" in codes(matter)
    matter.fees = [Fee(name="工本费", standard="10元/证", basis="")]
    assert "fee_incomplete" in codes(matter)
    matter.fees = [Fee(name="工本费", standard="10元/证", basis="发改价格〔2017〕1186号")]
    assert codes(matter, standards.ERROR) == set()
    matter.is_charged = False
    assert "fee_but_free" in codes(matter, standards.WARNING)


def test_basis_and_materials_required(matter):
    matter.legal_bases = []
    matter.materials = []
    assert {"no_basis", "no_materials"} <= codes(matter)
    matter.no_materials_needed = True
    assert "no_materials" not in codes(matter)


def test_themes_follow_service_objects(matter):
    matter.natural_themes.set([])
    assert "natural_theme" in codes(matter)
    matter.service_objects.set([term("service_object", "natural_person"), term("service_object", "legal_enterprise")])
    matter.natural_themes.set([term("natural_theme", name="准营准办")])
    assert "legal_theme" in codes(matter)
    matter.legal_themes.set([term("legal_theme", name="准营准办")])
    assert codes(matter, standards.ERROR) == set()


def test_implementation_code_starts_with_credit_code(matter, world):
    matter.implementation_code = f"{world.dept_b.credit_code}010001"
    issue = next(i for i in standards.check(matter) if i.code == "code_prefix")
    assert world.dept_a.credit_code in issue.message


def test_warnings(matter):
    matter.statutory_limit = 10
    matter.promised_limit = 10
    assert "no_compression" in codes(matter, standards.WARNING)
    matter.statutory_limit = None
    assert "licensing_no_statutory" in codes(matter, standards.WARNING)
    matter.matter_type = MatterType.objects.get(code="20")
    assert "licensing_no_statutory" not in codes(matter)


def test_results_are_stored_on_save(matter):
    matter.legal_bases = []
    matter.statutory_limit = matter.promised_limit = 10
    matter.save()
    stored = Matter.objects.get(pk=matter.pk)
    assert (stored.check_errors, stored.check_warnings) == (1, 1)
    assert 0 < stored.completeness < 100


def test_completeness_counts_missing_elements(matter):
    score, missing = standards.completeness(matter)
    assert "基本编码" not in missing and "办理地点" in missing
    assert score == round(
        100 * (len(standards.COMPLETENESS_ELEMENTS) - len(missing)) / len(standards.COMPLETENESS_ELEMENTS)
    )


def test_inconsistent_material_names(world):
    a = MatterFactory(department=world.dept_a, name="甲")
    b = MatterFactory(department=world.dept_a, name="乙")
    Material.objects.filter(matter=a, name="申请表").update(name="营业执照副本")
    Material.objects.filter(matter=b, name="申请表").update(name="《营业执照》（副本）")
    groups = standards.inconsistent_material_names(
        Material.objects.filter(matter__department=world.dept_a).select_related("matter")
    )
    assert len(groups) == 1
    assert set(groups[0]["names"]) == {"营业执照副本", "《营业执照》（副本）"}


# ---- the gate, through the admin -----------------------------------------------------------


def test_submission_with_errors_is_refused_with_the_reasons(client, world, matter):
    client.force_login(world.users["owner"])
    data = matter_form_data(matter, statutory_limit="5", promised_limit="8", **{"action-submit": "submit"})
    response = client.post(url("edit", matter.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "不能提交审核或发布" in html and "不能超过法定办结时限" in html
    assert not WorkflowState.objects.exists()


def test_saving_a_draft_with_errors_is_allowed(client, world, matter):
    client.force_login(world.users["owner"])
    response = client.post(url("edit", matter.pk), matter_form_data(matter, statutory_limit="5", promised_limit="8"))
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.check_errors == 1  # a draft row is saved, with its results


def test_publication_with_errors_is_refused(client, world, matter):
    client.force_login(world.users["reviewer"])
    data = matter_form_data(matter, visit_reason="", **{"action-publish": "publish"})
    response = client.post(url("edit", matter.pk), data)
    assert response.status_code == 200
    matter.refresh_from_db()
    assert not matter.live


def test_edit_page_shows_results(client, world, matter):
    matter.statutory_limit = matter.promised_limit = 10
    matter.save()
    matter.save_revision()
    client.force_login(world.users["owner"])
    html = client.get(url("edit", matter.pk)).content.decode()
    assert "要素完整度" in html and "未压缩办理时间" in html
