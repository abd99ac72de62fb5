"""The read API of service guides: /api/v1/guides/ and /api/v1/bundles/ (live, public pages).

A guide record names its matter(s) by reference only: the matter's elements (materials, time
limits, fees ...) are at /api/v1/matters/, as on the portal a guide renders them from the
matter. What only a guide has (``guides.blocks``) is given as plain JSON blocks: rich text as
HTML, images and documents as URLs. Images, documents and pages named inside the blocks are
read for the whole batch of records at once (``api.page_content.Batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from api import collections, registry
from api.page_content import Batch, absolute, expand_rich_text, one_of, page_url
from api.resources import MomentFilter, Resource, register_source, resource_viewset
from matters.api import DepartmentRefSerializer, term_condition
from matters.api_reference import MatterRefSerializer, department_ref, matter_ref
from matters.models import Matter

from .blocks import NOTICE_KINDS
from .models import BundleGuidePage, BundleMember, GuidePage, GuideSectionPage
from .search import BUNDLE_LIST_SEARCH, GUIDE_LIST_SEARCH

# ---- the blocks, as JSON -------------------------------------------------------------------


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="原图的完整网址。")
    alt = serializers.CharField(help_text="图片说明（供读屏软件朗读）。")
    width = serializers.IntegerField(help_text="原图宽度（像素）。")
    height = serializers.IntegerField(help_text="原图高度（像素）。")


class NoticeBlockSerializer(serializers.Serializer):
    type = one_of("notice", "块类型：notice 注意事项/提示。")
    id = serializers.CharField(help_text="块标识（内容不变时保持不变）。")
    kind = serializers.CharField(help_text="提示类型：notice 注意事项、tip 温馨提示、warning 特别提醒。")
    kind_name = serializers.CharField(help_text="提示类型（中文）。")
    title = serializers.CharField(help_text="标题；可为空字符串。")
    text = serializers.CharField(help_text="内容（HTML）。")


class IllustratedStepSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="步骤标题。")
    image = ImageSerializer(allow_null=True, help_text="示意图；没有时为 null。")
    text = serializers.CharField(help_text="说明（HTML）。")


class IllustratedStepsBlockSerializer(serializers.Serializer):
    type = one_of("illustrated_steps", "块类型：illustrated_steps 图解步骤。")
    id = serializers.CharField(help_text="块标识。")
    heading = serializers.CharField(help_text="标题。")
    steps = IllustratedStepSerializer(many=True, help_text="步骤，按顺序。")


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="问题。")
    answer = serializers.CharField(help_text="解答（HTML）。")


class FAQBlockSerializer(serializers.Serializer):
    type = one_of("faq", "块类型：faq 常见问题。")
    id = serializers.CharField(help_text="块标识。")
    heading = serializers.CharField(help_text="标题。")
    items = QuestionSerializer(many=True, help_text="问答，按顺序。")


class DownloadSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="表格名称。")
    blank_url = serializers.CharField(allow_null=True, help_text="空白表格的下载网址；文件已删除时为 null。")
    sample_url = serializers.CharField(allow_null=True, help_text="填写示例的下载网址；没有时为 null。")
    note = serializers.CharField(help_text="填写说明；可为空字符串。")


class DownloadsBlockSerializer(serializers.Serializer):
    type = one_of("downloads", "块类型：downloads 表格下载。")
    id = serializers.CharField(help_text="块标识。")
    heading = serializers.CharField(help_text="标题。")
    items = DownloadSerializer(many=True, help_text="表格，按顺序。")


class LocationBlockSerializer(serializers.Serializer):
    type = one_of("location", "块类型：location 位置与交通。")
    id = serializers.CharField(help_text="块标识。")
    name = serializers.CharField(help_text="地点名称。")
    address = serializers.CharField(help_text="地址。")
    longitude = serializers.FloatField(allow_null=True, help_text="经度；未填时为 null。")
    latitude = serializers.FloatField(allow_null=True, help_text="纬度；未填时为 null。")
    transport = serializers.CharField(help_text="交通指引；可为空字符串。")
    parking = serializers.CharField(help_text="停车；可为空字符串。")
    accessibility = serializers.CharField(help_text="无障碍设施；可为空字符串。")


class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="指南编号（/api/v1/guides/ 或 /api/v1/bundles/ 中的 id）。")
    title = serializers.CharField(help_text="标题。")
    url = serializers.CharField(help_text="门户网站上的完整网址。")


class RelatedGuidesBlockSerializer(serializers.Serializer):
    type = one_of("related_guides", "块类型：related_guides 相关指南。")
    id = serializers.CharField(help_text="块标识。")
    heading = serializers.CharField(help_text="标题。")
    pages = PageRefSerializer(many=True, help_text="相关指南（只列已发布的公开指南）。")


BLOCK_SERIALIZERS = {
    "notice": NoticeBlockSerializer,
    "illustrated_steps": IllustratedStepsBlockSerializer,
    "faq": FAQBlockSerializer,
    "downloads": DownloadsBlockSerializer,
    "location": LocationBlockSerializer,
    "related_guides": RelatedGuidesBlockSerializer,
}

BODY = PolymorphicProxySerializer(
    component_name="GuideBlock",
    serializers=BLOCK_SERIALIZERS,
    resource_type_field_name="type",
    many=True,
)

_NOTICE_KIND_NAMES = dict(NOTICE_KINDS)


def _items(raw) -> list:
    """The values of a ListBlock's raw data (``{"type": "item", "value": ...}`` or the older plain list)."""
    values = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            values.append(item["value"])
        else:
            values.append(item)
    return values


