"""WAGTAILSEARCH_BACKENDS from environment variables (read by cms/settings/base.py).

Pure Python (no Django imports) so the settings module can call it. docs/search.md explains the
variables and how to move from the database backend to Elasticsearch or OpenSearch.
"""

from __future__ import annotations

# SEARCH_BACKEND value → Wagtail backend module
BACKENDS = {
    "database": "wagtail.search.backends.database",
    "elasticsearch7": "wagtail.search.backends.elasticsearch7",
    "elasticsearch8": "wagtail.search.backends.elasticsearch8",
    "elasticsearch9": "wagtail.search.backends.elasticsearch9",
    "opensearch2": "wagtail.search.backends.opensearch2",
    "opensearch3": "wagtail.search.backends.opensearch3",
}
# ``opensearch`` is the backend of the client requirements-search.txt pins (opensearch-py 3: its
# index calls take keyword arguments only, which Wagtail's opensearch2 backend does not use).
ALIASES = {"elasticsearch": "elasticsearch8", "opensearch": "opensearch3", "db": "database"}


class SearchConfigError(ValueError):
    """A search setting that cannot work; the message says what to set."""


def search_backends(
    backend: str = "database",
    *,
    urls: list[str] | None = None,
    index_prefix: str = "",
    timeout: int = 10,
) -> dict[str, dict]:
    """The ``WAGTAILSEARCH_BACKENDS`` setting for ``SEARCH_BACKEND``, ``SEARCH_URL`` …

    The database backend runs on SQLite (FTS5) and PostgreSQL; on PostgreSQL it uses the
    ``simple`` text search configuration, because a language configuration (the cluster's
    default is usually ``english``) stems words and drops stop words such as ``an``, a pinyin
    syllable. Elasticsearch/OpenSearch need ``urls``; the keywords field is analysed by
    whitespace (see ``sitesearch.indexing.keywords_field``), nothing else needs a plugin.
    """
    name = ALIASES.get((backend or "database").strip().lower(), (backend or "database").strip().lower())
    if name not in BACKENDS:
        choices = "、".join([*BACKENDS, *ALIASES])
        raise SearchConfigError(f"SEARCH_BACKEND={backend!r} is not supported; use one of: {choices}.")
    if name == "database":
        return {"default": {"BACKEND": BACKENDS[name], "SEARCH_CONFIG": "simple"}}
    urls = [u for u in (urls or []) if u]
    if not urls:
        raise SearchConfigError(f"SEARCH_BACKEND={name} needs SEARCH_URL (e.g. https://user:password@search:9200).")
    return {
        "default": {
            "BACKEND": BACKENDS[name],
            "URLS": urls,
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": timeout,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }
