"""The API's ``?q=`` is the portal's search: what a kiosk types finds what the portal finds.

The demo city is loaded once for the module (as tests/sitesearch/test_relevance.py does) and the
queries are derived from its records the way visitors type them: a word inside a matter's name,
that word's full pinyin and its initials, its Traditional spelling, and the demo synonyms
(a citizen's word for something the name says otherwise). Every kind must find the matter; the
records returned must be those the portal's catalog returns for the same query, in the portal
search's relevance order.
"""

from __future__ import annotations

from collections import Counter

import pytest
import zhconv
from django.core.cache import cache
from django.db import connection, reset_queries
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from disclosure.models import DisclosureDocumentPage
from guides.models import GuidePage
from matters.models import Matter
from matters.search import matching_matter_ids
from sitesearch import analysis, engine
from sitesearch.models import Synonym
from sitesearch.vocabulary import synonym_map

from .conftest import key_header
from .resources_helpers import body, ids

MATTERS = "/api/v1/matters/"
GUIDES = "/api/v1/guides/"
SAMPLE = 20


@pytest.fixture
def kiosk_get(demo_city, db, api, kiosk):
    """GET as a kiosk (with its key), all results on one page."""
    cache.clear()

    def get(url: str, **params):
        return api.get(url, {"page_size": 200, **params}, **key_header(kiosk.api_key))

    return get


def _words(name: str) -> list[str]:
    """The Chinese words inside a name (jieba's, long ones split), shorter than the name."""
    return [w for w in analysis.fine_words(name) if len(w) >= 2 and analysis.is_han(w) and w != name]


def _traditional(word: str) -> str:
    return zhconv.convert(word, "zh-hant")


def derived_queries() -> dict[str, list[tuple[str, int]]]:
    """(query, matter id) per kind of query, from the first public matters of the demo catalog."""
    queries: dict[str, list[tuple[str, int]]] = {"word": [], "pinyin": [], "initials": [], "traditional": []}
    for matter in Matter.public_queryset().order_by("implementation_code"):
        words = _words(matter.name)
        if not words:
            continue
        for kind, query in (
            ("word", words[0]),
            ("pinyin", analysis.pinyin(words[0])),
            ("initials", analysis.initials(words[0])),
        ):
            if len(queries[kind]) < SAMPLE:
                queries[kind].append((query, matter.pk))
        traditional = [_traditional(w) for w in words if _traditional(w) != w]
        if traditional and len(queries["traditional"]) < SAMPLE:
            queries["traditional"].append((traditional[0], matter.pk))
    return queries


def synonym_queries() -> list[tuple[str, int]]:
    """(a synonym word, a public matter named by one of its other words but not by it)."""
    found = []
    names = list(Matter.public_queryset().order_by("implementation_code").values_list("pk", "name"))
    for word, others in synonym_map().items():
        for pk, name in names:
            if word not in analysis.normalise(name) and any(o in name for o in others):
                found.append((word, pk))
                break
    return found


def portal_catalog(q: str) -> set[int]:
    """What the portal's matter catalog lists for ``q`` (matters.pages.CatalogFilterForm.filter)."""
    return set(
        Matter.public_queryset()
        .filter(Q(pk__in=matching_matter_ids(q)) | Q(name__icontains=q) | Q(implementation_code__icontains=q))
        .values_list("pk", flat=True)
    )


def test_every_kind_of_visitor_query_finds_the_matter_as_the_portal_does(kiosk_get):
    queries = derived_queries()
    queries["synonym"] = synonym_queries()
    assert {kind: len(pairs) for kind, pairs in queries.items()} == {
        "word": SAMPLE,
        "pinyin": SAMPLE,
        "initials": SAMPLE,
        "traditional": SAMPLE,
        "synonym": len(queries["synonym"]),
    }
    assert len(queries["synonym"]) >= 10
    misses, differences = [], []
    for kind, pairs in queries.items():
        for query, pk in pairs:
            response = kiosk_get(MATTERS, q=query)
            assert response.status_code == 200, (query, body(response))
            found = ids(response)
            if pk not in found:
                misses.append(f"{kind} “{query}”: {Matter.objects.get(pk=pk).name} not in {len(found)} results")
            if set(found) != portal_catalog(query):
                differences.append(f"{kind} “{query}”")
            ranked = matching_matter_ids(query)
            if found[: len(ranked)] != ranked:
                differences.append(f"{kind} “{query}”: not in the portal search's order")
    assert not misses, "\n".join(misses)
    assert not differences, "\n".join(differences)


