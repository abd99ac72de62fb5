"""The generic page kind (栏目页面): every live, public page no other kind searches.

Section pages, column indexes, category pages, the disclosure guide, the annual report … found
by title and description from a cached list (``engine.search_pages``). Registered here like the
domains' kinds in their ``search.py`` (see ``sitesearch.registry``); last on the search page.
"""

from __future__ import annotations

from . import engine, registry

PAGE = registry.register(
    registry.SearchKind(
        key="page",
        label="栏目页面",
        order=100,
        search=engine.search_pages,
        hits=engine.page_hits,
        titles=engine.page_titles,
        by_department=False,  # pages have no department: left out when the visitor filters by one
    )
)
