"""The matter catalog's keyword box searches with the site search (words, pinyin, synonyms)."""

from __future__ import annotations

import pytest

from matters.pages import MatterCatalogPage

from ..matters.factories import MatterFactory
from .factories import SynonymFactory

pytestmark = pytest.mark.django_db


def catalog_names(client, **params) -> set[str]:
    html = client.get(MatterCatalogPage.objects.get().url, params).content.decode()
    names = {"营业执照核发", "食品经营许可证核发", "甲局在用事项", "乙局在用事项", "甲局草稿事项"}
    return {name for name in names if name in html}


def test_the_catalog_finds_matters_by_words_pinyin_traditional_and_synonyms(client, world):
    MatterFactory(department=world.dept_a, name="营业执照核发")
    MatterFactory(department=world.dept_b, name="食品经营许可证核发")
    SynonymFactory(words="办执照、营业执照", one_way=True)
    for query in ("营业执照", "yyzz", "營業執照", "办执照", "我要办营业执照"):
        assert catalog_names(client, q=query) == {"营业执照核发"}, query
    assert catalog_names(client, q="核发") == {"营业执照核发", "食品经营许可证核发"}
    assert catalog_names(client, q="核发", department=world.dept_b.pk) == {"食品经营许可证核发"}
    assert catalog_names(client, q="草稿") == set()  # drafts stay out of the catalog
    assert catalog_names(client, q="在用事项") == {"甲局在用事项", "乙局在用事项"}


def test_with_a_keyword_the_catalog_is_in_relevance_order(client, world):
    MatterFactory(department=world.dept_a, name="食品经营许可证延续")
    MatterFactory(department=world.dept_b, name="食品经营许可证核发")
    url = MatterCatalogPage.objects.get().url
    html = client.get(url, {"q": "spjyxkzhf"}).content.decode()
    assert "食品经营许可证核发" in html and "食品经营许可证延续" not in html
    # 乙局's matter comes after 甲局's in the catalog's order; the one the query names comes first.
    html = client.get(url, {"q": "食品经营许可证核发"}).content.decode()
    assert html.index("食品经营许可证核发") < html.index("食品经营许可证延续")
    html = client.get(url).content.decode()
    assert html.index("食品经营许可证延续") < html.index("食品经营许可证核发")
