"""政策解读: a 组配分类 of its own, and each 解读 linked to the policy document it explains, both ways
(the document page, the 解读 page, the catalog filter, the API, the admin form's checks, the demo)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from disclosure.demo import load_interpretations
from disclosure.models import (
    INTERPRETATION_KEY,
    Classification,
    DisclosureDocumentPage,
    DisclosureIndexPage,
    DocumentInterpretation,
    Facet,
)

from ..api.resources_helpers import assert_queries_do_not_grow, body, ids
from ..helpers import form_post_data
from ..theme.conftest import get_html, parse
from .factories import DisclosureDocumentPageFactory, classification, section_of
from .test_catalog import DRAFTAIL_TEXT

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/disclosure/documents/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def interpretation_of(*documents, **kwargs) -> DisclosureDocumentPage:
    kwargs.setdefault("department", documents[0].issuing_body)
    kwargs.setdefault("title", f"《{documents[0].title}》政策解读")
    return DisclosureDocumentPageFactory(
        category=INTERPRETATION_KEY,
        interpreted_links=[DocumentInterpretation(document=d, sort_order=n) for n, d in enumerate(documents)],
        **kwargs,
    )


@pytest.fixture
def policy(world) -> DisclosureDocumentPage:
    return DisclosureDocumentPageFactory(
        department=world.dept_a, title="甲局优化营商环境若干措施", document_number="示甲发〔2026〕8号"
    )


def test_the_classification_is_seeded_and_offered_in_the_catalog_filter(client, world):
    value = Classification.objects.get(facet=Facet.CATEGORY, key=INTERPRETATION_KEY)
    assert value.name == "政策解读" and value.is_active
    html = get_html(client, DisclosureIndexPage.objects.get().url + "catalog/")
    option = parse(html).find("option", value=str(value.pk))
    assert option is not None and option.text == "政策解读"


def test_both_pages_link_to_each_other(client, world, policy):
    jiedu = interpretation_of(policy)
    policy_page = parse(get_html(client, policy.url))
    section = next(s for s in policy_page.find_all("section") if s.text.strip().startswith("政策解读"))
    assert jiedu.title in section.text
    assert policy_page.find("a", href=jiedu.url) is not None

    jiedu_page = parse(get_html(client, jiedu.url))
    section = next(s for s in jiedu_page.find_all("section") if s.text.strip().startswith("解读的文件"))
    assert policy.title in section.text and "示甲发〔2026〕8号" in section.text
    assert jiedu_page.find("a", href=policy.url) is not None


def test_only_live_pages_are_linked(client, world, policy):
    draft = interpretation_of(policy, title="尚未发布的解读", draft=True)
    assert "尚未发布的解读" not in get_html(client, policy.url)
    assert not any(
        s.text.strip().startswith("政策解读") for s in parse(get_html(client, policy.url)).find_all("section")
    )

    jiedu = interpretation_of(policy)
    policy.unpublish()
    html = get_html(client, jiedu.url)
    assert parse(html).find("a", href=policy.url) is None and "解读的文件" not in html
    assert draft.title not in get_html(client, jiedu.url)


def test_a_document_without_interpretations_shows_neither_section(client, world, policy):
    html = get_html(client, policy.url)
    assert "解读的文件" not in html
    assert not any(s.text.strip().startswith("政策解读") for s in parse(html).find_all("section"))


def test_the_catalog_filters_by_the_classification(client, world, policy):
    jiedu = interpretation_of(policy)
    value = classification(Facet.CATEGORY, key=INTERPRETATION_KEY)
    doc = parse(get_html(client, DisclosureIndexPage.objects.get().url + f"catalog/?category={value.pk}"))
    assert doc.find("a", href=jiedu.url) is not None and doc.find("a", href=policy.url) is None


def test_the_api_exposes_both_links(api, world, policy):
    other = DisclosureDocumentPageFactory(department=world.dept_b, title="乙局配套文件")
    jiedu = interpretation_of(policy, other)
    interpretation_of(policy, title="草稿解读", draft=True)
    records = {r["id"]: r for r in body(api.get(DOCUMENTS, {"page_size": 50}))["results"]}
    assert records[jiedu.pk]["interprets"] == [policy.pk, other.pk]
    assert records[jiedu.pk]["interpretations"] == []
    assert records[policy.pk]["interpretations"] == [jiedu.pk]
    assert records[policy.pk]["interprets"] == []
    assert body(api.get(f"{DOCUMENTS}{other.pk}/"))["interpretations"] == [jiedu.pk]

    other.unpublish()
    assert body(api.get(f"{DOCUMENTS}{jiedu.pk}/"))["interprets"] == [policy.pk]
    assert ids(api.get(DOCUMENTS, {"category": classification(Facet.CATEGORY, key=INTERPRETATION_KEY).code})) == [
        jiedu.pk
    ]


def test_the_api_queries_do_not_grow_with_linked_documents(api, world, policy):
    interpretation_of(policy)
    for n in range(9):  # 20 documents, each linked one way or the other
        interpretation_of(DisclosureDocumentPageFactory(department=world.dept_b, title=f"乙局文件{n}"))
    assert_queries_do_not_grow(api, DOCUMENTS)


# ---- the admin form -------------------------------------------------------------------------


def form_data(parent, page=None, documents=(), interpretation=True, **changes) -> dict:
    """The add/edit form as the admin posts it, naming ``documents`` as 解读的文件."""
    form_class = DisclosureDocumentPage.get_edit_handler().get_form_class()
    instance = page.get_latest_revision_as_object() if page is not None else DisclosureDocumentPage()
    form = form_class(instance=instance, parent_page=parent, for_user=None)
    data = form_post_data(form)
    categories = [classification(Facet.CATEGORY, key="normative_document")]
    if interpretation:
        categories.append(classification(Facet.CATEGORY, key=INTERPRETATION_KEY))
    data.update(
        {
            "title": "《优化营商环境若干措施》解读",
            "slug": "yshj-jd",
            "written_date": "2026-11-02",
            "summary": "解读若干措施。",
            "issuing_body": str(parent.specific.department.pk),
            "topic": str(classification(Facet.TOPIC, name="综合政务").pk),
            "genre": str(classification(Facet.GENRE, name="其他").pk),
            "categories": [str(c.pk) for c in categories],
            "body": DRAFTAIL_TEXT,
        }
    )
    for key in [k for k in data if k.startswith("interpreted_links-")]:
        del data[key]
    data.update(
        {
            "interpreted_links-TOTAL_FORMS": str(len(documents)),
            "interpreted_links-INITIAL_FORMS": "0",
            "interpreted_links-MIN_NUM_FORMS": "0",
            "interpreted_links-MAX_NUM_FORMS": "1000",
        }
    )
    for n, document in enumerate(documents):
        data[f"interpreted_links-{n}-document"] = str(document.pk)
        data[f"interpreted_links-{n}-ORDER"] = str(n + 1)
        data[f"interpreted_links-{n}-DELETE"] = ""
        data[f"interpreted_links-{n}-id"] = ""
    data.update(changes)
    return data


def add_url(section) -> str:
    return reverse("wagtailadmin_pages:add", args=["disclosure", "disclosuredocumentpage", section.pk])


def errors_of(response) -> str:
    assert response.status_code == 200, "the form should have been refused"
    return response.content.decode()


def test_an_editor_names_the_documents_a_jiedu_explains(client, world, policy):
    other = DisclosureDocumentPageFactory(department=world.dept_b, title="乙局配套文件")
    client.force_login(world.users["owner"])
    section = section_of(world.dept_a)
    response = client.post(add_url(section), form_data(section, documents=[policy, other]))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = DisclosureDocumentPage.objects.get(slug="yshj-jd")
    assert [link.document_id for link in page.interpreted_links.order_by("sort_order")] == [policy.pk, other.pk]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_documents", "勾选“政策解读”时，请在“解读的文件”中选择所解读的政策文件。"),
        ("not_ticked", "已选择“解读的文件”，请在组配分类中勾选“政策解读”。"),
        ("twice", "已经选过一次。"),
        ("a_jiedu", "本身是政策解读，请选择它所解读的政策文件。"),
    ],
)
def test_the_form_refuses_what_is_not_a_jiedu_link(client, world, policy, case, message):
    client.force_login(world.users["owner"])
    section = section_of(world.dept_a)
    data = {
        "no_documents": lambda: form_data(section, documents=[]),
        "not_ticked": lambda: form_data(section, documents=[policy], interpretation=False),
        "twice": lambda: form_data(section, documents=[policy, policy]),
        "a_jiedu": lambda: form_data(section, documents=[interpretation_of(policy)]),
    }[case]()
    html = errors_of(client.post(add_url(section), data))
    assert message in html
    assert not DisclosureDocumentPage.objects.filter(slug="yshj-jd").exists()


def test_a_jiedu_cannot_explain_itself(client, world, policy):
    jiedu = interpretation_of(policy)
    client.force_login(world.users["owner"])
    data = form_data(jiedu.get_parent(), page=jiedu, documents=[jiedu], slug=jiedu.slug)
    html = errors_of(client.post(reverse("wagtailadmin_pages:edit", args=[jiedu.pk]), data))
    assert "解读的文件不能是本文件自己。" in html
    assert [link.document_id for link in DocumentInterpretation.objects.filter(page=jiedu)] == [policy.pk]


def test_only_a_document_can_be_chosen(client, world, policy):
    client.force_login(world.users["owner"])
    section = section_of(world.dept_a)
    data = form_data(section, documents=[policy])
    data["interpreted_links-0-document"] = str(section.pk)  # a section page, not a document
    html = errors_of(client.post(add_url(section), data))
    assert "选择一个有效的选项" in html
    assert not DisclosureDocumentPage.objects.filter(slug="yshj-jd").exists()


# ---- the demo -------------------------------------------------------------------------------


def test_the_demo_links_two_interpretations_to_its_regulations(client, world):
    regulations = [
        DisclosureDocumentPageFactory(department=world.dept_a, title=title, slug=slug, category="regulation")
        for title, slug in (("示范市政府信息公开工作规定", "regulation-2"), ("示范市优化营商环境办法", "regulation-3"))
    ]
    assert load_interpretations({"city": world.dept_a}, world.users["sysadmin"]) == 2
    assert load_interpretations({"city": world.dept_a}, world.users["sysadmin"]) == 0  # once
    for regulation in regulations:
        jiedu = DisclosureDocumentPage.objects.live().get(interpreted_links__document=regulation)
        assert jiedu.index_number and jiedu.categories.filter(key=INTERPRETATION_KEY).exists()
        assert jiedu.title in get_html(client, regulation.url)
