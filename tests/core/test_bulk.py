"""core.bulk: the revision content and reference-index rows of a bulk import are the ones
modelcluster and Wagtail make for the same object."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import ReferenceIndex

from core.bulk import references, serializable_data
from matters.models import Fee, HandlingPlace, Matter
from tests.cms.factories import DocumentFactory
from tests.matters.factories import MatterFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """auto_now fields take the time on each serialisation: hold it still to compare two."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_a_saved_matter_with_children_and_choices_serialises_as_modelcluster_does():
    matter = MatterFactory()
    matter.fees = [Fee(name="工本费", standard="10元/本", basis="价格主管部门文件")]
    matter.places = [HandlingPlace(name="市政务服务中心", address="人民大道88号", hours="周一至周五")]
    matter.first_published_at = NOW
    matter.statutory_limit = None  # None, numbers, text, dates and keys side by side

    data = serializable_data(matter)
    assert data == matter.serializable_data()
    assert list(data) == list(matter.serializable_data())  # the same order of keys in the stored JSON
    assert data["materials"][1]["name"] == "居民身份证"
    assert data["updated_at"] == NOW


def test_an_unsaved_matter_and_values_of_other_types_fall_back_to_modelcluster():
    source = MatterFactory()
    matter = Matter(
        department=source.department,
        implementation_code=source.implementation_code + "9",
        name="未保存的事项",
        live=False,
    )
    matter.materials = list(source.materials.all())
    matter.last_published_at = datetime.datetime(2026, 12, 5, 8, 30)  # naive: made aware, as modelcluster does
    matter.completeness = Decimal("87")  # a value of another type than the field's keeps modelcluster's handling

    assert serializable_data(matter) == matter.serializable_data()


def test_reference_rows_are_the_ones_wagtail_extracts_including_the_childrens():
    matter = MatterFactory(result_sample=DocumentFactory())
    form, sample = DocumentFactory(), DocumentFactory()
    materials = list(matter.materials.all())
    materials[0].blank_form, materials[1].sample = form, sample
    matter.materials = materials

    found = references(matter)
    assert found == set(ReferenceIndex._extract_references_from_object(matter))
    paths = {content_path for _, _, _, content_path in found}
    assert {"department", "result_sample", f"materials.{materials[0].pk}.blank_form"} <= paths
    assert str(sample.pk) in {object_id for _, object_id, _, _ in found}
