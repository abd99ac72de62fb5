"""How records put their segmented keywords into Wagtail's search index.

A model mixes in ``SearchKeywordsMixin``, says which of its texts are its title, its other
names and its body (``search_keyword_parts``), and lists ``keywords_field()`` in its
``search_fields``. Every backend then indexes the same space-separated tokens; on
Elasticsearch/OpenSearch the field is analysed by whitespace so the tokens stay whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

        sync_domain_words()  # segment with the same dictionary as the queries
        parts = self.search_keyword_parts()
        return index_text(parts.title, keywords=[n for n in parts.names if n], body=[b for b in parts.body if b])
