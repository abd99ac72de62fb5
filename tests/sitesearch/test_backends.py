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
        ("opensearch", "wagtail.search.backends.opensearch3"),
        ("opensearch2", "wagtail.search.backends.opensearch2"),
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


def _should_groups(query: dict) -> list[list[str]]:
    """Token groups of the compiled query: a record matches if it has every token of any group."""
    bool_query = query["bool"]["must"]
    clauses = bool_query["bool"]["should"] if "bool" in bool_query else [bool_query]
    return [clause["match"][KEYWORDS_COLUMN]["query"].split() for clause in clauses]


@pytest.mark.parametrize(
    "q",
    ["营业执照", "执照", "yingyezhizhao", "yyzz", "YYZZ", "營業執照", "营业执找", "开饭店", "我要开饭店"],
)
def test_opensearch_finds_a_record_by_the_same_words_pinyin_initials_traditional_and_synonyms(db, world, q):
    """The document and the query OpenSearch would get, matched as its whitespace analyzer does.

    The field is analysed by ``whitespace`` at index and search time, so the server compares the
    tokens our analysis made, unchanged: the record is found when every token of one query group
    is among the document's tokens, as in the database backend. No server needed.
    """
    from tests.matters.factories import MatterFactory

    matter = MatterFactory(department=world.dept_a, name="營業執照遺失補領", result_name="营业执照")
    document = ElasticsearchBaseMapping(Matter).get_document(matter)
    tokens = set(document[KEYWORDS_COLUMN].split())
    assert {"营业执照", "遗失", "yingyezhizhao", "yyzz", "yyzzysbl"} <= tokens  # folded, pinyin, initials
    assert not any(analysis_char in document[KEYWORDS_COLUMN] for analysis_char in "營執遺補")
    plan = analyse_query(q, synonyms={"开饭店": ["营业执照"]})
    compiler = ElasticsearchBaseSearchQueryCompiler(
        Matter.public_queryset(), engine.backend_query(plan), fields=["search_keywords"]
    )
    groups = _should_groups(compiler.get_query())
    assert any(set(group) <= tokens for group in groups), (q, groups)


def test_a_query_for_something_else_matches_no_token_of_the_document(db, world):
    from tests.matters.factories import MatterFactory

    matter = MatterFactory(department=world.dept_a, name="营业执照遗失补领")
    tokens = set(ElasticsearchBaseMapping(Matter).get_document(matter)[KEYWORDS_COLUMN].split())
    for q in ("护照", "huzhao", "执业", "营养"):  # Elasticsearch's standard analyzer would match 执业 …
        compiler = ElasticsearchBaseSearchQueryCompiler(
            Matter.public_queryset(), engine.backend_query(analyse_query(q, synonyms={})), fields=["search_keywords"]
        )
        assert not any(set(group) <= tokens for group in _should_groups(compiler.get_query())), q
