"""One search over every registered kind: matters, guides, disclosure documents, portal pages …

The kinds are registered by the apps that own them (``sitesearch.registry``, ``<app>/search.py``);
this module has what they share. Per kind: the backend (Wagtail's configured search backend)
finds candidates for the analysed query, any of its terms matching; then a small, transparent
score re-ranks them in Python:

    100  the title is the query                      80  the title contains the query
     70  the title contains a synonym of the query   60  the title contains every query word
     50  the title matches the query's pinyin        45  … its pinyin initials
  20-40  the title contains some of the query words  10  only the indexed keywords match

plus up to 9.9 for how close the title is to the query (difflib), ties broken by the shorter
title, the backend's order and the primary key. Only public records are searched: matters that
are published and in force, live pages outside private sections.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Or, PlainText, SearchQuery

from permissions.models import Department

from . import analysis, levels, registry, vocabulary
from .analysis import QueryPlan

CANDIDATES = 300  # per kind, by the backend's own relevance, before re-ranking
SNIPPET_LENGTH = 90


def __getattr__(name: str) -> Any:
    """``KIND_LABELS`` (key → label) and ``KINDS`` (keys), in order, read from the registry.

    Computed when asked because the kinds register while the apps start, after this module may
    have been imported.
    """
    if name == "KIND_LABELS":
        return registry.labels()
    if name == "KINDS":
        return tuple(registry.labels())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- the score --------------------------------------------------------------------------------


@dataclass
class TitleMatch:
    score: float
    pinyin_spans: list[tuple[int, int]] = field(default_factory=list)


def _pinyin_spans(title: str, form: str, *, use_initials: bool) -> list[tuple[int, int]]:
    """Character spans of ``title`` whose pinyin (or initials) spell ``form``."""
    items = analysis.syllables(title)
    starts = []
    position = 0
    for _, width in items:
        starts.append(position)
        position += width
    spans = []
    for i in range(len(items)):
        spelled = ""
        for j in range(i, len(items)):
            syllable = items[j][0]
            spelled += syllable[:1] if use_initials and items[j][1] == 1 else syllable
            if not form.startswith(spelled):
                break
            if spelled == form:
                spans.append((starts[i], starts[j] + items[j][1]))
                break
    return spans


def score_title(title: str, plan: QueryPlan) -> TitleMatch:
    """How well a title answers the query (see the module docstring)."""
    text = analysis.compact(analysis.normalise(title))
    query = plan.compact
    closeness = difflib.SequenceMatcher(None, query, text).ratio() * 9.9 if text else 0.0
    if text == query:
        return TitleMatch(100 + closeness)
    if query in text:
        return TitleMatch(80 + closeness)
    if any(s in text for s in plan.synonyms):
        return TitleMatch(70 + closeness)
    words = [w for w in plan.words if w]
    found = [w for w in words if w in text]
    if words and len(found) == len(words):
        return TitleMatch(60 + closeness)
    for form in plan.pinyin:
        if spans := _pinyin_spans(title, form, use_initials=False):
            return TitleMatch(50 + closeness, spans)
    if plan.is_ascii:
        for form in plan.pinyin:
            if spans := _pinyin_spans(title, form, use_initials=True):
                return TitleMatch(45 + closeness, spans)
    if found:
        return TitleMatch(20 + 20 * len(found) / len(words) + closeness)
    return TitleMatch(10 + closeness)


# ---- highlighting -----------------------------------------------------------------------------


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def highlight(text: str, plan: QueryPlan, extra_spans: Sequence[tuple[int, int]] = ()) -> SafeString:
    """``text`` escaped, with the query's words, synonyms (and given pinyin spans) in ``<mark>``."""
    if not text:
        return mark_safe("")
    folded = "".join(analysis.normalise_char(c) for c in text)
    spans = list(extra_spans)
    for term in plan.highlight_terms():
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    parts = []
    position = 0
    for start, end in _merge(spans):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def excerpt(text: str, plan: QueryPlan, length: int = SNIPPET_LENGTH) -> str:
    """A piece of ``text`` of about ``length`` characters around the first query word."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    folded = "".join(analysis.normalise_char(c) for c in text)
    positions = [p for p in (folded.find(t) for t in plan.highlight_terms()) if p >= 0]
    start = max(0, min(positions) - length // 4) if positions else 0
    piece = Truncator(text[start:]).chars(length)
    return ("…" if start else "") + piece


# ---- results ----------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    pk: int
    title: str
    url: str
    score: float
    meta: list[str] = field(default_factory=list)
    snippet: str = ""
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))
    snippet_html: SafeString = field(default_factory=lambda: mark_safe(""))
    links: list[tuple[str, str]] = field(default_factory=list)  # its own and its companions' (label, url)
    copies: list[Copy] = field(default_factory=list)  # every copy of a grouped entry, this one too

    @property
    def kind_label(self) -> str:
        return registry.get(self.kind).label


@dataclass
class Copy:
    """One copy of a grouped entry: its 区划 (“市级”, “东湖区”), its link and its companions' links."""

    label: str
    url: str
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Group:
    kind: str
    count: int
    ranked: list[Ranked] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""

    @property
    def label(self) -> str:
        return registry.get(self.kind).label