def test_the_relevance_order_is_the_portal_search_and_pages_keep_it(kiosk_get, api, kiosk):
    response = kiosk_get(MATTERS, q="营业执照")
    found = ids(response)
    portal = [r.obj.pk for r in engine.search("营业执照", kinds=["matter"]).groups["matter"].ranked]
    assert found[: len(portal)] == portal
    assert Matter.objects.get(pk=found[0]).name.startswith("营业执照")
    # Pages of three walk the same list, and the count is the list's.
    walked, page = [], 1
    while True:
        response = kiosk_get(MATTERS, q="登记", page_size=3, page=page)
        assert response.status_code == 200
        walked += ids(response)
        if body(response)["next"] is None:
            break
        page += 1
    everything = kiosk_get(MATTERS, q="登记")
    assert walked == ids(everything)
    assert body(everything)["count"] == len(walked) > 3
    assert kiosk_get(MATTERS, q="登记", page_size=3, page=page + 1).status_code == 404


def test_q_is_restricted_to_the_lists_other_filters(kiosk_get):
    everything = ids(kiosk_get(MATTERS, q="登记"))
    department = Matter.objects.get(pk=everything[0]).department
    within = ids(kiosk_get(MATTERS, q="登记", department=department.credit_code))
    assert within == [pk for pk in everything if Matter.objects.get(pk=pk).department_id == department.pk]
    assert 0 < len(within) < len(everything)


def test_guides_are_found_by_pinyin_initials_and_traditional_in_the_portals_order(kiosk_get):
    misses = []
    guides = list(GuidePage.objects.live().public().order_by("path")[:10])
    assert len(guides) == 10
    for guide in guides:
        word = _words(guide.title)[0]
        for query in (word, analysis.pinyin(word), analysis.initials(word), _traditional(word)):
            found = ids(kiosk_get(GUIDES, q=query))
            group = engine.search(query, kinds=["guide"]).groups["guide"]
            portal = [r.obj.pk for r in group.ranked if isinstance(r.obj, GuidePage)]
            if guide.pk not in found or found[: len(portal)] != portal:
                misses.append(f"“{query}”: {guide.title}")
    assert not misses, "\n".join(misses)


def test_nothing_matching_is_an_empty_list_and_long_queries_are_refused_in_chinese(kiosk_get):
    response = kiosk_get(MATTERS, q="qxzqxzqxz")
    assert response.status_code == 200
    assert body(response)["count"] == 0
    assert body(response)["results"] == []
    assert kiosk_get(MATTERS, q="营" * 50).status_code == 200
    response = kiosk_get(MATTERS, q="营" * 51)
    assert response.status_code == 400
    assert body(response) == {"q": ["搜索词不能超过 50 个字。"]}


def test_a_search_answers_304_and_a_synonym_edit_changes_the_answer(kiosk_get, api, kiosk):
    first = kiosk_get(MATTERS, q="qxzpass")
    assert first.status_code == 200
    assert body(first)["count"] == 0
    again = api.get(
        MATTERS,
        {"page_size": 200, "q": "qxzpass"},
        HTTP_IF_NONE_MATCH=first["ETag"],
        **key_header(kiosk.api_key),
    )
    assert again.status_code == 304
    Synonym.objects.create(words="qxzpass、护照")
    after = api.get(
        MATTERS,
        {"page_size": 200, "q": "qxzpass"},
        HTTP_IF_NONE_MATCH=first["ETag"],
        **key_header(kiosk.api_key),
    )
    assert after.status_code == 200
    assert any("护照" in Matter.objects.get(pk=pk).name for pk in ids(after))


