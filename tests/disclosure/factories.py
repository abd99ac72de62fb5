"""Disclosure documents and requests, made as editors and the public make them.

- ``DisclosureDocumentPageFactory(department=dept)``: “关于开展专项检查的通知”, written today, in
  the department's disclosure section and issued by it, topic 综合政务, genre 通知, category
  ``category="normative_document"``; published unless ``draft=True`` / ``published=False``.
  Trait ``with_attachment=True``: an attached PDF, also linked from the body.
- ``DisclosureRequestFactory(department=dept, received=date)``: an application handed in
  (``channel="in_person"``) and received that day through ``request_flow.receive``; traits
  ``online=True`` and ``by_post=True`` for the other channels.

``section_of(department)`` is the department's disclosure section, ``classification(facet, ...)``
a shipped classification.
"""

from __future__ import annotations

import factory
from django.utils import timezone

from disclosure import request_flow as flow
from disclosure.models import (
    Classification,
    DisclosureDocumentPage,
    DisclosureRequest,
    DisclosureSectionPage,
    DocumentAttachment,
    Facet,
)

from ..cms.factories import DocumentFactory, PublishedPageFactory
from ..permissions.factories import DepartmentFactory


def section_of(department) -> DisclosureSectionPage:
    return DisclosureSectionPage.objects.get(department=department)


def classification(facet: str, **lookup) -> Classification:
    return Classification.objects.get(facet=facet, **lookup)


class DisclosureDocumentPageFactory(PublishedPageFactory):
    class Meta:
        model = DisclosureDocumentPage

    title = "关于开展专项检查的通知"
    slug = factory.Sequence(lambda n: f"document-{n}")
    parent = factory.LazyAttribute(lambda page: section_of(page.department))
    issuing_body = factory.SelfAttribute("department")
    written_date = factory.LazyFunction(timezone.localdate)
    summary = "测试公开信息"
    topic = factory.LazyFunction(lambda: classification(Facet.TOPIC, name="综合政务"))
    genre = factory.LazyFunction(lambda: classification(Facet.GENRE, name="通知"))
    categories = factory.LazyAttribute(lambda page: [classification(Facet.CATEGORY, key=page.category)])
    body = "<p>正文</p>"

    class Params:
        department = factory.SubFactory(DepartmentFactory)
        category = "normative_document"
        with_attachment = factory.Trait(
            attachment=factory.SubFactory(DocumentFactory, title="实施细则"),
            body=factory.LazyAttribute(
                lambda page: f'<p>正文，详见<a linktype="document" id="{page.attachment.pk}">实施细则</a>。</p>'
            ),
            attachments=factory.LazyAttribute(
                lambda page: [DocumentAttachment(document=page.attachment, title="附件一：实施细则", sort_order=0)]
            ),
        )
        attachment = None


class DisclosureRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisclosureRequest

    department = factory.SubFactory(DepartmentFactory)
    applicant_type = "person"
    name = "张三丰"
    id_type = "resident_id"
    id_number = "110101199003071234"
    phone = "13812345678"
    address = "示范市东湖区湖滨路18号"
    description = "2025年本市老旧小区改造项目清单"
    delivery_form = "electronic"
    delivery_channel = "email"
    email = "zhang@example.cn"
    received = factory.LazyFunction(timezone.localdate)  # not fields: how it arrived (see _create)
    channel = "in_person"

    class Params:
        online = factory.Trait(channel="online")
        by_post = factory.Trait(channel="post")

    @classmethod
    def _create(cls, model_class, *args, received, channel, **kwargs):
        """Received as ``request_flow.receive`` receives an application (handed in: that very day)."""
        return flow.receive(model_class(*args, **kwargs), channel, received)
