"""factory-boy factories shared by the test suites."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from cms.demo_data import credit_code
from matters.models import Matter, MatterType
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


class MatterFactory(factory.django.DjangoModelFactory):
    """A matter saved the way the admin saves one: a row plus a revision, optionally published."""

    class Meta:
        model = Matter
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    implementation_code = factory.LazyAttributeSequence(lambda m, n: f"{m.department.credit_code}01{n:04d}")
    matter_type = factory.LazyFunction(lambda: MatterType.objects.get(code="01"))
    live = False

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if not create:
            return
        revision = obj.save_revision()
        if extracted is None or extracted:
            revision.publish()
            obj.refresh_from_db()
