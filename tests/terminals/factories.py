"""Terminals, their keys, and the feeds staff define.

- ``TerminalFactory(department=dept)``: an active self-service kiosk; ``scopes=[...]`` scope
  values (``api.scopes``); its service user is kept in step as the admin does
  (``terminals.service.sync_service_user``). Traits: ``with_key=True`` issues one key and leaves
  it in clear on ``terminal.api_key`` (or ``key="name"`` to name it); ``department_system=True``
  a department's own system that may read the department's drafts and write its matters;
  ``inactive=True``.
- ``FeedFactory(department=dept)``: an active, public feed of matters; ``departments=[...]``,
  ``halls=[...]``, ``terms=[...]``, ``matter_types=[...]``, ``classifications=[...]`` its
  filters (``requires_key=True`` is a field); trait ``inactive=True``.
"""

from __future__ import annotations

import factory

from api.scopes import READ_DRAFTS
from matters.api import WRITE_MATTERS
from terminals.models import Feed, FeedSource, Terminal, TerminalKind
from terminals.service import issue_key, sync_service_user
from tests.helpers import many_to_many

from ..permissions.factories import DepartmentFactory


class TerminalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Terminal
        skip_postgeneration_save = True

    name = "测试终端"
    kind = TerminalKind.KIOSK
    department = factory.SubFactory(DepartmentFactory)
    scopes = factory.LazyFunction(list)

    class Params:
        # A trait cannot replace a post-generation declaration; it passes it a keyword instead.
        with_key = factory.Trait(key__issue=True)
        department_system = factory.Trait(
            kind=TerminalKind.DEPARTMENT_SYSTEM, scopes=[WRITE_MATTERS.value, READ_DRAFTS.value]
        )
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def service_user_in_step(obj, create, extracted, **kwargs):
        if create:
            sync_service_user(obj)
            obj.refresh_from_db()

    @factory.post_generation
    def key(obj, create, extracted, issue=False, **kwargs):
        """``key="name"`` (or the ``with_key`` trait: "测试密钥") issues a key, kept in ``obj.api_key``."""
        if create and (extracted or issue):
            obj.api_key = issue_key(obj, extracted or "测试密钥")


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    slug = factory.Sequence(lambda n: f"feed-{n}")
    title = factory.LazyAttribute(lambda feed: f"{feed.slug}订阅")
    source = FeedSource.MATTERS

    class Params:
        inactive = factory.Trait(is_active=False)

    departments = many_to_many("departments")
    halls = many_to_many("halls")
    terms = many_to_many("terms")
    matter_types = many_to_many("matter_types")
    classifications = many_to_many("classifications")


def key_header(terminal: Terminal) -> dict:
    """The request header of a terminal's key (issued by ``TerminalFactory(with_key=True)``)."""
    return {"HTTP_AUTHORIZATION": f"Api-Key {terminal.api_key}"}
