"""Keep the search index and the derived lists current.

Wagtail indexes a record when it is saved (``post_save``). A page whose keywords come from its
inline children (``search_keywords_from_children``) is saved before they are written, so it is
indexed again once published; a published matter's guides are indexed again (they carry its
name). State changes written with ``update()`` (suspend, cancel, imports) arrive as
``records_changed``. Any change to what is public, or to the words (synonyms, matter types,
terms), moves a vocabulary version (``sitesearch.vocabulary``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from core.signals import records_changed

from . import vocabulary


def reindex(objects) -> None:
    for obj in objects:
        index.insert_or_update_object(obj)


def _matter_dependants(matters) -> list:
    from guides.models import BundleGuidePage, GuidePage

    ids = [m.pk for m in matters]
    bundles = BundleGuidePage.objects.filter(members__matter__in=ids).distinct()
    return [*GuidePage.objects.filter(matter__in=ids), *bundles]


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
    from matters.models import Matter

    if isinstance(instance, Matter):
        reindex(_matter_dependants([instance]))  # the matter itself was indexed when it was saved
        vocabulary.changed(vocabulary.CONTENT)


def on_records_changed(sender, pks, **kwargs) -> None:
    from matters.models import Matter

    if sender is not Matter:
        return

    def update() -> None:
        matters = list(Matter.objects.filter(pk__in=pks))
        reindex([*matters, *_matter_dependants(matters)])
        vocabulary.changed(vocabulary.CONTENT)

    transaction.on_commit(update)


def connect() -> None:
    from matters.models import Matter, MatterType, Term

    from .models import Synonym

    page_published.connect(on_page_published, dispatch_uid="sitesearch-page-published")
    page_unpublished.connect(on_public_change, dispatch_uid="sitesearch-page-unpublished")
    post_page_move.connect(on_public_change, dispatch_uid="sitesearch-page-moved")
    post_delete.connect(on_public_change, sender=Page, dispatch_uid="sitesearch-page-deleted")
    post_save.connect(on_public_change, sender=PageViewRestriction, dispatch_uid="sitesearch-restriction-saved")
    post_delete.connect(on_public_change, sender=PageViewRestriction, dispatch_uid="sitesearch-restriction-deleted")
    published.connect(on_snippet_published, dispatch_uid="sitesearch-published")
    unpublished.connect(on_public_change, sender=Matter, dispatch_uid="sitesearch-unpublished")
    post_delete.connect(on_public_change, sender=Matter, dispatch_uid="sitesearch-matter-deleted")
    records_changed.connect(on_records_changed, dispatch_uid="sitesearch-records-changed")
    for model in (Synonym, MatterType, Term):
        label = model._meta.label_lower
        post_save.connect(on_words_change, sender=model, dispatch_uid=f"sitesearch-saved-{label}")
        post_delete.connect(on_words_change, sender=model, dispatch_uid=f"sitesearch-deleted-{label}")
