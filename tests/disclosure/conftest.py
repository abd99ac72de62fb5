"""Helpers for the disclosure suites: documents placed and published as editors would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from disclosure.models import Classification, DisclosureDocumentPage, DisclosureSectionPage, Facet


def section_of(department) -> DisclosureSectionPage:
    return DisclosureSectionPage.objects.get(department=department)


def classification(facet: str, **lookup) -> Classification:
    return Classification.objects.get(facet=facet, **lookup)


def make_document(
    department,
    title: str = "关于开展专项检查的通知",
    *,
    written: datetime.date | None = None,
    category: str = "normative_document",
    publish: bool = True,
    slug: str | None = None,
    **fields,
) -> DisclosureDocumentPage:
    """A document in the department's disclosure section, published unless told otherwise."""
    page = DisclosureDocumentPage(
        title=title,
        slug=slug or f"doc-{DisclosureDocumentPage.objects.count() + 1}",
        issuing_body=fields.pop("issuing_body", department),
        written_date=written or timezone.localdate(),
        summary="测试公开信息",
        topic=classification(Facet.TOPIC, name="综合政务"),
        genre=classification(Facet.GENRE, name="通知"),
        body="<p>正文</p>",
        live=False,
        **fields,
    )
    page.categories = [classification(Facet.CATEGORY, key=category)]
    section_of(department).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page
