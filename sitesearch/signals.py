"""Keep the search index and the derived lists current.

Wagtail indexes a record when it is saved (``post_save``). A page whose keywords come from its
inline children (``search_keywords_from_children``) is saved before they are written, so it is
indexed again once published; records that carry the text of a published record (a guide its
matter's name: ``SearchKind.carries``) are indexed again. State changes written with
``update()`` (suspend, cancel, imports) arrive as ``records_changed``. Any change to what is
public, or to the words (synonyms, the kinds' ``word_models``), moves a vocabulary version
(``sitesearch.vocabulary``). Which models count comes from ``sitesearch.registry``.

``indexing_deferred()`` turns "index on every save" into "index each record once, at the end",
for bulk work such as ``load_demo`` (a page is saved three times when it is created, revised and
published; the database backend also recomputes its title norms on every write).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.search.backends import get_search_backends_with_name
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from core.signals import records_changed

from . import registry, vocabulary

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class DeferredIndexing:
    """Records saved or reindexed while indexing is deferred, by model; ``indexed`` when done."""

    pending: dict[type, set] = field(default_factory=lambda: defaultdict(set))
    indexed: int = 0

    def add(self, obj) -> None:
        self.pending[type(obj)].add(obj.pk)

    def add_keys(self, model: type, pks) -> None:
        self.pending[model].update(pks)


_deferred: DeferredIndexing | None = None


@task()  # labelled 更新搜索索引 and retried by jobs: the site names it there (cms/apps.py)
def index_records(app_label: str, model_name: str, pks: list) -> int:
    """Index these records as saving each would (a task: in the worker under TASKS_BACKEND=database)."""
    model = apps.get_model(app_label, model_name)
    return index_now({model: set(pks)})


def reindex(objects) -> None:
    """Index these records again: collected while indexing is deferred, else one task per model.

    The task is enqueued inside the caller's transaction: the database queue's row commits with it
    (the worker never indexes what a rollback undid), and the inline default runs it at once.
    """
    by_model: dict[type, list] = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj.pk)
    for model, pks in by_model.items():
        reindex_keys(model, pks)


def reindex_keys(model: type, pks) -> None:
    """``reindex`` by primary key: the records are read once, by the indexing itself."""
    if _deferred is not None:
        _deferred.add_keys(model, pks)
        return
    if pks:
        index_records.enqueue(model._meta.app_label, model._meta.model_name, [str(pk) for pk in dict.fromkeys(pks)])


def _collect_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw and _deferred is not None:
        _deferred.add(instance)


def _auto_updated_models() -> list[type]:
    """The models Wagtail indexes on save (``modelsearch.signal_handlers``)."""
    return [model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)]


@contextmanager
def indexing_deferred() -> Iterator[DeferredIndexing]:
    """Inside, saved records are not indexed on each save but collected; on leaving without an
    error each is indexed once, in its final state, in bulk per model, with the dictionary
    the queries use then. Deletions still leave the index at once. Nested use is one block.
    It is process-wide (Django's signals are): for commands such as ``load_demo``, not requests."""
    global _deferred
    if _deferred is not None:
        yield _deferred
        return
    models = _auto_updated_models()
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(_collect_saved, sender=model, dispatch_uid=f"sitesearch-deferred-{model._meta.label_lower}")
    deferred = _deferred = DeferredIndexing()
    try:
        yield deferred
    finally:
        _deferred = None
        for model in models:
            post_save.disconnect(
                _collect_saved, sender=model, dispatch_uid=f"sitesearch-deferred-{model._meta.label_lower}"
            )
            post_save.connect(post_save_signal_handler, sender=model)
    deferred.indexed = index_now(deferred.pending)


def index_now(pending: dict[type, set]) -> int:
    """Index these records (model → primary keys) as saving each would, in bulk; returns how many."""
    backends = list(get_search_backends_with_name(with_auto_update=True))
    if not backends:
        return 0  # indexing is switched off (``AUTO_UPDATE: False``)
    objects: dict[tuple[type, object], object] = {}
    for model, pks in pending.items():
        pks = list(pks)
        for start in range(0, len(pks), CHUNK):
            for obj in model.get_indexed_objects().filter(pk__in=pks[start : start + CHUNK]):
                instance = obj.get_indexed_instance()  # a page's specific page
                if instance is not None:
                    objects[(type(instance), instance.pk)] = instance
    by_model: dict[type, list] = defaultdict(list)
    for (model, _pk), instance in objects.items():
        by_model[model].append(instance)
    with vocabulary.words_pinned():
        for name, backend in backends:
            for model, instances in by_model.items():
                for start in range(0, len(instances), CHUNK):
                    try:
                        backend.add_bulk(model, instances[start : start + CHUNK])
                    except Exception:
                        logger.exception("Indexing %s in the %r search backend failed", model._meta.label, name)
                        if not backend.catch_indexing_errors:
                            raise
    return len(objects)


def on_page_published(sender, instance, **kwargs) -> None:
    page = instance.specific
    if getattr(page, "search_keywords_from_children", False):
        reindex([page])  # saved before its children were: index it again now they are written
    vocabulary.changed(vocabulary.CONTENT)


def on_public_change(sender, **kwargs) -> None:
    vocabulary.changed(vocabulary.CONTENT)


def on_words_change(sender, **kwargs) -> None:
    vocabulary.changed(vocabulary.WORDS)


def on_snippet_published(sender, instance, **kwargs) -> None:
    if isinstance(instance, registry.record_models()):
        reindex(registry.carriers(type(instance), [instance.pk]))  # the record itself was indexed when saved
        vocabulary.changed(vocabulary.CONTENT)


def on_records_changed(sender, pks, **kwargs) -> None:
    if sender not in registry.record_models():
        return

    def update() -> None:
        reindex_keys(sender, pks)
        reindex(registry.carriers(sender, pks))
        vocabulary.changed(vocabulary.CONTENT)

    if _deferred is not None:
        update()  # collected now, indexed when the deferring block ends
    else:
        transaction.on_commit(update)


def connect() -> None:
    """Connect the handlers; after the kinds are registered (``SiteSearchConfig.ready``)."""
    from .models import Synonym

    page_published.connect(on_page_published, dispatch_uid="sitesearch-page-published")
    page_unpublished.connect(on_public_change, dispatch_uid="sitesearch-page-unpublished")
    post_page_move.connect(on_public_change, dispatch_uid="sitesearch-page-moved")
    post_delete.connect(on_public_change, sender=Page, dispatch_uid="sitesearch-page-deleted")
    post_save.connect(on_public_change, sender=PageViewRestriction, dispatch_uid="sitesearch-restriction-saved")
    post_delete.connect(on_public_change, sender=PageViewRestriction, dispatch_uid="sitesearch-restriction-deleted")
    published.connect(on_snippet_published, dispatch_uid="sitesearch-published")
    records_changed.connect(on_records_changed, dispatch_uid="sitesearch-records-changed")
    for model in registry.record_models():
        label = model._meta.label_lower
        unpublished.connect(on_public_change, sender=model, dispatch_uid=f"sitesearch-record-unpublished-{label}")
        post_delete.connect(on_public_change, sender=model, dispatch_uid=f"sitesearch-record-deleted-{label}")
    for model in (Synonym, *registry.word_models()):
        label = model._meta.label_lower
        post_save.connect(on_words_change, sender=model, dispatch_uid=f"sitesearch-words-saved-{label}")
        post_delete.connect(on_words_change, sender=model, dispatch_uid=f"sitesearch-words-deleted-{label}")
