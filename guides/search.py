"""Service guides and “一件事” bundles in the site search: the 办事指南 kind.

Registered with ``sitesearch.registry`` (imported by sitesearch at start-up, see
docs/search.md). A guide carries its matter's name and a bundle its matters' names, so both
are indexed again when those matters are published or changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

from matters.models import Matter
from sitesearch import registry
from sitesearch.analysis import QueryPlan
from sitesearch.engine import (
    Group,
    Hit,
    ListSearch,
    Ranked,
    Scope,
    backend_candidates,
    make_hit,
    rank,
    under,
)

from .models import BundleGuidePage, GuidePage, GuideSectionPage

KEY = "guide"
MODELS = (GuidePage, BundleGuidePage)


def search_guides(plan: QueryPlan, scope: Scope) -> Group:
    """Live public guides and bundles, under the guide sections of the scope's department or 区划."""
    found: list[Any] = []
    count = 0
    paths = scope.sections(GuideSectionPage)
    for model in MODELS:
        queryset = scope.public(model.objects.all())
        if paths is not None:
            queryset = under(queryset, paths)
        objects, n = backend_candidates(queryset, plan, weak=scope.weak)
        found += objects
        count += n
    return Group(KEY, count, rank(found, plan, lambda p: p.title))


def guide_hits(ranked: list[Ranked], plan: QueryPlan, request: HttpRequest | None) -> list[Hit]:
    """Hits with the department of the guide's section and whether it is a bundle."""
    parents = {p.path[: -Page.steplen] for p in (r.obj for r in ranked)}
    departments = dict(GuideSectionPage.objects.filter(path__in=parents).values_list("path", "department__name"))
    hits = []
    for item in ranked:
        page = item.obj
        kind = "“一件事”套餐" if isinstance(page, BundleGuidePage) else "办事指南"
        meta = [departments.get(page.path[: -Page.steplen], ""), kind]
        hits.append(make_hit(KEY, item, plan, page.get_url(request) or "", meta, page.summary))
    return hits


def _page_title(page: Page) -> str:
    return page.title


# The API's ``?q=`` on guides and on bundles (``guides.api``): the 办事指南 kind's search and
# ranking over each list's live public pages.
GUIDE_LIST_SEARCH = ListSearch(searchable=lambda: GuidePage.objects.live().public(), title=_page_title)
BUNDLE_LIST_SEARCH = ListSearch(searchable=lambda: BundleGuidePage.objects.live().public(), title=_page_title)


def public_titles() -> list[str]:
    titles: list[str] = []
    for model in MODELS:
        titles += list(model.objects.live().public().values_list("title", flat=True))
    return titles


def guides_of_matters(ids: Sequence[int]) -> list[Page]:
    """The guides and bundles that carry the names of the matters with these ids."""
    bundles = BundleGuidePage.objects.filter(members__matter__in=ids).distinct()
    return [*GuidePage.objects.filter(matter__in=ids), *bundles]


def guide_matter(page: Page) -> int | None:
    """The matter a guide is about (a bundle has several: it stands on its own)."""
    return page.matter_id if isinstance(page, GuidePage) else None


def guide_urls(matter_ids: Sequence[int], request: HttpRequest | None) -> dict[int, str]:
    """Matter → URL of its live public guide, for the matters shown on the search page."""
    guides = GuidePage.objects.live().public().filter(matter__in=matter_ids).order_by("path")
    urls: dict[int, str] = {}
    for page in guides.defer("body"):
        urls.setdefault(page.matter_id, page.get_url(request) or "")
    return urls


GUIDES = registry.register(
    registry.SearchKind(
        key=KEY,
        label="办事指南",
        order=20,
        search=search_guides,
        hits=guide_hits,
        titles=public_titles,
        page_models=MODELS,
        carries={Matter: guides_of_matters},
        # A matter and its guide are one entry on the search page, with both links.
        companion=registry.Companion(host="matter", label="办事指南", host_key=guide_matter, urls=guide_urls),
    )
)
