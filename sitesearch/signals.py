"""Keep the search index and the derived lists current.

Wagtail indexes a record when it is saved (``post_save``). A page whose keywords come from its
inline children (``search_keywords_from_children``) is saved before they are written, so it is
indexed again once published; records that carry the text of a published record (a guide its
matter's name: ``SearchKind.carries``) are indexed again. State changes written with
``update()`` (suspend, cancel, imports) arrive as ``records_changed``. Any change to what is
public, or to the words (synonyms, the kinds' ``word_models``), moves a vocabulary version
(``sitesearch.vocabulary``). Which models count comes from ``sitesearch.registry``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from core.signals import records_changed

from . import registry, vocabulary


def reindex(objects) -> None:
    for obj in objects:
        index.insert_or_update_object(obj)


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
        reindex(registry.carriers([instance]))  # the record itself was indexed when it was saved
        vocabulary.changed(vocabulary.CONTENT)


def on_records_changed(sender, pks, **kwargs) -> None:
    if sender not in registry.record_models():
        return

    def update() -> None:
        records = list(sender._default_manager.filter(pk__in=pks))
        reindex([*records, *registry.carriers(records)])
        vocabulary.changed(vocabulary.CONTENT)

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
