"""/api/v1/guides/ and /api/v1/bundles/: live public guide pages, their matters and blocks."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from matters import lifecycle

from ..cms.factories import DocumentFactory, ImageFactory
from ..guides.factories import BundleGuidePageFactory, GuidePageFactory
from ..helpers import publish_change
from ..matters.factories import MatterFactory, term
from ..terminals.factories import FeedFactory
from .resources_helpers import (
    assert_not_found_in_chinese,
    assert_queries_do_not_grow,
    body,
    ids,
    revalidate,
    since,
    tombstones,
)

GUIDES = "/api/v1/guides/"
BUNDLES = "/api/v1/bundles/"

pytestmark = pytest.mark.django_db


def full_body(linked_page, related_pages, image, document) -> list[dict]:
    """One block of every kind, naming a page, an image and a document."""
    return [
        {
            "type": "notice",
            "value": {
                "kind": "tip",
                "title": "温馨提示",
                "text": f'<p>另见<a linktype="page" id="{linked_page.pk}">相关指南</a>。</p>',
            },
        },
        {
            "type": "illustrated_steps",
            "value": {
                "heading": "图解办事步骤",
                "steps": [{"title": "取号", "image": image.pk, "image_alt": "在取号机上取号", "text": "<p>先取号</p>"}],
            },
        },
        {
            "type": "faq",
            "value": {"heading": "常见问题", "items": [{"question": "要带什么？", "answer": "<p>居民身份证</p>"}]},
        },
        {
            "type": "downloads",
            "value": {
                "heading": "表格下载",
                "items": [{"title": "申请表", "blank": document.pk, "sample": None, "note": "黑色签字笔填写"}],
            },
        },
        {
            "type": "location",
            "value": {
                "name": "市政务服务中心",
                "address": "人民大道1号",
                "longitude": "113.123456",
                "latitude": "23.654321",
                "transport": "地铁1号线",
                "parking": "",
                "accessibility": "无障碍通道",
            },
        },
        {"type": "related_guides", "value": {"heading": "相关指南", "pages": [p.pk for p in related_pages]}},
    ]


@pytest.fixture
def guides(world):
    other = GuidePageFactory(matter=world.matters["other"], title="乙局在用事项办事指南")
    draft_matter = MatterFactory(department=world.dept_a, name="草稿指南的事项")
    draft = GuidePageFactory(matter=draft_matter, title="尚未发布的指南", draft=True)
    own = GuidePageFactory(
        matter=world.matters["own"],
        title="甲局在用事项办事指南",
        body=full_body(other, [other, draft], ImageFactory(), DocumentFactory()),
    )
    return {"own": own, "other": other, "draft": draft}


class TestGuides:
    def test_list_and_detail(self, api, world, guides):
        response = api.get(GUIDES)
        assert response.status_code == 200
        assert set(ids(response)) == {guides["own"].pk, guides["other"].pk}
        own = guides["own"]
        record = body(api.get(f"{GUIDES}{own.pk}/"))
        matter = world.matters["own"]
        assert record == {
            **record,
            "id": own.pk,
            "title": "甲局在用事项办事指南",
            "slug": own.slug,
            "department": {"id": world.dept_a.pk, "credit_code": world.dept_a.credit_code, "name": "示范市甲局"},
            "matter": {
                "id": matter.pk,
                "implementation_code": matter.implementation_code,
                "name": "甲局在用事项",
                "in_force": True,
            },
            "summary": "测试指南",
        }
        assert record["url"] == own.full_url and record["url"].startswith("http")
        assert record["print_url"] == own.full_url + "print/"
        assert record["pdf_url"] == own.full_url + "print/pdf/"
        assert record["first_published_at"] and record["last_published_at"]
        assert "materials" not in record  # the matter's elements are at /api/v1/matters/

    def test_blocks_as_plain_json(self, api, world, guides):
        blocks = body(api.get(f"{GUIDES}{guides['own'].pk}/"))["body"]
        assert [b["type"] for b in blocks] == [
            "notice",
            "illustrated_steps",
            "faq",
            "downloads",
            "location",
            "related_guides",
        ]
        notice, steps, faq, downloads, location, related = blocks
        assert notice["kind"] == "tip" and notice["kind_name"] == "温馨提示"
        assert "linktype" not in notice["text"] and f'href="{guides["other"].url}"' in notice["text"]
        step = steps["steps"][0]
        assert step["image"]["alt"] == "在取号机上取号" and step["image"]["url"].startswith("http")
        assert (step["image"]["width"], step["image"]["height"]) == (40, 30)
        assert faq["items"] == [{"question": "要带什么？", "answer": "<p>居民身份证</p>"}]
        item = downloads["items"][0]
        assert item["blank_url"].startswith("http://localhost/documents/") and item["blank_url"].endswith(".pdf")
        assert item["sample_url"] is None and item["note"] == "黑色签字笔填写"
        assert location["longitude"] == 113.123456 and location["latitude"] == 23.654321
        # The unpublished guide is left out of the related guides.
        assert related["pages"] == [
            {"id": guides["other"].pk, "title": "乙局在用事项办事指南", "url": guides["other"].full_url}
        ]

    def test_filters_and_search(self, api, world, guides):
        own, other = guides["own"].pk, guides["other"].pk
        assert ids(api.get(GUIDES, {"department": world.dept_b.credit_code})) == [other]
        assert ids(api.get(GUIDES, {"department": "no-such-code"})) == []
        assert ids(api.get(GUIDES, {"matter": world.matters["own"].implementation_code})) == [own]
        theme = term("natural_theme", name="准营准办")
        assert set(ids(api.get(GUIDES, {"theme": theme.code}))) == {own, other}
        assert ids(api.get(GUIDES, {"theme": "no-such-theme"})) == []
        assert ids(api.get(GUIDES, {"q": "乙局"})) == [other]
        assert ids(api.get(GUIDES, {"q": world.matters["own"].implementation_code})) == [own]

    def test_draft_and_private_guides_are_absent_and_404(self, api, world, guides):
        # (A view restriction does not bump the collection yet: restrict before the first read.)
        PageViewRestriction.objects.create(page=guides["other"], restriction_type="password", password="secret")
        assert ids(api.get(GUIDES)) == [guides["own"].pk]
        assert_not_found_in_chinese(api, f"{GUIDES}{guides['draft'].pk}/")
        assert_not_found_in_chinese(api, f"{GUIDES}{guides['other'].pk}/")

    @pytest.mark.parametrize("change", ["matter", "cancel", "guide", "related"])
    def test_relevant_edits_change_the_etag(self, api, world, guides, change):
        def edit():
            if change == "matter":
                publish_change(world.matters["own"], name="甲局在用事项（新名称）")
            elif change == "cancel":
                lifecycle.change_state(world.matters["own"], world.users["reviewer"], "cancel", "法律修订")
            elif change == "guide":
                page = guides["own"].get_latest_revision_as_object()
                page.title = "甲局指南（新标题）"
                page.save_revision().publish()
            else:
                page = guides["other"].get_latest_revision_as_object()
                page.title = "乙局指南（新标题）"
                page.save_revision().publish()

        url = f"{GUIDES}{guides['own'].pk}/"
        _, again = revalidate(api, url, edit)
        record = body(again)
        if change == "matter":
            assert record["matter"]["name"] == "甲局在用事项（新名称）"
        elif change == "cancel":
            assert record["matter"]["in_force"] is False
        elif change == "guide":
            assert record["title"] == "甲局指南（新标题）"
        else:
            assert record["body"][-1]["pages"][0]["title"] == "乙局指南（新标题）"

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_unpublished_and_deleted_guides(self, api, world, guides):
        moment = timezone.now()
        guides["other"].unpublish()
        page = guides["own"].get_latest_revision_as_object()
        page.summary = "新的一句话说明"
        page.save_revision().publish()
        gone = MatterFactory(department=world.dept_b, name="将删除指南的事项")
        deleted = GuidePageFactory(matter=gone)
        deleted_pk = deleted.pk
        deleted.delete()
        response = api.get(GUIDES, since(moment))
        assert ids(response) == [guides["own"].pk]
        assert tombstones(response) >= {(str(guides["other"].pk), "withdrawn"), (str(deleted_pk), "deleted")}

    def test_feed_of_guides(self, api, world, guides):
        feed = FeedFactory(
            department=world.dept_a, slug="b-guides", title="乙局指南", source="guides", departments=[world.dept_b]
        )
        data = body(api.get("/api/v1/feeds/b-guides/"))
        assert [r["id"] for r in data["results"]] == [guides["other"].pk]
        feed.departments.clear()
        feed.terms.set([term("natural_theme", name="准营准办")])
        assert {r["id"] for r in body(api.get("/api/v1/feeds/b-guides/"))["results"]} == {
            guides["own"].pk,
            guides["other"].pk,
        }

    def test_queries_do_not_grow(self, api, world):
        image, document = ImageFactory(), DocumentFactory()
        first = GuidePageFactory(matter=world.matters["other"])
        for i in range(20):
            matter = MatterFactory(department=world.dept_a if i % 2 else world.dept_b)
            GuidePageFactory(matter=matter, body=full_body(first, [first], image, document))
        assert_queries_do_not_grow(api, GUIDES)


# ---- bundles -------------------------------------------------------------------------------


class TestBundles:
    def test_list_detail_and_filters(self, api, world):
        own, other = world.matters["own"], world.matters["other"]
        bundle = BundleGuidePageFactory(
            department=world.dept_a, members=[(own, 1), (other, 2)], promised_total=12, windows_note="一楼综合窗口"
        )
        record = body(api.get(f"{BUNDLES}{bundle.pk}/"))
        assert record == {
            **record,
            "title": "测试“一件事”",
            "department": {"id": world.dept_a.pk, "credit_code": world.dept_a.credit_code, "name": "示范市甲局"},
            "windows_note": "一楼综合窗口",
            "promised_total": 12,
            "body": [],
        }
        assert [(m["stage"], m["matter"]["id"], m["matter"]["in_force"]) for m in record["members"]] == [
            (1, own.pk, True),
            (2, other.pk, True),
        ]
        assert record["print_url"].endswith("/print/") and record["pdf_url"].endswith("/print/pdf/")
        assert ids(api.get(BUNDLES, {"matter": other.implementation_code})) == [bundle.pk]
        assert ids(api.get(BUNDLES, {"department": world.dept_b.credit_code})) == []
        assert ids(api.get(BUNDLES, {"department": world.dept_a.credit_code})) == [bundle.pk]
        assert ids(api.get(BUNDLES, {"theme": term("natural_theme", name="准营准办").code})) == [bundle.pk]
        assert ids(api.get(BUNDLES, {"q": "一件事"})) == [bundle.pk]

    def test_unpublished_bundle_is_absent_404_and_a_tombstone(self, api, world, settings):
        settings.API_SYNC_OVERLAP_SECONDS = 0
        bundle = BundleGuidePageFactory(
            department=world.dept_a, members=[(world.matters["own"], 1), (world.matters["other"], 1)]
        )
        moment = timezone.now()
        bundle.unpublish()
        assert ids(api.get(BUNDLES)) == []
        assert_not_found_in_chinese(api, f"{BUNDLES}{bundle.pk}/")
        assert tombstones(api.get(BUNDLES, since(moment))) == {(str(bundle.pk), "withdrawn")}

    def test_member_matter_rename_changes_the_etag(self, api, world):
        bundle = BundleGuidePageFactory(
            department=world.dept_a, members=[(world.matters["own"], 1), (world.matters["other"], 2)]
        )
        _, again = revalidate(api, BUNDLES, lambda: publish_change(world.matters["other"], name="乙局事项（新）"))
        assert body(again)["results"][0]["members"][1]["matter"]["name"] == "乙局事项（新）"
        assert bundle.pk in ids(again)

    def test_queries_do_not_grow(self, api, world):
        extra = MatterFactory(department=world.dept_b)
        for i in range(20):
            BundleGuidePageFactory(
                department=world.dept_a if i % 2 else world.dept_b,
                members=[(world.matters["own"], 1), (world.matters["other"], 2), (extra, 2)],
            )
        assert_queries_do_not_grow(api, BUNDLES)
