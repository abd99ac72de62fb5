"""The disclosure list: the newest documents of the public catalog (公开目录), by statutory
category and issuing body. Only live, public, numbered documents (``catalog_queryset``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from wagtail import blocks

from permissions.models import Department
from permissions.regions import in_region

from .base import CountBlock, PortalLinks, SectionBlock, as_int, item_count
from .choosers import DepartmentChooserBlock, DynamicChoiceBlock, category_choices


class DisclosureListBlock(SectionBlock):
    category = DynamicChoiceBlock(
        label="组配分类（法定公开内容）", choices=category_choices, required=False, help_text="不选则不限分类。"
    )
    body = DepartmentChooserBlock(label="发布机构", required=False, help_text="不选则不限发布机构。")
    count = CountBlock(default=8)
    show_index_number = blocks.BooleanBlock(label="显示索引号", required=False, default=False)
    show_date = blocks.BooleanBlock(label="显示发布日期", required=False, default=True)

    class Meta:
        label = "公开信息列表"
        group = "政务公开与大厅（实时数据）"
        icon = "doc-full"
        template = "portal/blocks/disclosure_list.html"
        description = "政府信息公开目录中最新发布的文件，可按法定公开分类和发布机构筛选。"
        preview_value = {"heading": "最新公开", "count": 5}

    def documents(self, value, region: Department | None = None) -> QuerySet | None:
        """Matching documents issued in the 区划 ``region``, newest first; None when a chosen
        category or body is gone."""
        from disclosure.models import Classification, DisclosureDocumentPage

        documents = in_region(DisclosureDocumentPage.catalog_queryset(), region, field="issuing_body")
        body = value.get("body")
        if body is not None:
            if not body.is_active:
                return None
            documents = documents.filter(issuing_body=body)
        if value.get("category"):
            if (category := as_int(value["category"])) is None:
                return None
            active = Classification.objects.filter(pk=category, is_active=True)
            documents = documents.filter(categories__in=active)
        return documents

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        documents = self.documents(value, links.region)
        documents = [] if documents is None else list(documents[: item_count(value, 8)])
        for document in documents:
            document.portal_url = document.get_url(links.request)
        return {"documents": documents}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        query = {"body": value["body"].pk} if value.get("body") else {}
        if value.get("category"):
            query["category"] = value["category"]
        return links.url("disclosure_catalog", query)