@dataclass
class Ranked:
    """A candidate with its score; turned into a ``Hit`` only if it is shown."""

    obj: Any
    title: str
    match: TitleMatch
    rank: int
    copies: list[Ranked] = field(default_factory=list)  # the other copies of a grouped entry, best first

    def sort_key(self) -> tuple:
        return (-round(self.match.score, 6), len(self.title), self.rank, self.obj.pk)


@dataclass
class SearchResult:
    plan: QueryPlan
    groups: dict[str, Group]
    suggestion: str | None = None

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups.values())


def rank(candidates: Iterable[Any], plan: QueryPlan, title: Callable[[Any], str]) -> list[Ranked]:
    """``candidates`` scored by their ``title`` and sorted, best first."""
    ranked = [Ranked(obj, title(obj), score_title(title(obj), plan), i) for i, obj in enumerate(candidates)]
    return sorted(ranked, key=Ranked.sort_key)


# ---- the backend ------------------------------------------------------------------------------


def keyword_fields(backend) -> list[str] | None:
    """Fields to search: on Elasticsearch/OpenSearch only the whitespace-analysed keywords field.

    The database backends search one full-text column per record (``fields`` would name FTS
    columns there), and our keywords are in it; Elasticsearch's catch-all field is analysed with
    the standard analyzer, which splits Chinese into single characters.
    """
    from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend

    return ["search_keywords"] if isinstance(backend, ElasticsearchBaseSearchBackend) else None


def backend_query(plan: QueryPlan, *, weak: bool = False) -> SearchQuery | None:
    """The plan as a Wagtail search query: any strong group (all its tokens), or any weak term."""
    if weak:
        terms = plan.weak_terms()
        return PlainText(" ".join(terms), operator="or") if terms else None
    groups = [PlainText(" ".join(group), operator="and") for group in plan.strong_terms()]
    if not groups:
        return None
    return groups[0] if len(groups) == 1 else Or(groups)


def backend_candidates(
    queryset, plan: QueryPlan, *, weak: bool = False, limit: int = CANDIDATES
) -> tuple[list[Any], int]:
    """Records of ``queryset`` the backend matches (best ``limit`` first), and how many in all."""
    query = backend_query(plan, weak=weak)
    if query is None:
        return [], 0
    backend = get_search_backend()
    results = backend.search(query, queryset, fields=keyword_fields(backend))
    found = list(results[:limit])
    return found, (len(found) if len(found) < limit else results.count())


# ---- what the kinds share ---------------------------------------------------------------------


def department_sections(model, department) -> list[str]:
    """Tree paths of ``department``'s section pages of ``model`` (its records are below them)."""
    return list(model.objects.filter(department=department).values_list("path", flat=True))


def under(queryset, paths: list[str]):
    """The pages of ``queryset`` below any of ``paths`` (none if there are no paths)."""
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return queryset.filter(condition)


@dataclass
class Scope:
    """What one search covers: optionally one department's records, or a 区划's; strong or weak terms.

    ``region_ids`` are the departments of the visitor's 区划 (``permissions.regions``: the
    region's department and everything below it); None is the whole city. Kinds narrow their
    queryset with ``owned`` (a department field) or ``sections`` (the section pages their pages
    live under), so the backend applies the filter in its query (a filter field on
    Elasticsearch/OpenSearch), never after paging. Private page sections are looked up once per
    search (``PageQuerySet.public()`` would ask again for every kind).
    """

    department: Any = None
    weak: bool = False
    region_ids: frozenset[int] | None = None
    _private: Q | None = None

    def department_ids(self) -> set[int] | None:
        """The owner departments results may have: the department's, within the 区划; None = any."""
        if self.department is None:
            return None if self.region_ids is None else set(self.region_ids)
        if self.region_ids is not None and self.department.pk not in self.region_ids:
            return set()
        return {self.department.pk}

    def owned(self, queryset, field: str = "department"):
        """``queryset`` narrowed to records whose ``field`` (a department) is in scope."""
        ids = self.department_ids()
        if ids is None:
            return queryset
        if len(ids) == 1:
            return queryset.filter(**{f"{field}_id": next(iter(ids))})
        return queryset.filter(**{f"{field}_id__in": sorted(ids)})

    def sections(self, model) -> list[str] | None:
        """Tree paths of the in-scope departments' section pages of ``model``; None = any."""
        ids = self.department_ids()
        if ids is None:
            return None
        return list(model.objects.filter(department_id__in=ids).values_list("path", flat=True)) if ids else []

    def public(self, queryset):
        """The live pages of ``queryset`` outside private sections."""
        if self._private is None:
            self._private = Page.objects.all().private_q()
        return queryset.live().exclude(self._private)


