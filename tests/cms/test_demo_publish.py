"""``core.demo.publish_new``: the demo's cheaper publish leaves a new page as Wagtail's does."""

from __future__ import annotations

import datetime

import pytest
from wagtail.models import PageLogEntry
from wagtail.search.backends import get_search_backend

from audit.models import AuditEvent
from core import demo
from disclosure.index_numbers import assign_index_number
from disclosure.models import DisclosureDocumentPage, Facet

from ..disclosure.factories import classification, section_of
from ..permissions.factories import UserFactory


def _document(department, user, slug: str, title: str) -> DisclosureDocumentPage:
    page = DisclosureDocumentPage(
        title=title,
        slug=slug,
        issuing_body=department,
        written_date=datetime.date(2026, 3, 2),
        summary="测试公开信息",
        topic=classification(Facet.TOPIC, name="综合政务"),
        genre=classification(Facet.GENRE, name="通知"),
        body="<p>正文</p>",
        owner=user,
    )
    page.categories = [classification(Facet.CATEGORY, key="normative_document")]
    return page


def _state(page: DisclosureDocumentPage) -> dict:
    """What a reader, an editor and the audit trail see of a page."""
    page = DisclosureDocumentPage.objects.get(pk=page.pk)
    revision = page.latest_revision
    return {
        "live": page.live,
        "unpublished changes": page.has_unpublished_changes,
        "expired": page.expired,
        "revisions": page.revisions.count(),
        "live is latest": page.live_revision_id == revision.pk,
        "revision carries the index number": revision.as_object().index_number == page.index_number != "",
        "publication date": page.publication_date,
        "published at": page.first_published_at is not None and page.last_published_at is not None,
        "categories": list(page.categories.values_list("key", flat=True)),
        "log": list(PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", "revision_id")),
        "audit": sorted(AuditEvent.objects.filter(object_id=str(page.pk)).values_list("kind", flat=True)),
    }


@pytest.mark.django_db
def test_publish_new_leaves_a_new_page_as_wagtails_publish_does(org):
    admin = UserFactory(username="admin", superuser=True)
    section = section_of(org.dept_a)
    published = datetime.date(2026, 3, 9)

    by_wagtail = _document(org.dept_a, admin, "by-wagtail", "关于开展春季安全检查的通知")
    section.add_child(instance=by_wagtail)
    assign_index_number(by_wagtail, on=published)
    by_wagtail.save_revision(user=admin, log_action=True, clean=False).publish(user=admin)

    by_demo = _document(org.dept_a, admin, "by-demo", "关于开展秋季防火检查的通知")
    revision = demo.publish_new(
        section, by_demo, admin, log_revision=True, added=lambda page: assign_index_number(page, on=published)
    )

    expected, got = _state(by_wagtail), _state(by_demo)
    expected["log"] = [(action, None if rev is None else "revision") for action, rev in expected["log"]]
    got["log"] = [(action, None if rev is None else "revision") for action, rev in got["log"]]
    assert got == expected
    assert [action for action, _ in got["log"]] == ["wagtail.create", "wagtail.edit", "wagtail.publish"]
    assert got["publication date"] == published  # the index number of the day it was added, not of today
    assert by_demo.live_revision == revision
    # Indexed on save as any page (no deferral around this test): the portal search finds it.
    found = get_search_backend().search("秋季防火", DisclosureDocumentPage.objects.live())
    assert [page.pk for page in found] == [by_demo.pk]


@pytest.mark.django_db
def test_publish_new_refuses_a_scheduled_page(org):
    admin = UserFactory(username="admin", superuser=True)
    page = _document(org.dept_a, admin, "later", "关于明年工作安排的通知")
    page.go_live_at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValueError):
        demo.publish_new(section_of(org.dept_a), page, admin)
    assert not DisclosureDocumentPage.objects.filter(slug="later").exists()