def _number(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class BodyRefs:
    """What the blocks of a batch of pages name, read once for the whole batch."""

    images: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    html: dict = field(default_factory=dict)

    @classmethod
    def load(cls, bodies) -> BodyRefs:
        image_ids, document_ids, page_ids, texts = set(), set(), set(), []
        for body in bodies:
            for block in body:
                kind, value = block.get("type"), block.get("value") or {}
                if kind == "notice":
                    texts.append(_text(value.get("text")))
                elif kind == "illustrated_steps":
                    for step in _items(value.get("steps")):
                        texts.append(_text(step.get("text")))
                        if isinstance(step.get("image"), int):
                            image_ids.add(step["image"])
                elif kind == "faq":
                    texts += [_text(item.get("answer")) for item in _items(value.get("items"))]
                elif kind == "downloads":
                    for item in _items(value.get("items")):
                        document_ids.update(v for v in (item.get("blank"), item.get("sample")) if isinstance(v, int))
                elif kind == "related_guides":
                    page_ids.update(v for v in _items(value.get("pages")) if isinstance(v, int))
        refs = cls(html=expand_rich_text(texts))
        if image_ids:
            refs.images = get_image_model().objects.in_bulk(image_ids)
        if document_ids:
            refs.documents = get_document_model().objects.in_bulk(document_ids)
        if page_ids:
            refs.pages = {p.pk: p for p in Page.objects.live().public().filter(pk__in=page_ids)}
        return refs

    def rich(self, value) -> str:
        value = _text(value)
        return self.html.get(value, value)

    def document_url(self, pk, base: str) -> str | None:
        document = self.documents.get(pk)
        return absolute(base, document.url) if document is not None else None


def render_body(body, refs: BodyRefs, base: str) -> list[dict]:
    """The blocks of a guide as plain JSON, in order (unknown block types are left out)."""
    out = []
    for block in body:
        kind, value, ident = block.get("type"), block.get("value") or {}, str(block.get("id") or "")
        if kind == "notice":
            out.append(
                {
                    "type": kind,
                    "id": ident,
                    "kind": value.get("kind") or "notice",
                    "kind_name": _NOTICE_KIND_NAMES.get(value.get("kind") or "notice", ""),
                    "title": _text(value.get("title")),
                    "text": refs.rich(value.get("text")),
                }
            )
        elif kind == "illustrated_steps":
            steps = []
            for step in _items(value.get("steps")):
                image = refs.images.get(step.get("image"))
                steps.append(
                    {
                        "title": _text(step.get("title")),
                        "image": {
                            "url": absolute(base, image.file.url),
                            "alt": _text(step.get("image_alt")),
                            "width": image.width,
                            "height": image.height,
                        }
                        if image is not None
                        else None,
                        "text": refs.rich(step.get("text")),
                    }
                )
            out.append({"type": kind, "id": ident, "heading": _text(value.get("heading")), "steps": steps})
        elif kind == "faq":
            items = [
                {"question": _text(item.get("question")), "answer": refs.rich(item.get("answer"))}
                for item in _items(value.get("items"))
            ]
            out.append({"type": kind, "id": ident, "heading": _text(value.get("heading")), "items": items})
        elif kind == "downloads":
            items = [
                {
                    "title": _text(item.get("title")),
                    "blank_url": refs.document_url(item.get("blank"), base),
                    "sample_url": refs.document_url(item.get("sample"), base),
                    "note": _text(item.get("note")),
                }
                for item in _items(value.get("items"))
            ]
            out.append({"type": kind, "id": ident, "heading": _text(value.get("heading")), "items": items})
        elif kind == "location":
            out.append(
                {
                    "type": kind,
                    "id": ident,
                    "name": _text(value.get("name")),
                    "address": _text(value.get("address")),
                    "longitude": _number(value.get("longitude")),
                    "latitude": _number(value.get("latitude")),
                    "transport": _text(value.get("transport")),
                    "parking": _text(value.get("parking")),
                    "accessibility": _text(value.get("accessibility")),
                }
            )
        elif kind == "related_guides":
            pages = [refs.pages[pk] for pk in _items(value.get("pages")) if pk in refs.pages]
            out.append(
                {
                    "type": kind,
                    "id": ident,
                    "heading": _text(value.get("heading")),
                    "pages": [{"id": p.pk, "title": p.title, "url": p.full_url} for p in pages],
                }
            )
    return out


def _load(pages: list) -> None:
    """Batch loader: each page's section department and what its blocks name."""
    refs = BodyRefs.load(list(p.body.raw_data) for p in pages)
    parents = {p.path[: -Page.steplen] for p in pages}
    sections = {s.path: s for s in GuideSectionPage.objects.filter(path__in=parents).select_related("department")}
    for page in pages:
        page._api_refs = refs
        section = sections.get(page.path[: -Page.steplen])
        page._api_department = section.department if section is not None else None


def _refs_of(page) -> None:
    if not hasattr(page, "_api_refs"):
        _load([page])


# ---- records -------------------------------------------------------------------------------


class MatterStateRefSerializer(MatterRefSerializer):
    in_force = serializers.BooleanField(
        help_text="事项当前是否在用（已发布且未暂停、取消）；不在用时指南仍在，但不应据此办理。"
    )


def _matter_state_ref(matter: Matter) -> dict:
    return {**matter_ref(matter), "in_force": matter.is_public}


class _GuideBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="指南编号（页面编号）。")
    title = serializers.CharField(label="标题", help_text="标题。")
    slug = serializers.CharField(label="网址标识", help_text="网址中的标识。")
    url = serializers.SerializerMethodField(label="网址", help_text="门户网站上的完整网址。")
    department = serializers.SerializerMethodField(
        label="所属部门", help_text="指南所在栏目的部门（“一件事”为牵头部门）；栏目不属于部门时为 null。"
    )
    summary = serializers.CharField(label="一句话说明", help_text="一句话说明；可为空字符串。")
    search_description = serializers.CharField(label="搜索摘要", help_text="搜索引擎和分享时使用的摘要；可为空字符串。")
    body = serializers.SerializerMethodField(
        label="指南内容",
        help_text="指南特有的内容块，按顺序：注意事项/提示、图解步骤、常见问题、表格下载、位置与交通、相关指南。"
        "富文本为 HTML，图片和文件为完整网址。",
    )
    print_url = serializers.SerializerMethodField(label="打印版网址", help_text="一次性告知单（打印版）的完整网址。")
    pdf_url = serializers.SerializerMethodField(label="PDF 网址", help_text="一次性告知单 PDF 的完整网址。")
    first_published_at = serializers.DateTimeField(allow_null=True, label="首次发布时间", help_text="首次发布时间。")
    last_published_at = serializers.DateTimeField(
        allow_null=True, label="最后发布时间", help_text="最后发布时间（同步以它为更新时间）。"
    )

    def get_url(self, obj) -> str:
        return page_url(obj, self.context.get("request"))

    def get_print_url(self, obj) -> str:
        return page_url(obj, self.context.get("request")) + obj.reverse_subpage("print")

    def get_pdf_url(self, obj) -> str:
        return page_url(obj, self.context.get("request")) + obj.reverse_subpage("pdf")

    def get_department(self, obj) -> DepartmentRefSerializer(allow_null=True):
        _refs_of(obj)
        return department_ref(obj._api_department)

    def get_body(self, obj) -> BODY:
        _refs_of(obj)
        return render_body(obj.body.raw_data, obj._api_refs, page_url(obj, self.context.get("request")))


