"""factory-boy factories shared by the test suites."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from matters.models import LegalBasis, Material, Matter, MatterType, ProcessStep, Term
from permissions.demo_data import credit_code
from permissions.models import Department, Membership


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    slug = factory.Sequence(lambda n: f"dept{n}")
    credit_code = factory.Sequence(lambda n: credit_code("11", "990100", f"{50000000 + n:08d}"))
    level = "city"
    sort_order = factory.Sequence(lambda n: n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = "owner"


def term(vocabulary: str, key: str = "", name: str = "") -> Term:
    """A shipped term by key (or by name for themes, which have no keys)."""
    lookup = {"key": key} if key else {"name": name}
    return Term.objects.get(vocabulary=vocabulary, **lookup)


MATTER_M2M_FIELDS = ("service_objects", "natural_themes", "legal_themes", "exercise_levels", "handling_forms")


class MatterFactory(factory.django.DjangoModelFactory):
    """A complete, standards-compliant matter saved as the admin saves one: a row plus a
    revision, published unless ``published=False``.

    A 承诺件 for natural persons: 20 statutory / 10 promised working days, one visit, depth Ⅲ,
    one legal basis, two materials and two steps. Override fields to break a rule on purpose.
    """

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
    def published(obj, create, extracted, **kwargs):
        if not create:
            return
        revision = obj.save_revision()
        if extracted is None or extracted:
            revision.publish()
            obj.refresh_from_db()
