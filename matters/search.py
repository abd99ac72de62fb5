"""Matters in the site search: the 事项 kind, and the keyword box of the public catalog.

Registered with ``sitesearch.registry`` (imported by sitesearch at start-up, see
docs/search.md). Only public matters (published and in force) are ever searched.
"""

from __future__ import annotations

from django.http import HttpRequest

from sitesearch import registry
from sitesearch.analysis import QueryPlan
from sitesearch.engine import Group, Hit, ListSearch, Ranked, Scope, backend_candidates, make_hit, matching_ids, rank

from .models import Matter, MatterType, Term
from .pages import MatterCatalogPage

KEY = "matter"


def matter_title(matter: Matter) -> str:
    return matter.name


def search_matters(plan: QueryPlan, scope: Scope) -> Group:
    """Public matters, of the scope's department or 区划 if it has one."""
    queryset = scope.owned(Matter.public_queryset().select_related("department", "matter_type"))
    found, count = backend_candidates(queryset, plan, weak=scope.weak)
    return Group(KEY, count, rank(found, plan, matter_title))


def _limit_text(days) -> str:
    if days is None:
        return ""
    return "即办" if days == 0 else f"承诺{days}个工作日办结"


def matter_hits(ranked: list[Ranked], plan: QueryPlan, request: HttpRequest | None) -> list[Hit]:
    """Hits linking to the matter in the catalog, with department, type and time limit."""
    catalog = MatterCatalogPage.objects.live().first()
    base = catalog.get_url(request) if catalog is not None else None
    hits = []
    for item in ranked:
        matter = item.obj
        snippet = f"办理结果：{matter.result_name}" if matter.result_name and matter.result_name != matter.name else ""
        meta = [matter.department.name, matter.matter_type.name, _limit_text(matter.promised_limit)]
        hits.append(
            make_hit(KEY, item, plan, f"{base}item/{matter.implementation_code}/" if base else "", meta, snippet)
        )
    return hits


def matching_matter_ids(query: str, limit: int = 1000) -> list[int]:
    """Public matters the search finds for ``query``, best first (the catalog's keyword box)."""
    return matching_ids(Matter.public_queryset(), query, matter_title, limit=limit)


# The API's ``?q=`` on matters (``matters.api``): the catalog's search over the list's records.
LIST_SEARCH = ListSearch(searchable=Matter.public_queryset, title=matter_title)


def public_names() -> list[str]:
    return list(Matter.public_queryset().values_list("name", flat=True))


def domain_words() -> list[str]:
    """Matter type and active term names: jieba keeps them whole, in records and in queries."""
    words = list(MatterType.objects.values_list("name", flat=True))
    return words + list(Term.objects.filter(is_active=True).values_list("name", flat=True))


def index_sample() -> Matter | None:
    return Matter.public_queryset().select_related("department", "matter_type").first()


MATTERS = registry.register(
    registry.SearchKind(
        key=KEY,
        label="事项",
        order=10,
        search=search_matters,
        hits=matter_hits,
        titles=public_names,
        record_models=(Matter,),  # a snippet: publish, unpublish, delete and records_changed
        words=domain_words,
        word_models=(MatterType, Term),
        index_sample=index_sample,
        # The city's and each district's copy of a matter share its 基本编码: one entry on the
        # search page, listing the 区划 of each copy (docs/search.md).
        group_key=lambda matter: matter.basic_code,
        owner=lambda matter: matter.department_id,
        link_label="事项详情",
    )
)