# Pages without their own kind are found by title and description from a cached list, whatever
# their model: section pages, column indexes, the disclosure guide, the annual report …


@dataclass(frozen=True)
class PageEntry:
    pk: int
    title: str
    description: str
    parent_title: str
    tokens: frozenset[str]


def _separately_searched_page_types() -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(*registry.page_models())
    return [content_type.pk for content_type in types.values()]


def _build_page_entries() -> list[PageEntry]:
    rows = list(
        Page.objects.live()
        .public()
        .filter(depth__gt=1)
        .exclude(content_type__in=_separately_searched_page_types())
        .values_list("pk", "title", "search_description", "path", "depth")
    )
    titles = {path: title for _, title, _, path, _ in rows}
    entries = []
    for pk, title, description, path, depth in rows:
        if depth <= 2:  # the home page: everything is below it
            continue
        tokens = analysis.index_text(title, body=[description]).split()
        entries.append(PageEntry(pk, title, description, titles.get(path[: -Page.steplen], ""), frozenset(tokens)))
    return entries


def page_entries() -> list[PageEntry]:
    return vocabulary.cached("pages", _build_page_entries, (vocabulary.CONTENT, vocabulary.WORDS))


def search_pages(plan: QueryPlan, scope: Scope) -> Group:
    """The generic page kind: pages no other kind searches, by title and description."""
    found = [entry for entry in page_entries() if plan.matches(entry.tokens, weak=scope.weak)]
    return Group("page", len(found), rank(found, plan, lambda e: e.title))


# ---- turning candidates into hits ---------------------------------------------------------------


def page_titles() -> list[str]:
    """Titles of the pages the generic page kind searches."""
    return [entry.title for entry in page_entries()]


def page_hits(ranked: list[Ranked], plan: QueryPlan, request: HttpRequest | None) -> list[Hit]:
    """Hits of the generic page kind; a page removed since the list was cached is left out."""
    pages = Page.objects.in_bulk([r.obj.pk for r in ranked])
    hits = []
    for item in ranked:
        page = pages.get(item.obj.pk)
        if page is None:  # removed since the list was cached
            continue
        hits.append(
            make_hit("page", item, plan, page.get_url(request) or "", [item.obj.parent_title], item.obj.description)
        )
    return hits


def make_hit(kind: str, item: Ranked, plan: QueryPlan, url: str, meta: list[str], snippet: str) -> Hit:
    """A shown result: title and an excerpt of ``snippet`` highlighted, empty ``meta`` left out."""
    snippet = excerpt(snippet, plan)
    return Hit(
        kind=kind,
        pk=item.obj.pk,
        title=item.title,
        url=url,
        score=round(item.match.score, 2),
        meta=[m for m in meta if m],
        snippet=snippet,
        title_html=highlight(item.title, plan, item.match.pinyin_spans),
        snippet_html=highlight(snippet, plan),
    )


def build_hits(group: Group, plan: QueryPlan, request: HttpRequest | None, start: int = 0, stop: int = 5) -> None:
    """Give ``group`` the hits of ``ranked[start:stop]`` (the ones shown).

    Entries of a grouped kind (``group_entries``) get their copies, each labelled with its 区划
    and linked, and every shown record the links of its companions (a matter's 办事指南): one
    batch of the kind's ``hits`` for the entries and their copies, one query for the 区划 and
    one per companion kind, whatever the number of entries.
    """
    kind = registry.get(group.kind)
    shown = group.ranked[start:stop]
    records = [*shown, *(copy for item in shown for copy in item.copies)]
    built = {hit.pk: hit for hit in kind.hits(records, plan, request)}
    companions = registry.companions_of(kind.key)
    extra: dict[Any, list[tuple[str, str]]] = {}
    for other in companions:
        for host_pk, url in other.companion.urls([r.obj.pk for r in records], request).items():
            if url:
                extra.setdefault(host_pk, []).append((other.companion.label, url))
    for hit in built.values():
        if hit.pk in extra:
            hit.links = [(kind.link_label or "详情", hit.url), *extra[hit.pk]]
    grouped = [item for item in shown if item.copies]
    names = levels.levels({kind.owner(r.obj) for item in grouped for r in [item, *item.copies]}) if grouped else {}
    hits = []
    for item in shown:
        hit = built.get(item.obj.pk)
        if hit is None:  # removed since the candidates were found
            continue
        if item.copies:
            hit.copies = _copies(kind, item, built, names)
        hits.append(hit)
    group.hits = hits