def search_counts(kiosk_get, url: str, queries: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """For each query: (SQL queries of its request, results), each from the same warm start."""
    counts = {}
    for query in queries:
        cache.clear()
        kiosk_get(url, q="qxzqxzqxz")  # the synonyms, domain words and collection versions
        # A request empties the connection's query log when it starts (request_started →
        # reset_queries): start from an empty log so the context counts this request's queries.
        reset_queries()
        with CaptureQueriesContext(connection) as queries_run:
            response = kiosk_get(url, q=query)
        counts[query] = (len(queries_run), len(ids(response)))
    return counts


def test_the_queries_of_a_search_do_not_grow_with_its_results(kiosk_get):
    counts = search_counts(kiosk_get, MATTERS, ("yyzz", "登记"))
    assert counts["yyzz"][1] > 0 and counts["yyzz"][1] + 10 <= counts["登记"][1]
    assert 0 < counts["yyzz"][0] == counts["登记"][0], counts


# ---- disclosure documents (/api/v1/disclosure/documents/) -----------------------------------

DOCUMENTS = "/api/v1/disclosure/documents/"


def document_queries() -> list[tuple[str, str, int]]:
    """(kind, query, document id): the rarest word of each of the first documents' titles (a
    visitor looking for that document, not for every 示范市 one), its pinyin, initials and
    Traditional spelling."""
    documents = list(DisclosureDocumentPage.objects.live().public().order_by("path"))
    frequency = Counter(w for d in documents for w in set(_words(d.title)))
    queries = []
    for document in documents[:SAMPLE]:
        word = min(_words(document.title), key=lambda w: (frequency[w], -len(w)))
        queries += [
            ("word", word, document.pk),
            ("pinyin", analysis.pinyin(word), document.pk),
            ("initials", analysis.initials(word), document.pk),
        ]
        if _traditional(word) != word:
            queries.append(("traditional", _traditional(word), document.pk))
    return queries


def test_documents_are_found_by_word_parts_pinyin_initials_and_traditional_in_the_portals_order(kiosk_get):
    queries = document_queries()
    counts = Counter(kind for kind, _, _ in queries)
    assert counts["word"] == counts["pinyin"] == counts["initials"] == SAMPLE and counts["traditional"] >= 10, counts
    misses = []
    for kind, query, pk in queries:
        response = kiosk_get(DOCUMENTS, q=query)
        assert response.status_code == 200, (query, body(response))
        found = ids(response)
        group = engine.search(query, kinds=["document"]).groups["document"]
        portal = [r.obj.pk for r in group.ranked]
        if pk not in found:
            misses.append(f"{kind} “{query}”: {DisclosureDocumentPage.objects.get(pk=pk).title} not found")
        elif found[: len(portal)] != portal[: len(found)]:  # a page holds 200 at most
            misses.append(f"{kind} “{query}”: not in the portal search's order")
    assert not misses, "\n".join(misses)


def test_a_document_number_or_a_piece_of_an_index_number_is_a_look_up(kiosk_get):
    numbered = DisclosureDocumentPage.objects.live().public().exclude(document_number="").order_by("path").first()
    assert ids(kiosk_get(DOCUMENTS, q=numbered.document_number)) == [numbered.pk]
    assert ids(kiosk_get(DOCUMENTS, q=numbered.index_number)) == [numbered.pk]
    piece = numbered.index_number.split("/")[1]  # 2026-00004: the same serial of every issuing body
    sharing = DisclosureDocumentPage.objects.live().public().filter(index_number__contains=piece)
    expected = list(sharing.order_by("-publication_date", "-index_number", "-pk").values_list("pk", flat=True))
    assert 1 < len(expected) == len(ids(kiosk_get(DOCUMENTS, q=piece)))
    assert ids(kiosk_get(DOCUMENTS, q=piece)) == expected


def test_a_document_search_answers_304_and_its_queries_do_not_grow_with_its_results(kiosk_get, api, kiosk):
    first = kiosk_get(DOCUMENTS, q="xzcf")
    again = api.get(
        DOCUMENTS, {"page_size": 200, "q": "xzcf"}, HTTP_IF_NONE_MATCH=first["ETag"], **key_header(kiosk.api_key)
    )
    assert again.status_code == 304
    other = kiosk_get(DOCUMENTS, q="预算")
    assert other["ETag"] != first["ETag"] and set(ids(other)).isdisjoint(ids(first))
    counts = search_counts(kiosk_get, DOCUMENTS, ("预算", "xzcf"))
    assert 0 < counts["预算"][1] + 10 <= counts["xzcf"][1]
    assert counts["预算"][0] == counts["xzcf"][0], counts