class GuideRecordSerializer(_GuideBaseSerializer):
    matter = serializers.SerializerMethodField(label="事项", help_text="指南所办理的事项（详情见 /api/v1/matters/）。")

    def get_matter(self, obj) -> MatterStateRefSerializer:
        return _matter_state_ref(obj.matter)

    def get_fields(self):
        fields = super().get_fields()
        order = ["id", "title", "slug", "url", "department", "matter"]
        return {name: fields[name] for name in order} | fields


class BundleMemberSerializer(serializers.Serializer):
    stage = serializers.IntegerField(help_text="办理步骤：第几步办理；同一步的事项并联办理。")
    note = serializers.CharField(help_text="说明，如“需要时办理”；可为空字符串。")
    matter = MatterStateRefSerializer(help_text="事项（详情见 /api/v1/matters/）。")


class BundleRecordSerializer(_GuideBaseSerializer):
    members = serializers.SerializerMethodField(
        label="包含的事项", help_text="包含的事项，按办理顺序；同一步骤号的事项并联办理。"
    )
    windows_note = serializers.CharField(
        label="综合窗口", help_text="“一件事”统一受理窗口；留空时各事项在各自地点办理。"
    )
    promised_total = serializers.IntegerField(
        allow_null=True, label="承诺总时限", help_text="“一件事”整体承诺的办结时限（工作日）；未填时为 null。"
    )

    def get_members(self, obj) -> BundleMemberSerializer(many=True):
        return [
            {"stage": member.stage, "note": member.note, "matter": _matter_state_ref(member.matter)}
            for member in obj.members.all()
        ]

    def get_fields(self):
        fields = super().get_fields()
        order = ["id", "title", "slug", "url", "department", "members", "windows_note", "promised_total"]
        return {name: fields[name] for name in order} | fields


