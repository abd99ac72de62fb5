"""Disclosure documents in the site search: the 政府信息 kind.

Registered with ``sitesearch.registry`` (imported by sitesearch at start-up, see
docs/search.md). The other disclosure pages (guide, categories, annual reports) are found by
the generic page kind.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from sitesearch import registry
from sitesearch.analysis import QueryPlan
from sitesearch.engine import Group, Hit, ListSearch, Ranked, Scope, backend_candidates, make_hit, rank

from .models import DisclosureDocumentPage

KEY = "document"


def search_documents(plan: QueryPlan, scope: Scope) -> Group:
    """Live public documents, issued by the scope's department (or in its 区划) if it has one."""
    queryset = scope.owned(scope.public(DisclosureDocumentPage.objects.select_related("issuing_body")), "issuing_body")
    found, count = backend_candidates(queryset, plan, weak=scope.weak)
    return Group(KEY, count, rank(found, plan, lambda p: p.title))


def document_hits(ranked: list[Ranked], plan: QueryPlan, request: HttpRequest | None) -> list[Hit]:
    """Hits with the issuing body, document number and publication date."""
    hits = []
    for item in ranked:
        page = item.obj
        date = f"{page.publication_date:%Y-%m-%d}" if page.publication_date else ""
        meta = [page.issuing_body.name, page.document_number, date]
        hits.append(make_hit(KEY, item, plan, page.get_url(request) or "", meta, page.summary))
    return hits


def document_title(page: DisclosureDocumentPage) -> str:
    return page.title


def public_documents():
    """What the portal searches: live documents outside private sections."""
    return DisclosureDocumentPage.objects.live().public()


# The keyword filter of the lists of documents: the API's ``?q=`` (``disclosure.api``) and the
# public catalog's keyword box (``disclosure.catalog``). The 政府信息 kind's analysis, backend
# candidates and ranking over the list's records.
DOCUMENT_LIST_SEARCH = ListSearch(searchable=public_documents, title=document_title)

# A query shaped like a number (digits and something else: 示政发〔2026〕3号, 2026-00004) found
# inside document numbers or index numbers is a look-up: the list is the documents carrying it,
# not what its pieces (2026, 3, 号) find. A year alone (2026) is searched like words.
IDENTIFIER_FIELDS = ("document_number", "index_number")


def identified(queryset, query: str) -> list[int] | None:
    """The records of ``queryset`` whose document or index number contains ``query``, in the
    queryset's order, when ``query`` is shaped like a number and some number contains it; else
    ``None``."""
    if query.isdigit() or not any(c.isdigit() for c in query):
        return None
    condition = Q()
    for name in IDENTIFIER_FIELDS:
        condition |= Q(**{f"{name}__icontains": query})
    return list(queryset.filter(condition).values_list("pk", flat=True)) or None


def public_titles() -> list[str]:
    return list(DisclosureDocumentPage.objects.live().public().values_list("title", flat=True))


DOCUMENTS = registry.register(
    registry.SearchKind(
        key=KEY,
        label="政府信息",
        order=30,
        search=search_documents,
        hits=document_hits,
        titles=public_titles,
        page_models=(DisclosureDocumentPage,),
    )
)
