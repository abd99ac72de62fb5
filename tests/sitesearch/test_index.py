"""The index behind the search: what stock Wagtail misses, and keeping it current."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from matters import lifecycle
from matters.models import Matter
from sitesearch import engine
from sitesearch.demo import ensure_index
from sitesearch.signals import indexing_deferred

from ..cms.factories import PlainPageFactory
from ..guides.factories import BundleGuidePageFactory, GuidePageFactory
from ..helpers import publish_change
from ..matters.factories import MatterFactory

pytestmark = pytest.mark.django_db


def found(query: str, kind: str) -> list[str]:
    group = engine.search(query).groups.get(kind)
    return [r.title for r in group.ranked] if group else []


def test_stock_wagtail_finds_nothing_for_a_word_inside_a_chinese_title_and_ours_does(world):
    """The measured fact in docs/search.md: the database backend keeps a run of Chinese as one token."""
    page = PlainPageFactory(title="营业执照核发")  # a plain Page: Wagtail's own search fields, title only
    assert list(Page.objects.live().search("营业执照核发")) == [page]
    assert list(Page.objects.live().search("营业执照")) == []
    assert list(Page.objects.live().search("营业执照", operator="or")) == []

    MatterFactory(department=world.dept_a, name="营业执照核发")
    assert found("营业执照", "matter") == ["营业执照核发"]
    assert found("营业执照", "page") == ["营业执照核发"]


def test_chinese_tokens_survive_the_database_backend(world):
    """On PostgreSQL the keywords go through to_tsvector: the 'simple' configuration keeps them."""
    matter = MatterFactory(department=world.dept_a, name="营业执照核发")
    backend = get_search_backend()
    assert list(backend.search("营业执照", Matter.objects.all())) == [matter]
    assert list(backend.search("yyzz", Matter.objects.all())) == [matter]
    if connection.vendor == "postgresql":
        assert backend.config == "simple"
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsvector('simple', %s)::text", ["营业执照 yyzz 养老保险 an"])
            (vector,) = cursor.fetchone()
        for lexeme in ("'营业执照'", "'yyzz'", "'养老保险'", "'an'"):
            assert lexeme in vector


def test_shorter_words_are_tried_only_when_the_whole_words_find_nothing(world):
    MatterFactory(department=world.dept_a, name="身份证换领")
    assert found("居民身份证", "matter") == ["身份证换领"]  # 居民身份证 is not in the index: 身份证 is
    MatterFactory(department=world.dept_a, name="居民身份证挂失")
    assert found("居民身份证", "matter") == ["居民身份证挂失"]


def test_a_published_change_replaces_the_old_words_and_reaches_the_guide(world):
    matter = MatterFactory(department=world.dept_a, name="老年人优待证办理")
    GuidePageFactory(matter=matter, title="优待证办事指南")
    assert found("优待证", "matter") == ["老年人优待证办理"]
    publish_change(matter, name="敬老卡办理")
    assert found("优待证", "matter") == []
    assert found("敬老卡", "matter") == ["敬老卡办理"]
    assert found("敬老卡", "guide") == ["优待证办事指南"]  # the guide carries its matter's name


def test_drafts_of_a_change_are_not_searchable_until_published(world):
    matter = MatterFactory(department=world.dept_a, name="临时救助申请")
    draft = matter.get_latest_revision_as_object()
    draft.name = "敬老助餐补贴申请"
    draft.save_revision()
    assert found("助餐", "matter") == []
    assert found("临时救助", "matter") == ["临时救助申请"]


def test_a_bundle_is_found_by_the_names_of_its_matters(world):
    first = MatterFactory(department=world.dept_a, name="出生医学证明办理")
    second = MatterFactory(department=world.dept_a, name="预防接种证办理")
    BundleGuidePageFactory(department=world.dept_a, members=[(first, 1), (second, 2)])
    assert "测试“一件事”" in found("预防接种", "guide")


def test_state_changes_written_without_save_leave_the_search(world):
    matter = MatterFactory(department=world.dept_a, name="焰火晚会燃放许可")
    lifecycle.change_state(matter, world.users["sysadmin"], "suspend", "暂停受理")
    assert found("焰火", "matter") == []
    lifecycle.change_state(matter, world.users["sysadmin"], "resume", "恢复受理")
    assert found("焰火", "matter") == ["焰火晚会燃放许可"]


def test_update_index_rebuilds_everything(world):
    matter = MatterFactory(department=world.dept_a, name="营业执照核发")
    GuidePageFactory(matter=matter)
    IndexEntry.objects.all().delete()
    assert found("营业执照", "matter") == [] and found("营业执照", "guide") == []
    call_command("update_index", stdout=io.StringIO())
    assert found("营业执照", "matter") == ["营业执照核发"]
    assert found("yyzz", "guide") == ["营业执照核发办事指南"]


def test_a_demo_database_indexed_before_the_search_existed_is_rebuilt_once(world, settings):
    MatterFactory(department=world.dept_a, name="营业执照核发")
    assert ensure_index() is False  # complete: nothing to do
    IndexEntry.objects.all().delete()
    assert ensure_index() is True
    assert found("营业执照", "matter") == ["营业执照核发"]
    IndexEntry.objects.all().delete()
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}}
    assert ensure_index() is False  # indexing switched off on purpose


def test_deferred_indexing_indexes_each_record_once_when_the_block_ends(world):
    """What load_demo does: saves inside the block are indexed at its end, in their last state."""
    with indexing_deferred() as deferred:
        matter = MatterFactory(department=world.dept_a, name="营业执照核发")
        page = PlainPageFactory(title="营商环境专栏")
        matter.name = "营业执照变更"
        matter.save()
        assert found("营业执照", "matter") == []
        assert not IndexEntry.objects.filter(object_id=str(page.pk)).exists()
    assert deferred.indexed == 2  # the matter once, though saved twice, and the page
    assert found("营业执照", "matter") == ["营业执照变更"]
    assert IndexEntry.objects.filter(object_id=str(page.pk)).exists()
    MatterFactory(department=world.dept_a, name="营业执照注销")  # indexing on save is back
    assert sorted(found("营业执照", "matter")) == ["营业执照变更", "营业执照注销"]


def test_new_and_moved_pages_are_found_at_once(world):
    PlainPageFactory(title="营商环境专栏")
    assert found("营商环境", "page") == ["营商环境专栏"]
    page = PlainPageFactory(title="营商环境问答")
    page.unpublish()
    assert found("营商环境", "page") == ["营商环境专栏"]
