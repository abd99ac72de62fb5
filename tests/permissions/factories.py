"""Departments, users and memberships.

- ``DepartmentFactory()``: a city department with a unique name, slug and credit code; traits
  ``county=True``, ``town=True`` (with ``parent=``), ``inactive=True``.
- ``UserFactory()``: an account with the password ``PASSWORD``; ``owner_of=dept`` and
  ``reviewer_of=dept`` (a department or a list) make it a member of the department in that role;
  traits ``disclosure_editor=True``, ``system_administrator=True`` (the global roles' groups, not
  superuser) and ``superuser=True`` (staff and superuser).
- ``MembershipFactory()``: an owner membership of a new user in a new department; trait
  ``reviewer=True``.
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from permissions.demo_data import credit_code
from permissions.models import Department, DepartmentLevel, Membership
from permissions.roles import GLOBAL_ROLES, Role

PASSWORD = "Correct-Horse-42"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    slug = factory.Sequence(lambda n: f"dept{n}")
    credit_code = factory.Sequence(lambda n: credit_code("11", "990100", f"{50000000 + n:08d}"))
    level = DepartmentLevel.CITY
    sort_order = factory.Sequence(lambda n: n)

    class Params:
        county = factory.Trait(level=DepartmentLevel.COUNTY)
        town = factory.Trait(level=DepartmentLevel.TOWN)
        inactive = factory.Trait(is_active=False)


def _departments(extracted) -> list[Department]:
    if extracted is None:
        return []
    return list(extracted) if isinstance(extracted, list | tuple) else [extracted]


def _join(user, departments, role: str) -> None:
    for department in _departments(departments):
        Membership.objects.create(user=user, department=department, role=role)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.django.Password(PASSWORD)

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)
        # A trait cannot replace a post-generation declaration; it passes it a keyword instead.
        disclosure_editor = factory.Trait(global_roles__disclosure_editor=True)
        system_administrator = factory.Trait(global_roles__sysadmin=True)
        auditor = factory.Trait(global_roles__auditor=True)
        supervisor = factory.Trait(global_roles__supervisor=True)
        window_staff = factory.Trait(global_roles__window_staff=True)

    @factory.post_generation
    def owner_of(obj, create, extracted, **kwargs):
        if create:
            _join(obj, extracted, Role.OWNER)

    @factory.post_generation
    def reviewer_of(obj, create, extracted, **kwargs):
        if create:
            _join(obj, extracted, Role.REVIEWER)

    @factory.post_generation
    def global_roles(obj, create, extracted, **by_key):
        """The groups of cross-department roles: ``global_roles=[DISCLOSURE_EDITOR]``, or by key
        (``global_roles__sysadmin=True``, what the traits pass)."""
        if not create:
            return
        roles = [*(extracted or ()), *(role for role in GLOBAL_ROLES if by_key.get(role.key))]
        for role in roles:
            obj.groups.add(Group.objects.get(name=role.name))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Role.OWNER

    class Params:
        reviewer = factory.Trait(role=Role.REVIEWER)
