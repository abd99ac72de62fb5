"""The demo catalog is a workbook in the import format, loaded through the import path."""

from __future__ import annotations

from collections import Counter

import pytest
from wagtail.models import ModelLogEntry

from core.demo import DemoContext
from matters.demo import WORKBOOK, load_catalog
from matters.importing import export_xlsx, import_file, plan_import
from matters.models import ImportBatch, Matter
from permissions import demo as permissions_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city() -> DemoContext:
    context = DemoContext()
    permissions_demo.load(context)
    return context


def test_the_demo_workbook_imports_cleanly(demo_city):
    plan = plan_import(WORKBOOK.read_bytes(), WORKBOOK.name, demo_city.admin)
    assert plan.ok, plan.report()[:20]
    assert plan.count("new") == len(plan.rows) == 151 and not plan.ignored_columns
    assert Counter(row.outcome for row in plan.rows) == {"publish": 148, "draft": 3}


def test_the_demo_loader_imports_it_as_an_editor_would_then_changes_states(demo_city):
    result = load_catalog(demo_city.departments, demo_city.admin)
    assert (result.created, result.delegated) == (151, 2)
    batch = ImportBatch.objects.get()
    assert batch.user == demo_city.admin and batch.created == 151 and batch.file_name == WORKBOOK.name
    statuses = Counter(Matter.objects.values_list("status", flat=True))
    assert statuses == {"in_force": 148 - 2 + 2, "draft": 3, "suspended": 1, "cancelled": 1}
    delegated = Matter.objects.exclude(source_matter=None)
    assert [(m.department.level, m.status) for m in delegated] == [("town", "in_force")] * 2
    food = Matter.objects.get(name="食品经营许可")
    actions = set(ModelLogEntry.objects.filter(object_id=str(food.pk)).values_list("action", flat=True))
    assert actions == {"wagtail.create", "wagtail.publish", "matters.enter_force", "matters.import"}
    assert food.steps.count() == 4 and food.faqs.count() == 1 and food.materials.count() == 7
    assert food.places.get().phone and any(basis.text for basis in food.legal_bases.all())
    # The catalog it made exports to a workbook that imports back without a change.
    plan, _ = import_file(export_xlsx(Matter.objects.filter(source_matter=None)), "x.xlsx", None, dry_run=True)
    assert plan.ok and plan.count("unchanged") == 151, plan.report()[:5]
    # Running it again imports nothing.
    assert load_catalog(demo_city.departments, demo_city.admin).created == 0
    assert ImportBatch.objects.count() == 1 and Matter.objects.count() == 153
