"""core.bulk: the revision content and reference-index rows of a bulk import are the ones
modelcluster and Wagtail make for the same object; objects built and validated in bulk are the
ones the constructor and ``full_clean`` make and find."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ReferenceIndex

from core.bulk import FieldCleaner, new_instance, references, serializable_data
from matters.models import Fee, HandlingPlace, Material, Matter
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


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_new_instance_is_the_constructors_object_with_keys_children_and_fresh_state():
    source = MatterFactory()
    kwargs = {"department": source.department, "implementation_code": "X1", "name": "新事项", "live": False}
    built, made = new_instance(Matter, **kwargs), Matter(**kwargs)
    assert _fields(built) == _fields(made)
    assert built.department is source.department  # set through the key's descriptor, cached
    assert built._state.adding and built._state.db == made._state.db
    assert built._state is not new_instance(Matter, **kwargs)._state

    built.materials = [new_instance(Material, name="申请表", material_type="original")]
    assert [m.name for m in built.materials.all()] == ["申请表"]
    other = new_instance(Matter, department=source.department)
    assert list(other.materials.all()) == []  # children are not shared between objects
    assert _fields(new_instance(Fee, name="工本费")) == _fields(Fee(name="工本费"))
    with pytest.raises(TypeError, match="nmae"):  # a misspelt keyword fails as the constructor's does
        new_instance(Fee, nmae="工本费")


def test_field_cleaner_finds_what_full_clean_finds_and_remembers_verdicts():
    source = MatterFactory()
    cleaner = FieldCleaner()
    related = [f.name for f in Matter._meta.concrete_fields if f.is_relation]

    def errors(obj, use_cleaner: bool) -> dict:
        try:
            if use_cleaner:
                cleaner.full_clean(obj, exclude=related, validate_unique=False, validate_constraints=False)
            else:
                obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            return exc.message_dict
        return {}

    for _ in range(2):  # the second round is answered from what the first remembered
        bad = Matter(department=source.department, implementation_code="X2", name="", live=False)
        bad.name, bad.visits, bad.promised_limit = "名" * 300, 7, "5"
        twin = Matter(**{f.attname: getattr(bad, f.attname) for f in Matter._meta.concrete_fields})
        found = errors(bad, use_cleaner=True)
        assert found == errors(twin, use_cleaner=False)
        assert {"name", "visits"} <= set(found)
        assert bad.promised_limit == twin.promised_limit == 5  # the cleaned value is set, as Django sets it

    good = Matter(**{f.attname: getattr(source, f.attname) for f in Matter._meta.concrete_fields})
    assert errors(good, use_cleaner=True) == errors(source, use_cleaner=False) == {}