def _copies(
    kind: registry.SearchKind, item: Ranked, built: dict[Any, Hit], names: dict[Any, levels.Level]
) -> list[Copy]:
    """The copies of an entry by 区划 (the city, then each district and its towns), each linked."""
    rows = []
    for record in [item, *item.copies]:
        hit = built.get(record.obj.pk)
        if hit is not None:
            owner = kind.owner(record.obj)
            rows.append((names[owner], owner, hit))
    rows.sort(key=lambda row: (row[0].order, row[2].pk))
    labels = [level.label for level, *_ in rows]
    twice = {owner for level, owner, *_ in rows if labels.count(level.label) > 1}
    # Two copies in one 区划 (two bureaus keep the same basic code): name their departments too.
    departments = dict(Department.objects.filter(pk__in=twice).values_list("pk", "short_name")) if twice else {}
    return [
        Copy(f"{level.label}·{departments[owner]}" if owner in departments else level.label, hit.url, hit.links[1:])
        for level, owner, hit in rows
    ]


# ---- one entry per thing: copies at several levels, companions --------------------------------


def group_entries(result: SearchResult) -> SearchResult:
    """The search page's entries: copies grouped, companions folded into their hosts' entries.

    - A kind with ``group_key`` (matters: the 基本编码) keeps the best-ranked record of each key
      as the entry and its other records as ``copies``; its count counts entries (candidates
      beyond the backend's first ``CANDIDATES`` count one each, as they were never grouped).
    - A kind with a ``companion`` (guides: on their matter) drops the records whose host is among
      the host kind's entries or copies: they are shown as a link on that entry instead.

    ``search`` itself stays record by record: the relevance tests, the catalogs and the API's
    ``?q=`` rank single records.
    """
    for kind in registry.kinds():
        group = result.groups.get(kind.key)
        if group is None or kind.group_key is None:
            continue
        entries: list[Ranked] = []
        by_key: dict[Any, Ranked] = {}
        for item in group.ranked:
            key = kind.group_key(item.obj)
            if key in (None, ""):
                entries.append(item)
            elif key in by_key:
                by_key[key].copies.append(item)
            else:
                by_key[key] = item
                entries.append(item)
        group.count = len(entries) + max(0, group.count - len(group.ranked))
        group.ranked = entries
    for kind in registry.kinds():
        group = result.groups.get(kind.key)
        host = result.groups.get(kind.companion.host) if kind.companion is not None and group is not None else None
        if host is None:
            continue
        hosts = {r.obj.pk for item in host.ranked for r in [item, *item.copies]}
        kept = [item for item in group.ranked if kind.companion.host_key(item.obj) not in hosts]
        group.count -= len(group.ranked) - len(kept)
        group.ranked = kept
    return result


# ---- the search -------------------------------------------------------------------------------


def search(
    query: str, *, kinds: Sequence[str] | None = None, department=None, region_ids: Iterable[int] | None = None
) -> SearchResult:
    """Search every kind in ``kinds`` (all by default); ranked candidates per kind, hits not built yet.

    The strong terms first; only if they find nothing in any kind, the weak ones (see
    ``QueryPlan``). With a department, only records of that department are searched (kinds
    without departments, such as pages, are left out). With ``region_ids`` (the departments of
    the visitor's 区划, ``permissions.regions.region_department_ids``) only records owned by
    them; kinds without departments are not filtered by a 区划. When nothing matches,
    ``suggestion`` is the closest known word. One record per result (``group_entries`` makes
    the search page's entries).
    """
    plan = analysis.analyse_query(query)
    result = SearchResult(plan, {})
    if plan.is_empty:
        return result
    chosen = [
        kind
        for kind in registry.kinds()
        if (kinds is None or kind.key in kinds) and (department is None or kind.by_department)
    ]
    scope = Scope(department, region_ids=None if region_ids is None else frozenset(region_ids))
    for scope.weak in (False, True):
        result.groups = {kind.key: kind.search(plan, scope) for kind in chosen}
        if result.total:
            return result
    result.suggestion = vocabulary.suggest(plan)
    return result


