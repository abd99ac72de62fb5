"""Matters, saved as the admin saves them (a row and a revision).

``MatterFactory()`` is a complete, standards-compliant 承诺件 for natural persons, published (so
in force): 20 statutory / 10 promised working days, one visit, depth Ⅲ, one legal basis, two
materials and two steps. Override fields to break a rule on purpose. Traits:

- ``draft=True``: saved as a revision, never published (status 草稿); ``published=False`` too;
- ``suspended=True`` / ``cancelled=True``: published, then suspended or cancelled as a system
  decision (logged like the planned cancellation, without a user);
- ``immediate=True``: a 即办件 (promised limit 0, no visit);
- ``with_children=False`` (a keyword, not a trait): no legal basis, materials, steps or themes.

``term(vocabulary, key)`` fetches a shipped term (by ``name=`` for themes, which have no keys).
"""

from __future__ import annotations

import factory

from matters import lifecycle
from matters.models import LegalBasis, Material, Matter, MatterType, ProcessStep, Term

from ..permissions.factories import DepartmentFactory


def term(vocabulary: str, key: str = "", name: str = "") -> Term:
    """A shipped term by key (or by name for themes, which have no keys)."""
    lookup = {"key": key} if key else {"name": name}
    return Term.objects.get(vocabulary=vocabulary, **lookup)


MATTER_M2M_FIELDS = ("service_objects", "natural_themes", "legal_themes", "exercise_levels", "handling_forms")


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    implementation_code = factory.LazyAttributeSequence(lambda m, n: f"{m.department.credit_code}01{n:04d}")
    basic_code = factory.Sequence(lambda n: f"00011{n:07d}")
    matter_type = factory.LazyFunction(lambda: MatterType.objects.get(code="01"))
    handling_type = factory.LazyFunction(lambda: term("handling_type", "promised"))
    online_depth = factory.LazyFunction(lambda: term("online_depth", "depth_3"))
    statutory_limit = 20
    promised_limit = 10
    visits = 1
    visit_reason = "须现场核验原件"
    acceptance_conditions = "申请人具有完全民事行为能力。"
    consultation = "0999-12345"
    complaint = "12345 政务服务便民热线"
    live = False

    class Params:
        draft = factory.Trait(published__draft=True)
        suspended = factory.Trait(published__then="suspend")
        cancelled = factory.Trait(published__then="cancel")
        immediate = factory.Trait(
            handling_type=factory.LazyFunction(lambda: term("handling_type", "immediate")),
            promised_limit=0,
            visits=0,
            visit_reason="",
        )

    @classmethod
    def _create(cls, model_class, *args, with_children=True, **kwargs):
        m2m = {name: kwargs.pop(name) for name in MATTER_M2M_FIELDS if name in kwargs}
        matter = model_class(*args, **kwargs)
        if with_children:
            matter.legal_bases = [LegalBasis(law_name="《中华人民共和国行政许可法》", article="第十二条")]
            matter.materials = [
                Material(name="申请表", source="applicant"),
                Material(name="居民身份证", material_type="original", source="government", source_note="公安机关"),
            ]
            matter.steps = [ProcessStep(name="受理", time_limit=1), ProcessStep(name="审查与决定", time_limit=9)]
            m2m.setdefault("service_objects", [term("service_object", "natural_person")])
            m2m.setdefault("natural_themes", [term("natural_theme", name="准营准办")])
        for name, values in m2m.items():
            getattr(matter, name).set(values)
        matter.save()
        return matter

    @factory.post_generation
    def published(obj, create, extracted, draft=False, then=None, **kwargs):
        """A revision, published unless ``published=False`` (or the draft trait); then the
        lifecycle action ``then`` ("suspend", "cancel") if a trait asked for one."""
        if not create:
            return
        revision = obj.save_revision()
        if draft or extracted is False:
            return
        revision.publish()
        obj.refresh_from_db()
        if then:
            lifecycle.change_state(obj, None, then, "测试", system=True)
            obj.refresh_from_db()
