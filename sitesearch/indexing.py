"""How records put their segmented keywords into Wagtail's search index.

A model mixes in ``SearchKeywordsMixin``, says which of its texts are its title, its other
names and its body (``search_keyword_parts``), and lists ``keywords_field()`` in its
``search_fields``. Every backend then indexes the same space-separated tokens; on
Elasticsearch/OpenSearch the field is analysed by whitespace so the tokens stay whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.utils.html import strip_tags
from wagtail.search import index

from .analysis import index_text

KEYWORDS_FIELD = "search_keywords"


@dataclass
class KeywordParts:
    """``title`` and ``names`` are findable by words, pinyin and initials; ``body`` by words."""

    title: str
    names: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


def keywords_field() -> index.SearchField:
    return index.SearchField(KEYWORDS_FIELD, es_extra={"analyzer": "whitespace", "search_analyzer": "whitespace"})


def plain_text(html: str) -> str:
    """Rich text as plain words for the index."""
    return " ".join(strip_tags(html or "").split())


class SearchKeywordsMixin(models.Model):
    """Gives a model the ``search_keywords()`` value Wagtail indexes (see the module docstring).

    An abstract model (no fields) rather than a plain mixin: Elasticsearch mappings name a field
    after the model class that defines it, which must therefore have ``_meta``.
    """

    # True when search_keyword_parts() reads inline children, which are written after the page.
    search_keywords_from_children = False

    class Meta:
        abstract = True

    def search_keyword_parts(self) -> KeywordParts:
        return KeywordParts(title=getattr(self, "title", "") or str(self))

    def search_keywords(self) -> str:
        from .vocabulary import sync_domain_words

        dictionary = sync_domain_words()  # segment with the same dictionary as the queries
        parts = self.search_keyword_parts()
        names = tuple(n for n in parts.names if n)
        body = tuple(b for b in parts.body if b)
        return _keywords(dictionary, parts.title, names, body)


@lru_cache(maxsize=1024)
def _keywords(dictionary: str | None, title: str, names: tuple[str, ...], body: tuple[str, ...]) -> str:
    """``index_text`` remembered per dictionary version: a backend reads a record's keywords once
    for each of its index fields (title, body, autocomplete), and a page saved three times in a
    row has the same words each time."""
    return index_text(title, keywords=names, body=body)