def matching_ids(queryset, query: str, title: Callable[[Any], str], limit: int = 1000) -> list[Any]:
    """Primary keys of the records of ``queryset`` the search finds for ``query``, best first.

    For a keyword box over one list (the matter catalog's): the same analysis, backend and
    ranking as the search page, so it finds by segmented words, pinyin and synonyms too.
    """
    plan = analysis.analyse_query(query)
    if plan.is_empty:
        return []
    for weak in (False, True):
        found, _ = backend_candidates(queryset, plan, weak=weak, limit=limit)
        if found:
            return [r.obj.pk for r in rank(found, plan, title)]
    return []


@dataclass(frozen=True)
class ListSearch:
    """The site search as the keyword filter of another list (the JSON API's ``?q=``).

    A domain builds one for a kind's model and hands it to whatever lists that model (its API
    resource's ``keyword_search``), so the framework apps that serve the list need not import
    ``sitesearch``. Calling it with the list's queryset (already narrowed by the list's other
    filters and by what the caller may read) and the query gives the primary keys of the records
    of that queryset the search finds, best first: the same analysis (words, pinyin, initials,
    Traditional characters, synonyms), the same backend candidates of ``searchable`` (the
    records the portal searches) and the same ranking as the portal; nothing outside
    ``searchable`` is ever returned. Three queries whatever the number of results: the backend's
    candidates, the list's filter over them, and the synonyms when their cache is cold.
    """

    searchable: Callable[[], Any]
    title: Callable[[Any], str]
    limit: int = 1000

    def __call__(self, queryset, query: str) -> list[Any]:
        ids = matching_ids(self.searchable(), query, self.title, limit=self.limit)
        if not ids:
            return []
        inside = set(queryset.order_by().filter(pk__in=ids).values_list("pk", flat=True))
        return [pk for pk in ids if pk in inside]

    def version(self) -> str:
        """Changes when the synonyms or domain words change (part of a cached answer's key)."""
        return vocabulary.version(vocabulary.WORDS)


@dataclass(frozen=True)
class _Row:
    pk: Any
    title: str


@lru_cache(maxsize=4096)
def _text_tokens(dictionary: str, title: str, names: tuple[str, ...], body: tuple[str, ...]) -> frozenset[str]:
    """A record's index tokens, remembered per dictionary version and text (as ``indexing._keywords``)."""
    return frozenset(analysis.index_text(title, keywords=names, body=body).split())


@dataclass(frozen=True)
class TextListSearch:
    """The site search as the keyword filter of a short list that is not in the index.

    For records no kind searches and no index holds (halls, windows, notices, categories …): each
    record's texts are analysed the way an indexed record's keywords are (``title`` and ``names``
    by words, pinyin and initials; ``body`` by words), the query the way a search's is, and they
    are compared in Python with the search's strong-then-weak terms and ranked by the same score.
    So ``dhq``, ``donghu`` and ``東湖`` find the 东湖 hall as the portal search would find a
    matter. The same protocol as ``ListSearch`` (a resource's ``keyword_search``): one query
    (the list's texts) whatever the number of results; the analysis of a record is remembered
    per text, so the cost grows with the list only in memory look-ups. Meant for lists of
    hundreds, not of a catalog's thousands (those belong in the index: ``ListSearch``).
    """

    title: str
    names: tuple[str, ...] = ()
    body: tuple[str, ...] = ()

    def __call__(self, queryset, query: str) -> list[Any]:
        plan = analysis.analyse_query(query)
        if plan.is_empty:
            return []
        dictionary = vocabulary.sync_domain_words()
        split = 1 + len(self.names)
        entries = []
        for pk, title, *texts in queryset.order_by().values_list("pk", self.title, *self.names, *self.body):
            names = tuple(str(t) for t in texts[: split - 1] if t)
            body = tuple(str(t) for t in texts[split - 1 :] if t)
            entries.append((_Row(pk, str(title or "")), _text_tokens(dictionary, str(title or ""), names, body)))
        for weak in (False, True):
            found = [row for row, tokens in entries if plan.matches(tokens, weak=weak)]
            if found:
                return [r.obj.pk for r in rank(found, plan, lambda row: row.title)]
        return []

    def version(self) -> str:
        """Changes when the synonyms or domain words change (part of a cached answer's key)."""
        return vocabulary.version(vocabulary.WORDS)


def public_titles() -> list[str]:
    """Every public title of every kind, for the "did you mean" vocabulary."""
    return [title for kind in registry.kinds() for title in kind.titles()]
