"""Synonyms editors keep (搜索同义词): validation, who may edit them, and their effect on the next search."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sitesearch import engine
from sitesearch.demo import DEMO_SYNONYMS, load_synonyms
from sitesearch.models import Synonym

from ..matters.factories import MatterFactory
from .factories import SynonymFactory

pytestmark = pytest.mark.django_db


def synonym_url(name: str, *args) -> str:
    return reverse(Synonym.snippet_viewset.get_url_name(name), args=args or None)


def matter_titles(query: str) -> list[str]:
    group = engine.search(query).groups["matter"]
    return [r.title for r in group.ranked]


def errors_for(words: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Synonym(words=words).full_clean()
    return caught.value.message_dict["words"]


def test_words_are_checked_with_chinese_messages():
    assert errors_for("身份证") == ["至少填写两个词，用“、”分隔。"]
    assert errors_for("身份证、身份證") == ["“身份證”与“身份证”重复。"]
    assert errors_for("身份证、" + "很长" * 11) == [f"“{'很长' * 11}”超过20个字，同义词应是词语而不是句子。"]
    assert errors_for("身份证、——、居民身份证") == ["“——”不是词语，只能用文字、字母或数字。"]
    with pytest.raises(ValidationError):
        Synonym(words="").full_clean()


def test_separators_are_tidied_and_the_direction_shown():
    synonym = Synonym(words="开饭店，餐饮 / 饭馆", one_way=True)
    synonym.full_clean()
    assert synonym.words == "开饭店、餐饮、饭馆"
    assert str(synonym) == "开饭店 → 餐饮、饭馆"
    assert synonym.expansions() == {"开饭店": ["餐饮", "饭馆"]}
    two_way = Synonym(words="身份证、居民身份证")
    assert two_way.expansions() == {"身份证": ["居民身份证"], "居民身份证": ["身份证"]}


def test_an_edit_in_the_admin_takes_effect_on_the_next_search(client, world):
    MatterFactory(department=world.dept_a, name="小餐饮登记")
    assert matter_titles("开饭店") == []
    client.force_login(world.users["disclosure"])
    response = client.post(
        synonym_url("add"),
        {"words": "开饭店、小餐饮", "one_way": "on", "is_active": "on", "note": "热线常见说法", "change_reason": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert matter_titles("开饭店") == ["小餐饮登记"]
    assert matter_titles("小餐饮") == ["小餐饮登记"]

    synonym = Synonym.objects.get()
    response = client.post(
        synonym_url("edit", synonym.pk),
        {"words": "开饭店、小餐饮", "one_way": "on", "note": "停用", "change_reason": "说法已过时"},
    )
    assert response.status_code == 302
    assert matter_titles("开饭店") == []
    assert list(synonym.history.values_list("history_change_reason", flat=True)) == ["说法已过时", "新增搜索同义词"]


def test_a_bad_group_is_refused_in_the_form(client, world):
    client.force_login(world.users["sysadmin"])
    response = client.post(synonym_url("add"), {"words": "身份证", "is_active": "on", "change_reason": ""})
    assert response.status_code == 200
    assert "至少填写两个词" in response.content.decode()
    assert not Synonym.objects.exists()


@pytest.mark.parametrize(("user", "allowed"), [("disclosure", True), ("sysadmin", True), ("owner", False)])
def test_only_the_disclosure_office_and_the_system_administrator_edit_synonyms(client, world, user, allowed):
    synonym = SynonymFactory(words="社保、社会保险")
    client.force_login(world.users[user])
    for url in (synonym_url("list"), synonym_url("add"), synonym_url("edit", synonym.pk)):
        response = client.get(url)
        assert (response.status_code == 200) is allowed, (user, url, response.status_code)
    response = client.post(synonym_url("delete", synonym.pk))
    assert Synonym.objects.filter(pk=synonym.pk).exists() is not allowed


def test_demo_synonyms_are_valid_and_loading_them_twice_changes_nothing():
    load_synonyms()
    assert Synonym.objects.count() == len(DEMO_SYNONYMS)
    load_synonyms()
    assert Synonym.objects.count() == len(DEMO_SYNONYMS)
    assert all(record.history.count() == 1 for record in Synonym.objects.all())
