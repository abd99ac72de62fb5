"""Choosing the search backend by configuration, and what Elasticsearch/OpenSearch would be sent.

No Elasticsearch runs here: the settings mapping is tested as data, and the mapping and query the
Elasticsearch backend would build are compiled without a client.
"""

from __future__ import annotations

import json

import pytest
from modelsearch.backends.elasticsearchbase import (
    ElasticsearchBaseMapping,
    ElasticsearchBaseSearchBackend,
    ElasticsearchBaseSearchQueryCompiler,
)
from wagtail.search.backends import get_search_backend

from disclosure.models import DisclosureDocumentPage
from guides.models import BundleGuidePage, GuidePage
from matters.models import Matter
from sitesearch import engine
from sitesearch.analysis import analyse_query
from sitesearch.conf import SearchConfigError, search_backends

KEYWORDS_COLUMN = "sitesearch_searchkeywordsmixin__search_keywords"


def test_database_backend_is_the_default_with_the_simple_configuration():
    assert search_backends() == {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}}


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("elasticsearch8", "wagtail.search.backends.elasticsearch8"),
        ("elasticsearch", "wagtail.search.backends.elasticsearch8"),
        ("Elasticsearch9", "wagtail.search.backends.elasticsearch9"),
        ("opensearch", "wagtail.search.backends.opensearch2"),
        ("opensearch3", "wagtail.search.backends.opensearch3"),
    ],
)
def test_elasticsearch_and_opensearch_by_name_url_and_prefix(name, module):
    conf = search_backends(name, urls=["https://search:secret@es.internal:9200"], index_prefix="shifan_", timeout=5)
    assert conf["default"]["BACKEND"] == module
    assert conf["default"]["URLS"] == ["https://search:secret@es.internal:9200"]
    assert conf["default"]["INDEX_PREFIX"] == "shifan_"
    assert conf["default"]["TIMEOUT"] == 5


def test_a_cluster_without_url_or_an_unknown_backend_is_refused_with_what_to_set():
    with pytest.raises(SearchConfigError, match="SEARCH_URL"):
        search_backends("opensearch", urls=[""])
    with pytest.raises(SearchConfigError, match="solr"):
        search_backends("solr")


def test_the_settings_use_the_environment(settings):
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == "wagtail.search.backends.database"
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "simple"


@pytest.mark.parametrize("model", [Matter, GuidePage, BundleGuidePage, DisclosureDocumentPage])
def test_elasticsearch_mapping_keeps_the_keywords_whole(model):
    properties = ElasticsearchBaseMapping(model).get_mapping()["properties"]
    assert properties[KEYWORDS_COLUMN]["analyzer"] == "whitespace"
    assert properties[KEYWORDS_COLUMN]["search_analyzer"] == "whitespace"


def test_elasticsearch_query_targets_the_keywords_field_and_keeps_the_public_filters(db):
    class FakeElasticsearch(ElasticsearchBaseSearchBackend):
        def __init__(self):  # no client needed to decide which fields to search
            pass

    assert engine.keyword_fields(FakeElasticsearch()) == ["search_keywords"]
    assert engine.keyword_fields(get_search_backend()) is None  # the database backend's one column
    plan = analyse_query("营业执照", synonyms={})
    compiler = ElasticsearchBaseSearchQueryCompiler(
        Matter.public_queryset().filter(department_id=7), engine.backend_query(plan), fields=["search_keywords"]
    )
    compiler.check()
    query = compiler.get_query()
    should = query["bool"]["must"]["bool"]["should"]
    assert {"match": {KEYWORDS_COLUMN: {"query": "营业执照", "operator": "and"}}} in should
    assert {"match": {KEYWORDS_COLUMN: {"query": "yingyezhizhao", "operator": "and"}}} in should
    filters = json.dumps(query["bool"]["filter"])
    for expected in ('{"live_filter": true}', '{"status_filter": "in_force"}', '{"department_id_filter": 7}'):
        assert expected in filters
