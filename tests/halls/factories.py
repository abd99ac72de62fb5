"""Halls, their windows and notices.

- ``HallFactory(department=dept)``: a city-level hall with an address, hours and a phone; traits
  ``county=True``, ``town=True``, ``inactive=True`` (no longer shown or served).
- ``WindowFactory(hall=hall)``: an open departmental window; ``matters=[...]`` and
  ``departments=[...]`` what it handles; traits ``comprehensive=True`` (综合窗口) and
  ``closed=True`` (paused, with the reason shown to the public).
- ``NoticeFactory(department=dept, halls=[...])``: an info notice shown since yesterday with no
  end; ``starts_days_ago=`` and ``days_left=`` (None: no end; negative: expired) place it in time;
  traits ``important=True``, ``urgent=True``, ``expired=True``, ``future=True`` (from next
  month), ``withdrawn=True`` (taken down).
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from halls.models import Hall, HallLevel, Notice, NoticeLevel, Window, WindowKind
from tests.helpers import many_to_many

from ..permissions.factories import DepartmentFactory


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"hall-{n}")
    name = factory.LazyAttribute(lambda hall: f"{hall.code}大厅")
    level = HallLevel.CITY
    address = "示范市人民大道1号"
    hours = "工作日 9:00-17:00"
    phone = "0999-1234567"

    class Params:
        county = factory.Trait(level=HallLevel.COUNTY)
        town = factory.Trait(level=HallLevel.TOWN)
        inactive = factory.Trait(is_active=False)


class WindowFactory(factory.django.DjangoModelFactory):
    """The window's department is always its hall's (``Window.save``)."""

    class Meta:
        model = Window
        skip_postgeneration_save = True

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: f"W{n:02d}")
    name = "窗口"

    class Params:
        comprehensive = factory.Trait(kind=WindowKind.COMPREHENSIVE)
        closed = factory.Trait(is_open=False, closed_reason="系统升级，暂停服务半天")

    matters = many_to_many("matters")
    departments = many_to_many("departments")


def _days_from_now(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"公告{n}")
    text = factory.LazyAttribute(lambda notice: f"{notice.title}的内容。")
    starts_at = factory.LazyAttribute(lambda notice: _days_from_now(-notice.starts_days_ago))
    ends_at = factory.LazyAttribute(
        lambda notice: None if notice.days_left is None else _days_from_now(notice.days_left)
    )

    class Params:
        starts_days_ago = 1
        days_left = None
        important = factory.Trait(level=NoticeLevel.IMPORTANT)
        urgent = factory.Trait(level=NoticeLevel.URGENT)
        expired = factory.Trait(starts_days_ago=5, days_left=-1)
        future = factory.Trait(starts_days_ago=-30, days_left=40)
        withdrawn = factory.Trait(is_active=False)

    halls = many_to_many("halls")
