"""Disclosure documents in the site search: the 政府信息 kind.

Registered with ``sitesearch.registry`` (imported by sitesearch at start-up, see
docs/search.md). The other disclosure pages (guide, categories, annual reports) are found by
the generic page kind.
"""

from __future__ import annotations

from django.http import HttpRequest

from sitesearch import registry
from sitesearch.analysis import QueryPlan
from sitesearch.engine import Group, Hit, Ranked, Scope, backend_candidates, make_hit, rank

from .models import DisclosureDocumentPage

KEY = "document"


def search_documents(plan: QueryPlan, scope: Scope) -> Group:
    """Live public documents, issued by the scope's department if it has one."""
    queryset = scope.public(DisclosureDocumentPage.objects.select_related("issuing_body"))
    if scope.department is not None:
        queryset = queryset.filter(issuing_body=scope.department)
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
