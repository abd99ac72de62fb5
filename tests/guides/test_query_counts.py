"""A guide or bundle page costs the same number of queries however many materials it lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matters.models import Material

from ..helpers import publish_change, with_materials
from .factories import BundleGuidePageFactory, GuidePageFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("suffix", ["", "print/"])
def test_guide_page_queries_do_not_grow_with_materials(client, world, suffix):
    guide = GuidePageFactory(matter=with_materials(world.matters["own"], 2))
    client.get(guide.url + suffix)  # warm caches (site root, content types)
    few = queries(client, guide.url + suffix)
    with_materials(world.matters["own"], 30)
    assert "材料29" in client.get(guide.url + suffix).content.decode()
    assert 0 < queries(client, guide.url + suffix) == few


@pytest.mark.parametrize("suffix", ["", "print/"])
def test_bundle_page_queries_do_not_grow_with_materials(client, world, suffix):
    bundle = BundleGuidePageFactory(
        department=world.dept_a, members=[(world.matters["own"], 1), (world.matters["other"], 2)]
    )
    client.get(bundle.url + suffix)
    few = queries(client, bundle.url + suffix)
    for matter in (world.matters["own"], world.matters["other"]):
        publish_change(
            matter,
            materials=[Material(name=f"{matter.name}材料{i}", source="applicant") for i in range(25)],
        )
    assert "乙局在用事项材料24" in client.get(bundle.url + suffix).content.decode()
    assert 0 < queries(client, bundle.url + suffix) == few
