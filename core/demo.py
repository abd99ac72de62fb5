"""The demo city, assembled from what each app registers (``<app>/demo.py``).

``manage.py load_demo`` imports every app's ``demo`` module (Django's ``autodiscover_modules``)
and runs the registered loaders in order inside one transaction, printing one line per loader
with what it made and how long it took. A loader must be idempotent: running ``load_demo`` again
changes nothing. Loaders share a ``DemoContext`` (the demo departments by key, the admin user).

An app may also register a *wrapper* (``register_wrapper``): a context manager entered around
all the loaders, for work better done once at the end than on every save (the site search
indexes each record once, when the loaders are done). What it yields, a dict of counts it may
fill in when it leaves, is printed with the time its leaving took, like a loader's line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import post_save

REASON = "演示数据"


@dataclass
class DemoContext:
    """What earlier loaders hand to later ones."""

    departments: dict[str, Any] = field(default_factory=dict)
    admin: Any = None
    users: list[Any] = field(default_factory=list)  # the demo's sign-in accounts (for their second factor)
    notes: list[str] = field(default_factory=list)  # printed after the summary (accounts, keys)
    extra: dict[str, Any] = field(default_factory=dict)


# A loader returns what it made, as Chinese labels and counts: {"部门": 30, "账号": 12}.
Loader = Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    label: str
    order: int
    load: Loader


_LOADERS: dict[str, DemoLoader] = {}


def register(name: str, label: str, *, order: int) -> Callable[[Loader], Loader]:
    """Register a demo loader; ``order`` puts it after what it builds on (departments first)."""

    def decorator(load: Loader) -> Loader:
        _LOADERS[name] = DemoLoader(name, label, order, load)
        return load

    return decorator


def loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))


# A wrapper yields a dict of Chinese labels and counts, filled in when it leaves.
Wrapper = Callable[[DemoContext], AbstractContextManager[dict[str, int]]]


@dataclass(frozen=True)
class DemoWrapper:
    name: str
    label: str
    wrap: Wrapper


_WRAPPERS: dict[str, DemoWrapper] = {}


def register_wrapper(name: str, label: str) -> Callable[[Wrapper], Wrapper]:
    """Register a context manager that ``load_demo`` enters around all the loaders."""

    def decorator(wrap: Wrapper) -> Wrapper:
        _WRAPPERS[name] = DemoWrapper(name, label, wrap)
        return wrap

    return decorator


def wrappers() -> list[DemoWrapper]:
    return sorted(_WRAPPERS.values(), key=lambda wrapper: wrapper.name)


@register_wrapper("references", "引用索引")
@contextmanager
def references_once(context: DemoContext) -> Iterator[dict[str, int]]:
    """Wagtail's reference index (where a document, page or snippet is used), brought up to
    date once per saved record when the loaders are done rather than on every save (a page is
    saved three times: created, revised, published). Deletions still update it at once."""
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import reference_index_auto_update_disabled, update_reference_index_on_save

    made: dict[str, int] = {}
    if getattr(reference_index_auto_update_disabled, "value", False):
        yield made  # switched off around load_demo (as some test suites do): nothing to bring up to date
        return
    pending: dict[type, set] = defaultdict(set)

    def collect(sender, instance, raw=False, **kwargs) -> None:
        if not raw:
            pending[type(instance)].add(instance.pk)

    models = list(ReferenceIndex.tracked_models)
    for model in models:
        post_save.disconnect(update_reference_index_on_save, sender=model)
        post_save.connect(collect, sender=model, dispatch_uid="demo-references")
    try:
        yield made
    finally:
        for model in models:
            post_save.disconnect(collect, sender=model, dispatch_uid="demo-references")
            post_save.connect(update_reference_index_on_save, sender=model)
    made["记录"] = update_references(pending)


def update_references(pending: dict[type, set]) -> int:
    """What ``wagtail.tasks.update_reference_index_task`` does for each saved record (an inline
    child stands for its parent), once per record."""
    from modelcluster.fields import ParentalKey
    from wagtail.models import ReferenceIndex

    records: dict[tuple[type, Any], Any] = {}
    for model, pks in pending.items():
        for instance in model._default_manager.filter(pk__in=list(pks)).iterator(chunk_size=500):
            while instance is not None:
                parental = [f for f in instance._meta.get_fields() if isinstance(f, ParentalKey)]
                if not parental:
                    break
                instance = getattr(instance, parental[0].name)
            if instance is not None and ReferenceIndex.is_indexed(instance._meta.model):
                records[(instance._meta.model, instance.pk)] = instance
    for instance in records.values():
        ReferenceIndex.create_or_update_for_object(instance)
    return len(records)


def publish_new(
    parent: Any,
    page: Any,
    user: Any = None,
    *,
    log_revision: bool = False,
    added: Callable[[Any], None] | None = None,
) -> Any:
    """Add ``page`` under ``parent`` and publish it, as ``parent.add_child(instance=page)``,
    ``page.save_revision(user=user, log_action=log_revision)`` and ``revision.publish(user=user)``
    leave it (the same revision, log entries and ``page_published`` / ``published`` signals), for
    a page no one has seen yet. ``added(page)`` runs between adding and revising (what the
    revision must carry, such as an index number). Returns the revision.

    Wagtail's publish rebuilds the page from the revision it was just given, validates it again
    and saves it a third time, and looks for scheduled revisions, aliases, comments and workflows
    a new page cannot have: half the cost of each of the demo's hundreds of pages. The page is
    validated once, when it is added; it must not be scheduled (``go_live_at`` in the future).
    """
    from django.utils import timezone
    from wagtail.log_actions import log
    from wagtail.models import Page
    from wagtail.signals import page_published, published

    if page.go_live_at and page.go_live_at > timezone.now():
        raise ValueError("publish_new() publishes at once: a scheduled page goes through revision.publish()")
    page.live = True
    parent.add_child(instance=page)
    if added is not None:
        added(page)
    revision = page.save_revision(user=user, log_action=log_revision, clean=False)
    now = timezone.now()
    page.has_unpublished_changes = False
    page.expired = False
    page.live_revision = revision
    page.last_published_at = now
    page.first_published_at = page.first_published_at or now
    Page.objects.filter(pk=page.pk).update(
        live=True,
        has_unpublished_changes=False,
        expired=False,
        live_revision=revision,
        last_published_at=page.last_published_at,
        first_published_at=page.first_published_at,
    )
    page_published.send(sender=page.specific_class, instance=page, revision=revision)
    published.send(sender=type(page), instance=page, revision=revision)
    log(instance=page, action="wagtail.publish", user=user, revision=revision, content_changed=True)
    return revision