# ---- filters -------------------------------------------------------------------------------


class _PageFilter(django_filters.FilterSet):
    updated_after = MomentFilter(field_name="last_published_at", lookup_expr="gt", label="最后发布时间晚于（ISO 8601）")
    updated_before = MomentFilter(
        field_name="last_published_at", lookup_expr="lte", label="最后发布时间不晚于（ISO 8601）"
    )
    department = django_filters.CharFilter(method="filter_department", label="所属部门（统一社会信用代码）")

    def filter_department(self, queryset, name, value):
        section = GuideSectionPage.objects.filter(department__credit_code=value).values_list("path", "depth").first()
        if section is None:
            return queryset.none()
        path, depth = section
        return queryset.filter(path__startswith=path, depth=depth + 1)


class GuideFilter(_PageFilter):
    matter = django_filters.CharFilter(field_name="matter__implementation_code", label="事项（实施编码）")
    theme = django_filters.CharFilter(method="filter_theme", label="事项的主题分类编码（自然人或法人主题）")

    class Meta:
        model = GuidePage
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(matter__natural_themes__code=value) | Q(matter__legal_themes__code=value)).distinct()


class BundleFilter(_PageFilter):
    matter = django_filters.CharFilter(
        field_name="members__matter__implementation_code", distinct=True, label="包含的事项（实施编码）"
    )
    theme = django_filters.CharFilter(method="filter_theme", label="包含事项的主题分类编码（自然人或法人主题）")

    class Meta:
        model = BundleGuidePage
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            Q(members__matter__natural_themes__code=value) | Q(members__matter__legal_themes__code=value)
        ).distinct()


