"""The ``org`` and ``world`` a test gets from the snapshot are what building them leaves
(tests/snapshots.py): the same rows in every table, the same objects, the factories going on."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from permissions.models import Department

from ..conftest import build_org, reset_sequences
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from ..snapshots import _primary_keys, _read_all

pytestmark = pytest.mark.django_db


def _tables() -> dict[str, object]:
    """Each table's keys; on PostgreSQL its row count: a rolled-back build leaves its keys taken
    there (sequences do not go back), so a second build gets others."""
    read = _read_all(_primary_keys())
    if connection.vendor == "sqlite":
        return {table: sorted(map(str, t.rows)) for table, t in read.items()}
    return {table: len(t.rows) for table, t in read.items()}


def test_the_laid_down_org_has_the_rows_a_build_leaves(_org_snapshot):
    with transaction.atomic():
        build_org()
        built = _tables()
        transaction.set_rollback(True)
    reset_sequences()  # as at the start of a test
    assert _org_snapshot.usable()
    org = _org_snapshot.lay_down()
    laid = _tables()
    assert [t for t in built if built[t] != laid[t]] == []
    assert [d.name for d in Department.objects.order_by("pk")] == ["示范市甲局", "示范市乙局"]
    assert org.users["owner"].groups.filter(department_role__department=org.dept_a).exists()
    # The factories go on where the build left them: the next department is not a duplicate.
    assert DepartmentFactory().slug not in {"jia", "yi"}


def test_world_is_org_with_its_matters_and_the_snapshot_steps_aside_once_tables_moved_on(org, world, _world_snapshot):
    assert world is org
    assert {m.department.pk for m in world.matters.values()} == {org.dept_a.pk, org.dept_b.pk}
    assert world.matters["own"].department == world.dept_a
    assert world.matters["own_draft"].live is False
    MatterFactory(department=org.dept_a)
    # Laying the rows down again would clash with the new matter's: the fixture would build instead.
    assert not _world_snapshot.usable()
