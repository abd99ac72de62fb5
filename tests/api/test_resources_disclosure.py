"""/api/v1/disclosure/documents/: the proactive-disclosure catalog (live, public documents)."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from disclosure.models import DisclosureDocumentPage, Facet

from ..disclosure.factories import DisclosureDocumentPageFactory, DisclosureRequestFactory, classification
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

DOCUMENTS = "/api/v1/disclosure/documents/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(world):
    notice = DisclosureDocumentPageFactory(
        department=world.dept_a,
        title="关于开展专项检查的通知",
        with_attachment=True,
        document_number="示甲发〔2026〕3号",
        keywords="专项检查、安全生产",
        written_date=datetime.date(2026, 1, 5),
    )
    plan = DisclosureDocumentPageFactory(
        department=world.dept_b,
        title="乙局年度工作计划",
        category="plan",
        genre=classification(Facet.GENRE, name="意见"),
        topic=classification(Facet.TOPIC, name="财政、金融、审计"),
    )
    draft = DisclosureDocumentPageFactory(department=world.dept_a, title="尚未发布的文件", draft=True)
    return {"notice": notice, "plan": plan, "draft": draft}


class TestDocuments:
    def test_list_and_detail(self, api, world, documents):
        response = api.get(DOCUMENTS)
        assert response.status_code == 200
        assert set(ids(response)) == {documents["notice"].pk, documents["plan"].pk}
        doc = documents["notice"]
        record = body(api.get(f"{DOCUMENTS}{doc.pk}/"))
        category = classification(Facet.CATEGORY, key="normative_document")
        assert record == {
            **record,
            "id": doc.pk,
            "title": "关于开展专项检查的通知",
            "url": doc.full_url,
            "index_number": doc.index_number,
            "issuing_body": {"id": world.dept_a.pk, "credit_code": world.dept_a.credit_code, "name": "示范市甲局"},
            "document_number": "示甲发〔2026〕3号",
            "written_date": "2026-01-05",
            "publication_date": doc.publication_date.isoformat(),
            "summary": "测试公开信息",
            "keywords": ["专项检查", "安全生产"],
            "topic": {"code": classification(Facet.TOPIC, name="综合政务").code, "name": "综合政务"},
            "genre": {"code": classification(Facet.GENRE, name="通知").code, "name": "通知"},
            "categories": [{"code": category.code, "name": category.name}],
            "scope": "面向社会",
            "validity": "in_force",
            "validity_name": "有效",
            "validity_date": None,
            "replaced_by": None,
        }
        assert doc.index_number
        [attachment] = record["attachments"]
        assert attachment["title"] == "附件一：实施细则"
        assert attachment["url"].startswith("http://localhost/documents/")
        assert "linktype" not in record["body"] and 'href="/documents/' in record["body"]
        assert record["first_published_at"] and record["last_published_at"]

    def test_filters_and_search(self, api, world, documents):
        notice, plan = documents["notice"], documents["plan"]
        DisclosureDocumentPage.objects.filter(pk=plan.pk).update(publication_date=datetime.date(2024, 6, 1))
        normative = classification(Facet.CATEGORY, key="normative_document").code
        assert ids(api.get(DOCUMENTS, {"body": world.dept_b.credit_code})) == [plan.pk]
        assert ids(api.get(DOCUMENTS, {"category": normative})) == [notice.pk]
        assert ids(api.get(DOCUMENTS, {"topic": plan.topic.code})) == [plan.pk]
        assert ids(api.get(DOCUMENTS, {"genre": notice.genre.code})) == [notice.pk]
        assert ids(api.get(DOCUMENTS, {"year": "2024"})) == [plan.pk]
        assert ids(api.get(DOCUMENTS, {"year": str(notice.publication_date.year)})) == [notice.pk]
        assert ids(api.get(DOCUMENTS, {"validity": "in_force"})) == [notice.pk, plan.pk]
        assert ids(api.get(DOCUMENTS, {"validity": "repealed"})) == []
        assert ids(api.get(DOCUMENTS, {"index_number": plan.index_number})) == [plan.pk]
        # q is the portal's search (docs/search.md): a word of the title or of the keywords, in
        # pinyin, initials or Traditional characters; a number is a look-up.
        for query in ("专项检查", "zhuanxiangjiancha", "zxjc", "專項檢查", "安全生产", "aqsc"):
            assert ids(api.get(DOCUMENTS, {"q": query})) == [notice.pk], query
        for query in ("年度工作", "工作计划", "ndgz", "年度工作計劃"):
            assert ids(api.get(DOCUMENTS, {"q": query})) == [plan.pk], query
        assert ids(api.get(DOCUMENTS, {"q": "示甲发〔2026〕3号"})) == [notice.pk]
        assert ids(api.get(DOCUMENTS, {"q": plan.index_number})) == [plan.pk]
        assert ids(api.get(DOCUMENTS, {"q": "检查", "body": world.dept_b.credit_code})) == []
        bad = api.get(DOCUMENTS, {"validity": "maybe"})
        assert bad.status_code == 400 and "有效性" in body(bad)["validity"][0]

    def test_draft_is_absent_and_404(self, api, world, documents):
        assert documents["draft"].pk not in ids(api.get(DOCUMENTS))
        assert_not_found_in_chinese(api, f"{DOCUMENTS}{documents['draft'].pk}/")

    def test_replaced_by_only_names_a_public_document(self, api, world, documents):
        old = DisclosureDocumentPageFactory(
            department=world.dept_a,
            title="已废止的办法",
            validity="repealed",
            validity_date=datetime.date(2026, 1, 1),
            replaced_by=documents["notice"],
        )
        url = f"{DOCUMENTS}{old.pk}/"
        record = body(api.get(url))
        assert record["replaced_by"] == documents["notice"].pk
        assert record["validity_name"] == "已废止" and record["validity_date"] == "2026-01-01"
        _, again = revalidate(api, url, documents["notice"].unpublish)
        assert body(again)["replaced_by"] is None

    def test_classification_rename_reaches_the_records(self, api, world, documents):
        topic = classification(Facet.TOPIC, name="综合政务")

        def rename():
            topic.name = "综合政务（新）"
            topic.save()

        _, again = revalidate(api, DOCUMENTS, rename)
        notice = next(r for r in body(again)["results"] if r["id"] == documents["notice"].pk)
        assert notice["topic"]["name"] == "综合政务（新）"

    def test_department_rename_changes_the_etag(self, api, world, documents):
        def rename():
            world.dept_b.name = "示范市乙局（更名）"
            world.dept_b.save()

        _, again = revalidate(api, f"{DOCUMENTS}{documents['plan'].pk}/", rename)
        assert body(again)["issuing_body"]["name"] == "示范市乙局（更名）"

    @override_settings(API_SYNC_OVERLAP_SECONDS=0)
    def test_sync_reports_unpublished_and_deleted_documents(self, api, world, documents):
        moment = timezone.now()
        documents["plan"].unpublish()
        doomed = DisclosureDocumentPageFactory(department=world.dept_a, title="将删除的文件")
        doomed_pk = doomed.pk
        doomed.delete()
        fresh = DisclosureDocumentPageFactory(department=world.dept_b, title="新发布的文件")
        response = api.get(DOCUMENTS, since(moment))
        assert ids(response) == [fresh.pk]
        assert tombstones(response) == {(str(documents["plan"].pk), "withdrawn"), (str(doomed_pk), "deleted")}

    def test_feed_with_classifications_departments_and_publication_order(self, api, world, documents):
        older = DisclosureDocumentPageFactory(department=world.dept_a, title="较早的通知")
        DisclosureDocumentPage.objects.filter(pk=older.pk).update(publication_date=datetime.date(2025, 1, 1))
        feed = FeedFactory(
            department=world.dept_a,
            slug="notices-a",
            title="甲局通知",
            source="disclosure_documents",
            ordering="-published",
            departments=[world.dept_a],
            classifications=[classification(Facet.GENRE, name="通知")],
        )
        data = body(api.get("/api/v1/feeds/notices-a/"))
        assert [r["id"] for r in data["results"]] == [documents["notice"].pk, older.pk]
        feed.classifications.set([classification(Facet.CATEGORY, key="plan")])
        feed.departments.clear()
        assert [r["id"] for r in body(api.get("/api/v1/feeds/notices-a/"))["results"]] == [documents["plan"].pk]

    def test_no_applicant_data(self, api, world, documents, settings):
        settings.API_SYNC_OVERLAP_SECONDS = 3600
        DisclosureRequestFactory(department=world.dept_a, received=datetime.date(2026, 1, 5))
        texts = [
            api.get(DOCUMENTS).content.decode(),
            api.get(DOCUMENTS, since(timezone.now() - datetime.timedelta(minutes=5))).content.decode(),
            api.get(f"{DOCUMENTS}{documents['notice'].pk}/").content.decode(),
        ]
        for text in texts:
            for value in ("张三丰", "110101199003071234", "13812345678", "湖滨路18号", "zhang@example.cn"):
                assert value not in text

    def test_queries_do_not_grow(self, api, world):
        for i in range(20):
            DisclosureDocumentPageFactory(
                department=world.dept_a if i % 2 else world.dept_b, title=f"文件{i}", with_attachment=True
            )
        assert_queries_do_not_grow(api, DOCUMENTS)