# ---- resources -----------------------------------------------------------------------------


class _PageResource(Resource):
    updated_field = "last_published_at"
    ordering = ("path", "pk")
    feed_orderings = {
        "-updated": ("-last_published_at", "-pk"),
        "name": ("title", "pk"),
        "-published": ("-first_published_at", "-pk"),
    }

    def queryset(self, request) -> QuerySet:
        return self.model.objects.live().public()


class GuideResource(_PageResource):
    name = "guides"
    label = "办事指南"
    model = GuidePage
    serializer_class = GuideRecordSerializer
    filterset_class = GuideFilter
    # Related-guide blocks embed other guides' titles and URLs.
    depends_on = ("matters", "departments", "guides", "bundles")
    search_fields = ("title", "summary", "matter__name", "matter__implementation_code")
    keyword_search = GUIDE_LIST_SEARCH  # the portal's search (docs/search.md, “接口的 q 参数”)

    def optimise(self, queryset: QuerySet):
        return Batch(queryset.select_related("matter"), _load)

    def feed_queryset(self, feed) -> QuerySet:
        queryset = self.queryset(None)
        departments = [d.pk for d in feed.departments.all()]
        if departments:
            queryset = queryset.filter(_in_sections(departments))
        types = [t.pk for t in feed.matter_types.all()]
        if types:
            queryset = queryset.filter(matter__matter_type__in=types)
        matters = _matters_of_terms(feed)
        if matters is not None:
            queryset = queryset.filter(matter__in=matters)
        if feed.keyword:
            queryset = self.search(queryset, feed.keyword)
        return queryset


class BundleResource(_PageResource):
    name = "bundles"
    label = "“一件事”指南"
    model = BundleGuidePage
    serializer_class = BundleRecordSerializer
    filterset_class = BundleFilter
    depends_on = ("matters", "departments", "guides", "bundles")
    search_fields = ("title", "summary")
    keyword_search = BUNDLE_LIST_SEARCH

    def optimise(self, queryset: QuerySet):
        members = BundleMember.objects.select_related("matter").order_by("sort_order", "pk")
        return Batch(queryset.prefetch_related(Prefetch("members", queryset=members)), _load)


def _in_sections(department_ids: list[int]) -> Q:
    condition = Q(pk__in=[])
    for path, depth in GuideSectionPage.objects.filter(department__in=department_ids).values_list("path", "depth"):
        condition |= Q(path__startswith=path, depth=depth + 1)
    return condition


def _matters_of_terms(feed) -> QuerySet | None:
    """Matters matching the feed's list values (any within a list, every list), or None without any."""
    by_vocabulary: dict[str, list[int]] = {}
    for term in feed.terms.all():
        by_vocabulary.setdefault(term.vocabulary, []).append(term.pk)
    if not by_vocabulary:
        return None
    matters = Matter.objects.all()
    for vocabulary, ids in by_vocabulary.items():
        matters = matters.filter(term_condition(vocabulary, ids))
    return matters.values("pk")


GUIDES = register_source("guides", GuideResource())
GuideViewSet = resource_viewset(GUIDES)
BUNDLES = BundleResource()
BundleViewSet = resource_viewset(BUNDLES)

collections.register("guides", "办事指南", collections.page_transitions(GuidePage))
collections.register("bundles", "“一件事”指南", collections.page_transitions(BundleGuidePage))
collections.track_pages(GuidePage, "guides")
collections.track_pages(BundleGuidePage, "bundles")
registry.register_viewset("guides", GuideViewSet, basename="guide")
registry.register_viewset("bundles", BundleViewSet, basename="bundle")
