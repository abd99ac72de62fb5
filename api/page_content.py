"""Small helpers the read API's page resources share (guides, bundles, disclosure documents).

- ``Batch``: what a resource's ``optimise`` returns when its records refer to things a queryset
  cannot prefetch (images, documents and pages named inside StreamField or rich text). The
  records are read, then ``load`` runs once over all of them, so a page of 50 records costs the
  same number of queries as a page of 2.
- ``expand_rich_text``: Wagtail's rich text (``<a linktype="page">``, ``<embed embedtype="image">``)
  expanded to public HTML for many values at once: Wagtail looks links up in bulk per call, so
  one call for the whole batch is one query per kind of link, whatever the number of records.
- ``one_of``: a string field documented as exactly one value (the ``type`` of a block), so that
  each block schema of a ``oneOf`` matches only its own blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urljoin

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

_SEPARATOR = "\x1e"  # ASCII record separator: never part of stored rich text


class Batch:
    """The records of ``queryset``, with ``load(records)`` run once before they are handed out.

    ``api.resources.Resource.render`` only iterates what ``optimise`` returns.
    """

    def __init__(self, queryset, load: Callable[[list], None]) -> None:
        self.queryset = queryset
        self.load = load

    def __iter__(self) -> Iterator:
        records = list(self.queryset)
        if records:
            self.load(records)
        return iter(records)


def expand_rich_text(values: Iterable[str]) -> dict[str, str]:
    """Stored rich text → public HTML, for many values in one pass ({stored: expanded})."""
    distinct = sorted({v for v in values if v})
    if not distinct:
        return {}
    if not any(_SEPARATOR in v for v in distinct):
        parts = expand_db_html(_SEPARATOR.join(distinct)).split(_SEPARATOR)
        if len(parts) == len(distinct):
            return dict(zip(distinct, parts, strict=True))
    return {v: expand_db_html(v) for v in distinct}


def page_url(page, request) -> str:
    """A page's full public URL, worked out once per record however many fields use it."""
    cached = getattr(page, "_api_url", None)
    if cached is None:
        cached = page._api_url = page.get_full_url(request) or ""
    return cached


def absolute(base: str | None, url: str | None) -> str | None:
    """``url`` made absolute against ``base`` (a page's full URL); absolute URLs stay as they are."""
    if not url:
        return None
    return urljoin(base, url) if base else url


def one_of(value: str, help_text: str) -> serializers.CharField:
    """A string field documented as the single value ``value`` (a discriminator)."""
    field_class = extend_schema_field({"type": "string", "enum": [value]})(
        type(f"{value.title().replace('_', '')}TypeField", (serializers.CharField,), {})
    )
    return field_class(help_text=help_text)
