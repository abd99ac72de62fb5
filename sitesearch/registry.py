"""The kinds of record the site search covers, registered by the apps that own them.

sitesearch is a framework app: it knows no domain. An app with searchable records describes
them as a ``SearchKind`` in its ``search.py`` and calls ``register``; ``SiteSearchConfig.ready``
imports every installed app's ``search`` module (``autodiscover_modules``, as the Django admin
finds ``admin.py``), much like Wagtail's ``register_snippet`` and ``register_setting``. The
engine, the "did you mean" vocabulary, the index check and the signals that keep the index
current read everything they need from here. docs/search.md has an example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from .analysis import QueryPlan
    from .engine import Group, Hit, Ranked, Scope


def _nothing() -> list[Any]:
    return []


@dataclass(frozen=True)
class Companion:
    """A kind's records shown as a second link on another kind's entries (a guide on its matter's).

    - ``host``: the key of the kind whose entries carry the link (``"matter"``);
    - ``label``: the link's text (``"办事指南"``);
    - ``host_key(record)``: the host record's primary key a record of this kind belongs to, or
      None if it stands on its own (a “一件事” bundle has no one matter). A record whose host
      is among the host kind's results is not listed again in its own kind;
    - ``urls(host_pks, request)``: host primary key → URL of its public record of this kind, for
      the host records shown (one query for a page of entries, found by the search or not).
    """

    host: str
    label: str
    host_key: Callable[[Any], Any]
    urls: Callable[[Sequence[Any], HttpRequest | None], Mapping[Any, str]]


@dataclass(frozen=True)
class SearchKind:
    """One group of results on the search page (事项, 办事指南 …) and what keeps it current.

    - ``search(plan, scope)``: the ranked candidates, as a ``Group`` with this ``key``; only public
      records, and only ``scope.department``'s when one is given.
    - ``hits(ranked, plan, request)``: the shown candidates as ``Hit`` objects (url, meta, snippet).
    - ``titles()``: the public titles, for the "did you mean" vocabulary.
    - ``by_department``: False if the records have no department (the kind is left out when the
      visitor filters by one).
    - ``page_models``: page models this kind searches, so the generic page kind leaves them out.
    - ``record_models``: the kind's non-page records (snippets): publishing, unpublishing and
      deleting them, and ``core.signals.records_changed`` sent for them, change what is public.
      Pages need nothing: page signals are handled for every page.
    - ``carries``: a record model of another kind → a function giving this kind's records that
      include text of the records with the given primary keys (a guide carries its matter's
      name); those are indexed again when such records are published or changed. Keys, not
      records: an import changing ten thousand matters loads none of them to find their guides.
    - ``words()`` and ``word_models``: domain words jieba must keep whole (matter type names …),
      and the models whose saves and deletes change them.
    - ``index_sample()``: a public record (with ``SearchKeywordsMixin``) that must be findable by
      its own first keyword when the index is complete (``sitesearch.demo.ensure_index``).
    - ``group_key(record)``: records with the same key (not None or empty) are copies of one
      thing kept at several levels (a matter's 基本编码 in the city's and each district's
      catalog): the search page shows them as one entry, the best-ranked copy's title, then each
      copy's 区划 linking to it; paging and counts count entries.
    - ``owner(record)``: the primary key of the record's owner department, which names a copy's
      区划 (“市级”, “东湖区”); needed with ``group_key``.
    - ``link_label``: the text of an entry's own link when a companion adds another (“事项详情”).
    - ``companion``: this kind's records are shown on another kind's entries (``Companion``).

    The visitor's 区划 (``permissions.regions``) is applied by ``search`` through
    ``scope.owned``/``scope.sections`` like a department filter; kinds with ``by_department``
    False are not filtered by it.
    """

    key: str
    label: str
    order: int
    search: Callable[[QueryPlan, Scope], Group]
    hits: Callable[[list[Ranked], QueryPlan, HttpRequest | None], list[Hit]]
    titles: Callable[[], Iterable[str]] = _nothing
    by_department: bool = True
    page_models: tuple[type[Model], ...] = ()
    record_models: tuple[type[Model], ...] = ()
    carries: Mapping[type[Model], Callable[[Sequence[Any]], Iterable[Model]]] = field(default_factory=dict)
    words: Callable[[], Iterable[str]] = _nothing
    word_models: tuple[type[Model], ...] = ()
    index_sample: Callable[[], Model | None] | None = None
    group_key: Callable[[Any], Any] | None = None
    owner: Callable[[Any], Any] | None = None
    link_label: str = ""
    companion: Companion | None = None

    def __post_init__(self) -> None:
        if self.group_key is not None and self.owner is None:
            raise ImproperlyConfigured(f"The search kind {self.key!r} groups copies: give it an owner.")


_kinds: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    """Add ``kind`` to the search (from ``<app>/search.py``); a key can be registered only once."""
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"The search kind {kind.key!r} is already registered.")
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[SearchKind]:
    """Every registered kind, in the order the search page shows them."""
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def get(key: str) -> SearchKind:
    """The kind registered as ``key`` (``LookupError`` if there is none)."""
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"No search kind {key!r} is registered.") from None


def labels() -> dict[str, str]:
    """Key → label of every kind, in order (``engine.KIND_LABELS``)."""
    return {kind.key: kind.label for kind in kinds()}


def page_models() -> tuple[type[Model], ...]:
    """Page models some kind searches on its own."""
    return tuple(model for kind in kinds() for model in kind.page_models)


def record_models() -> tuple[type[Model], ...]:
    """Non-page models some kind searches: their changes move what is public."""
    return tuple(model for kind in kinds() for model in kind.record_models)


def word_models() -> tuple[type[Model], ...]:
    """Models whose saves and deletes change the domain words."""
    return tuple(model for kind in kinds() for model in kind.word_models)


def domain_words() -> list[str]:
    """The domain words of every kind, for jieba's dictionary."""
    return [word for kind in kinds() for word in kind.words()]


def companions_of(host: str) -> list[SearchKind]:
    """The kinds whose records show as companion links on ``host``'s entries."""
    return [kind for kind in kinds() if kind.companion is not None and kind.companion.host == host]


def carriers(model: type, pks: Sequence[Any]) -> list[Any]:
    """Records of any kind that include text of ``model``'s records with these primary keys: to
    index again when these change."""
    found: list[Any] = []
    for kind in kinds():
        for carried, carried_by in kind.carries.items():
            if pks and issubclass(model, carried):
                found += carried_by(pks)
    return found
