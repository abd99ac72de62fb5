"""One search over matters, guides, disclosure documents and portal pages.

Per kind: the backend (Wagtail's configured search backend) finds candidates for the analysed
query, any of its terms matching; then a small, transparent score re-ranks them in Python:

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
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Or, PlainText, SearchQuery

from . import analysis, vocabulary
from .analysis import QueryPlan

CANDIDATES = 300  # per kind, by the backend's own relevance, before re-ranking
SNIPPET_LENGTH = 90

KIND_LABELS = {"matter": "事项", "guide": "办事指南", "document": "政府信息", "page": "栏目页面"}
KINDS = tuple(KIND_LABELS)


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

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Group:
    kind: str
    count: int
    ranked: list[Ranked] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Ranked:
    """A candidate with its score; turned into a ``Hit`` only if it is shown."""

    obj: Any
    title: str
    match: TitleMatch
    rank: int

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


# ---- the kinds --------------------------------------------------------------------------------


def _department_sections(model, department) -> list[str]:
    return list(model.objects.filter(department=department).values_list("path", flat=True))


def _under(queryset, paths: list[str]):
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return queryset.filter(condition)


@dataclass
class Scope:
    """What one search covers: optionally one department's records; strong or weak terms.

    Private page sections are looked up once per search (``PageQuerySet.public()`` would ask
    again for every kind).
    """

    department: Any = None
    weak: bool = False
    _private: Q | None = None

    def public(self, queryset):
        if self._private is None:
            self._private = Page.objects.all().private_q()
        return queryset.live().exclude(self._private)


def search_matters(plan: QueryPlan, scope: Scope) -> Group:
    from matters.models import Matter

    queryset = Matter.public_queryset().select_related("department", "matter_type")
    if scope.department is not None:
        queryset = queryset.filter(department=scope.department)
    found, count = backend_candidates(queryset, plan, weak=scope.weak)
    return Group("matter", count, rank(found, plan, lambda m: m.name))


def search_guides(plan: QueryPlan, scope: Scope) -> Group:
    from guides.models import BundleGuidePage, GuidePage, GuideSectionPage

    found: list[Any] = []
    count = 0
    paths = _department_sections(GuideSectionPage, scope.department) if scope.department is not None else None
    for model in (GuidePage, BundleGuidePage):
        queryset = scope.public(model.objects.all())
        if paths is not None:
            queryset = _under(queryset, paths)
        objects, n = backend_candidates(queryset, plan, weak=scope.weak)
        found += objects
        count += n
    return Group("guide", count, rank(found, plan, lambda p: p.title))


def search_documents(plan: QueryPlan, scope: Scope) -> Group:
    from disclosure.models import DisclosureDocumentPage

    queryset = scope.public(DisclosureDocumentPage.objects.select_related("issuing_body"))
    if scope.department is not None:
        queryset = queryset.filter(issuing_body=scope.department)
    found, count = backend_candidates(queryset, plan, weak=scope.weak)
    return Group("document", count, rank(found, plan, lambda p: p.title))


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

    from disclosure.models import DisclosureDocumentPage
    from guides.models import BundleGuidePage, GuidePage

    types = ContentType.objects.get_for_models(GuidePage, BundleGuidePage, DisclosureDocumentPage)
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
    found = [entry for entry in page_entries() if plan.matches(entry.tokens, weak=scope.weak)]
    return Group("page", len(found), rank(found, plan, lambda e: e.title))


# ---- turning candidates into hits ---------------------------------------------------------------


def _limit_text(days) -> str:
    if days is None:
        return ""
    return "即办" if days == 0 else f"承诺{days}个工作日办结"


def _matter_hits(ranked: list[Ranked], plan: QueryPlan, request) -> list[Hit]:
    from matters.pages import MatterCatalogPage

    catalog = MatterCatalogPage.objects.live().first()
    base = catalog.get_url(request) if catalog is not None else None
    hits = []
    for item in ranked:
        matter = item.obj
        snippet = f"办理结果：{matter.result_name}" if matter.result_name and matter.result_name != matter.name else ""
        meta = [matter.department.name, matter.matter_type.name, _limit_text(matter.promised_limit)]
        hits.append(
            _hit("matter", item, plan, f"{base}item/{matter.implementation_code}/" if base else "", meta, snippet)
        )
    return hits


def _guide_hits(ranked: list[Ranked], plan: QueryPlan, request) -> list[Hit]:
    from guides.models import BundleGuidePage, GuideSectionPage

    parents = {p.path[: -Page.steplen] for p in (r.obj for r in ranked)}
    departments = dict(GuideSectionPage.objects.filter(path__in=parents).values_list("path", "department__name"))
    hits = []
    for item in ranked:
        page = item.obj
        kind = "“一件事”套餐" if isinstance(page, BundleGuidePage) else "办事指南"
        meta = [departments.get(page.path[: -Page.steplen], ""), kind]
        hits.append(_hit("guide", item, plan, page.get_url(request) or "", meta, page.summary))
    return hits


def _document_hits(ranked: list[Ranked], plan: QueryPlan, request) -> list[Hit]:
    hits = []
    for item in ranked:
        page = item.obj
        date = f"{page.publication_date:%Y-%m-%d}" if page.publication_date else ""
        meta = [page.issuing_body.name, page.document_number, date]
        hits.append(_hit("document", item, plan, page.get_url(request) or "", meta, page.summary))
    return hits


def _page_hits(ranked: list[Ranked], plan: QueryPlan, request) -> list[Hit]:
    pages = Page.objects.in_bulk([r.obj.pk for r in ranked])
    hits = []
    for item in ranked:
        page = pages.get(item.obj.pk)
        if page is None:  # removed since the list was cached
            continue
        hits.append(
            _hit("page", item, plan, page.get_url(request) or "", [item.obj.parent_title], item.obj.description)
        )
    return hits


def _hit(kind: str, item: Ranked, plan: QueryPlan, url: str, meta: list[str], snippet: str) -> Hit:
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


HIT_BUILDERS = {"matter": _matter_hits, "guide": _guide_hits, "document": _document_hits, "page": _page_hits}


def build_hits(group: Group, plan: QueryPlan, request: HttpRequest | None, start: int = 0, stop: int = 5) -> None:
    """Give ``group`` the hits of ``ranked[start:stop]`` (the ones shown)."""
    group.hits = HIT_BUILDERS[group.kind](group.ranked[start:stop], plan, request)


# ---- the search -------------------------------------------------------------------------------


SEARCHES = {"matter": search_matters, "guide": search_guides, "document": search_documents, "page": search_pages}


def search(query: str, *, kinds: Sequence[str] = KINDS, department=None) -> SearchResult:
    """Search every kind in ``kinds``; ranked candidates per kind, hits not built yet.

    The strong terms first; only if they find nothing in any kind, the weak ones (see
    ``QueryPlan``). With a department, only records of that department are searched (pages have
    none and are left out). When nothing matches, ``suggestion`` is the closest known word.
    """
    plan = analysis.analyse_query(query)
    result = SearchResult(plan, {})
    if plan.is_empty:
        return result
    kinds = [k for k in KINDS if k in kinds and not (k == "page" and department is not None)]
    scope = Scope(department)
    for scope.weak in (False, True):
        result.groups = {kind: SEARCHES[kind](plan, scope) for kind in kinds}
        if result.total:
            return result
    result.suggestion = vocabulary.suggest(plan)
    return result


def matching_matter_ids(query: str, limit: int = 1000) -> list[int]:
    """Public matters the search finds for ``query``, best first (the catalog's keyword box)."""
    plan = analysis.analyse_query(query)
    if plan.is_empty:
        return []
    from matters.models import Matter

    for weak in (False, True):
        found, _ = backend_candidates(Matter.public_queryset(), plan, weak=weak, limit=limit)
        if found:
            return [r.obj.pk for r in rank(found, plan, lambda m: m.name)]
    return []


def public_titles() -> list[str]:
    """Every public title, for the "did you mean" vocabulary."""
    from disclosure.models import DisclosureDocumentPage
    from guides.models import BundleGuidePage, GuidePage
    from matters.models import Matter

    titles = list(Matter.public_queryset().values_list("name", flat=True))
    for model in (GuidePage, BundleGuidePage, DisclosureDocumentPage):
        titles += list(model.objects.live().public().values_list("title", flat=True))
    titles += [entry.title for entry in page_entries()]
    return titles
