"""JSON API of government information disclosure.

- ``DisclosureRequestCreateView``: kiosks submit requests for disclosure (the same application
  as the web form). Nothing of an application is ever read back through the API.
- ``DisclosureDocumentResource``: /api/v1/disclosure/documents/, the proactive-disclosure
  catalog (live, public documents).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api import collections, registry, scopes
from api.clients import request_client
from api.page_content import Batch, absolute, expand_rich_text, page_url
from api.resources import IdFilter, MomentFilter, Resource, register_source, resource_viewset
from api.throttling import TerminalThrottle
from matters.api import DepartmentRefSerializer
from matters.api_reference import department_ref

from .models import (
    Classification,
    DisclosureDocumentPage,
    DocumentAttachment,
    DocumentInterpretation,
    Facet,
    Validity,
)
from .request_forms import RequestForm
from .request_models import Channel
from .request_views import create_request
from .search import DOCUMENT_LIST_SEARCH, identified

SUBMIT_REQUESTS = scopes.register("submit_requests", "代群众提交政府信息公开申请")


class RequestSubmissionThrottle(TerminalThrottle):
    """Submissions counted per terminal key (not per address, which a kiosk shares with a hall)."""

    scope = "disclosure_requests"

    def get_rate(self) -> str:
        return f"{settings.DISCLOSURE_KIOSK_REQUESTS_PER_HOUR}/hour"


class SubmitScopePermission(BasePermission):
    """Only a terminal whose key holds ``submit_requests`` may submit an application.

    Each accepted application starts the statutory clock (《政府信息公开条例》第三十一条), so an
    anonymous caller must not be able to start clocks at will (GB/T 22239-2019 8.1.4.1 身份鉴别,
    8.1.4.2 访问控制).
    """

    message = "该接口密钥没有“代群众提交政府信息公开申请”的授权范围，请联系平台管理员。"

    def has_permission(self, request, view) -> bool:
        client = request_client(request)
        if client is None:
            raise NotAuthenticated("提交申请需要自助终端的接口密钥（Authorization: Api-Key …），请联系平台管理员。")
        return client.has_scope(SUBMIT_REQUESTS.value)


RECEIPT = inline_serializer(
    "DisclosureRequestReceipt",
    {
        "tracking_code": serializers.CharField(help_text="查询码：凭查询码和联系电话查询办理进度"),
        "status": serializers.CharField(help_text="办理状态（submitted 待登记）"),
        "received_date": serializers.DateField(
            help_text="收到申请日期（答复期限起算日）：自助终端提交的，工作日为当日，非工作日为次一工作日（《条例》第三十一条）"
        ),
        "received_provisional": serializers.BooleanField(
            help_text="收到申请日期是否为预计（所涉年份节假日安排尚未录入，按法定节假日推算）"
        ),
        "due_date": serializers.DateField(allow_null=True, help_text="答复期限：收到申请之日起20个工作日"),
        "due_provisional": serializers.BooleanField(help_text="答复期限是否为预计；为 true 时应标注“预计”"),
    },
)
APPLICATION = inline_serializer(
    "DisclosureRequestApplication",
    {
        "department": serializers.IntegerField(help_text="申请机关（部门ID）"),
        "applicant_type": serializers.ChoiceField(
            choices=["person", "commercial", "research", "public_interest", "legal_service", "other_org"],
            help_text="申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他组织",
        ),
        "name": serializers.CharField(help_text="姓名或名称"),
        "id_type": serializers.CharField(
            help_text="证件类型（resident_id 居民身份证、credit_code 统一社会信用代码等）"
        ),
        "id_number": serializers.CharField(help_text="证件号码"),
        "phone": serializers.CharField(help_text="联系电话"),
        "address": serializers.CharField(help_text="通信地址"),
        "description": serializers.CharField(help_text="所需信息的内容描述"),
        "delivery_form": serializers.CharField(help_text="提供方式：paper 纸质、electronic 电子数据、reading 查阅抄录"),
        "delivery_channel": serializers.CharField(help_text="获取方式：post、email、fax、pickup、on_site"),
    },
)


class DisclosureRequestCreateView(APIView):
    """POST /api/v1/disclosure/requests/: submit an application from a kiosk."""

    permission_classes = [SubmitScopePermission]
    throttle_classes = [RequestSubmissionThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="提交政府信息公开申请",
        description=(
            "与网上申请表相同的校验；成功时返回查询码和答复期限。申请人证件号码和电话加密保存，任何接口都不返回。"
            "需要授权范围含“代群众提交政府信息公开申请”（submit_requests）的终端密钥；按终端限制提交频率。"
        ),
        request=APPLICATION,
        responses={
            201: RECEIPT,
            400: OpenApiResponse(description='校验失败：{"errors": {字段: [中文说明]}}'),
            401: OpenApiResponse(description="没有终端密钥或密钥无效"),
            403: OpenApiResponse(description="终端密钥没有 submit_requests 授权范围"),
            429: OpenApiResponse(description="该终端提交过于频繁"),
        },
        tags=["政府信息公开"],
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, QueryDict):
            plain = QueryDict(mutable=True)
            for key, value in (data or {}).items():
                plain[key] = "" if value is None else str(value)
            data = plain
        form = RequestForm(data, request.FILES or None)
        if not form.is_valid():
            errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        created = create_request(form, Channel.KIOSK)
        return Response(
            {
                "tracking_code": created.tracking_code,
                "status": created.status,
                "received_date": created.received_date,
                "received_provisional": created.received_provisional,
                "due_date": created.due_date,
                "due_provisional": created.due_provisional,
            },
            status=status.HTTP_201_CREATED,
        )


# ---- read API: the proactive-disclosure catalog (/api/v1/disclosure/documents/) ------------


class ClassificationRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="分类编码。")
    name = serializers.CharField(help_text="分类名称。")


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="附件名称。")
    url = serializers.CharField(help_text="附件的完整下载网址。")


def _classification(value) -> dict:
    return {"code": value.code, "name": value.name}


def _keywords(text: str) -> list[str]:
    return [word for word in re.split(r"[\s、，,;；]+", text or "") if word]


class DisclosureDocumentRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="公开信息编号（页面编号）。")
    title = serializers.CharField(label="标题", help_text="标题。")
    url = serializers.SerializerMethodField(label="网址", help_text="门户网站上的完整网址。")
    index_number = serializers.CharField(
        allow_null=True, label="索引号", help_text="索引号（首次发布时编制，不变、不复用）。"
    )
    issuing_body = serializers.SerializerMethodField(label="发布机构", help_text="发布机构。")
    document_number = serializers.CharField(label="文号", help_text="文号，如 示政办发〔2026〕12号；没有时为空字符串。")
    written_date = serializers.DateField(label="成文日期", help_text="成文日期。")
    publication_date = serializers.DateField(allow_null=True, label="发布日期", help_text="发布日期（首次发布之日）。")
    summary = serializers.CharField(label="内容概述", help_text="内容概述。")
    keywords = serializers.SerializerMethodField(label="主题词", help_text="主题词。")
    topic = serializers.SerializerMethodField(label="主题分类", help_text="主题分类。")
    genre = serializers.SerializerMethodField(label="体裁分类", help_text="体裁分类。")
    categories = serializers.SerializerMethodField(label="组配分类", help_text="组配分类（法定主动公开内容）。")
    scope = serializers.CharField(label="公开范围", help_text="公开范围，如“面向社会”。")
    validity = serializers.CharField(
        label="有效性", help_text="有效性：in_force 有效、amended 已修改、repealed 已废止、expired 已失效。"
    )
    validity_name = serializers.CharField(
        source="get_validity_display", label="有效性名称", help_text="有效性（中文）。"
    )
    validity_date = serializers.DateField(
        allow_null=True, label="有效性变更日期", help_text="修改、废止或失效的日期；有效的文件为 null。"
    )
    replaced_by = serializers.SerializerMethodField(
        label="替代文件", help_text="替代本文件的公开信息编号；没有或替代文件未公开时为 null。"
    )
    interprets = serializers.SerializerMethodField(
        label="解读的文件",
        help_text="本文件是政策解读时，它所解读的公开信息编号（按编辑排列的顺序，只含已公开的）；其他文件为空列表。",
    )
    interpretations = serializers.SerializerMethodField(
        label="政策解读",
        help_text=(
            "解读本文件的政策解读的公开信息编号（只含已公开的，发布日期新的在前）。由各解读的 interprets 推出："
            "增量同步时以解读的 interprets 为准，本字段随解读的发布而变，不改变本文件的 last_published_at。"
        ),
    )
    attachments = serializers.SerializerMethodField(label="附件", help_text="附件，按顺序。")
    body = serializers.SerializerMethodField(label="正文", help_text="正文（HTML，链接和图片为公开网址）。")
    first_published_at = serializers.DateTimeField(allow_null=True, label="首次发布时间", help_text="首次发布时间。")
    last_published_at = serializers.DateTimeField(
        allow_null=True, label="最后发布时间", help_text="最后发布时间（同步以它为更新时间）。"
    )

    def get_url(self, obj) -> str:
        return page_url(obj, self.context.get("request"))

    def get_issuing_body(self, obj) -> DepartmentRefSerializer:
        return department_ref(obj.issuing_body)

    def get_keywords(self, obj) -> list[str]:
        return _keywords(obj.keywords)

    def get_topic(self, obj) -> ClassificationRefSerializer:
        return _classification(obj.topic)

    def get_genre(self, obj) -> ClassificationRefSerializer:
        return _classification(obj.genre)

    def get_categories(self, obj) -> ClassificationRefSerializer(many=True):
        return [_classification(c) for c in obj.categories.all()]

    def get_replaced_by(self, obj) -> int | None:
        _loaded(obj)
        return obj.replaced_by_id if obj.replaced_by_id in obj._api_public_replacements else None

    def get_interprets(self, obj) -> list[int]:
        _loaded(obj)
        return obj._api_links["interprets"].get(obj.pk, [])

    def get_interpretations(self, obj) -> list[int]:
        _loaded(obj)
        return obj._api_links["interpretations"].get(obj.pk, [])

    def get_attachments(self, obj) -> AttachmentSerializer(many=True):
        base = page_url(obj, self.context.get("request"))
        return [
            {"title": a.title or a.document.title, "url": absolute(base, a.document.url)} for a in obj.attachments.all()
        ]

    def get_body(self, obj) -> str:
        _loaded(obj)
        return obj._api_html.get(obj.body, obj.body or "")


def _load(documents: list) -> None:
    """Batch loader: the bodies' links expanded together, which replacements are public, and the
    政策解读 links both ways (a fixed number of queries for the whole page of documents)."""
    html = expand_rich_text(d.body for d in documents)
    ids = [d.pk for d in documents]
    links = list(
        DocumentInterpretation.objects.filter(Q(page__in=ids) | Q(document__in=ids))
        .order_by("sort_order", "pk")
        .values_list("page_id", "document_id")
    )
    others = {d.replaced_by_id for d in documents if d.replaced_by_id}
    others |= {page for page, _ in links} | {document for _, document in links}
    public = (
        dict(DisclosureDocumentPage.objects.live().public().filter(pk__in=others).values_list("pk", "publication_date"))
        if others
        else {}
    )
    interprets: dict[int, list[int]] = {}
    interpretations: dict[int, list[int]] = {}
    for page, document in links:
        if document in public and document not in interprets.setdefault(page, []):
            interprets[page].append(document)
        if page in public and page not in interpretations.setdefault(document, []):
            interpretations[document].append(page)
    for found in interpretations.values():  # newest 解读 first, as on the document's page
        found.sort(key=lambda pk: (public[pk] or datetime.date.min, pk), reverse=True)
    for document in documents:
        document._api_html = html
        document._api_public_replacements = public
        document._api_links = {"interprets": interprets, "interpretations": interpretations}


def _loaded(document) -> None:
    if not hasattr(document, "_api_html"):
        _load([document])


class DisclosureDocumentFilter(django_filters.FilterSet):
    updated_after = MomentFilter(field_name="last_published_at", lookup_expr="gt", label="最后发布时间晚于（ISO 8601）")
    updated_before = MomentFilter(
        field_name="last_published_at", lookup_expr="lte", label="最后发布时间不晚于（ISO 8601）"
    )
    body = django_filters.CharFilter(field_name="issuing_body__credit_code", label="发布机构（统一社会信用代码）")
    category = django_filters.CharFilter(field_name="categories__code", distinct=True, label="组配分类编码")
    topic = django_filters.CharFilter(field_name="topic__code", label="主题分类编码")
    genre = django_filters.CharFilter(field_name="genre__code", label="体裁分类编码")
    year = IdFilter(field_name="publication_date__year", label="发布年份，如 2026", min_value=1900, max_value=2100)
    validity = django_filters.ChoiceFilter(
        choices=Validity.choices, label="有效性（in_force/amended/repealed/expired）"
    )
    index_number = django_filters.CharFilter(field_name="index_number", label="索引号")

    class Meta:
        model = DisclosureDocumentPage
        fields: list[str] = []


class DisclosureDocumentResource(Resource):
    """Live, public documents of the catalog; unpublished and deleted ones have stored tombstones."""

    name = "disclosure_documents"
    label = "政府信息公开文件"
    model = DisclosureDocumentPage
    serializer_class = DisclosureDocumentRecordSerializer
    filterset_class = DisclosureDocumentFilter
    # Classifications (their changes bump this collection) and replacement documents are embedded.
    depends_on = ("departments", "disclosure_documents")
    updated_field = "last_published_at"
    ordering = ("-publication_date", "-index_number", "-pk")
    search_fields = ("title", "document_number", "index_number", "keywords")
    keyword_search = DOCUMENT_LIST_SEARCH  # the portal's search (docs/search.md, “接口的 q 参数”)
    feed_orderings = {
        "-updated": ("-last_published_at", "-pk"),
        "name": ("title", "pk"),
        "-published": ("-publication_date", "-index_number", "-pk"),
    }

    def queryset(self, request) -> QuerySet:
        return DisclosureDocumentPage.objects.live().public()

    def keyword_matches(self, queryset: QuerySet, q: str) -> list[Any]:
        """A (part of a) document number or index number is a look-up: the documents carrying it,
        newest first; any other ``q`` is the portal's search (``Resource.keyword_matches``)."""
        found = identified(queryset.order_by(*self.ordering), q)
        return found if found is not None else super().keyword_matches(queryset, q)

    def optimise(self, queryset: QuerySet):
        attachments = DocumentAttachment.objects.select_related("document").order_by("sort_order", "pk")
        queryset = queryset.select_related("issuing_body", "topic", "genre").prefetch_related(
            Prefetch("categories", queryset=Classification.objects.order_by("sort_order", "pk")),
            Prefetch("attachments", queryset=attachments),
        )
        return Batch(queryset, _load)

    def feed_queryset(self, feed) -> QuerySet:
        queryset = self.queryset(None)
        departments = [d.pk for d in feed.departments.all()]
        if departments:
            queryset = queryset.filter(issuing_body__in=departments)
        by_facet: dict[str, list[int]] = {}
        for value in feed.classifications.all():
            by_facet.setdefault(value.facet, []).append(value.pk)
        for facet, ids in by_facet.items():
            if facet == Facet.TOPIC:
                queryset = queryset.filter(topic__in=ids)
            elif facet == Facet.GENRE:
                queryset = queryset.filter(genre__in=ids)
            else:
                queryset = queryset.filter(
                    pk__in=DisclosureDocumentPage.objects.filter(categories__in=ids).values("pk")
                )
        if feed.keyword:
            queryset = self.search(queryset, feed.keyword)
        return queryset


DISCLOSURE_DOCUMENTS = register_source("disclosure_documents", DisclosureDocumentResource())
DisclosureDocumentViewSet = resource_viewset(DISCLOSURE_DOCUMENTS)

collections.register("disclosure_documents", "政府信息公开文件", collections.page_transitions(DisclosureDocumentPage))
collections.track(Classification, ("disclosure_documents",))
collections.track_pages(DisclosureDocumentPage, "disclosure_documents")
# Below /disclosure/, beside the request endpoint.
registry.register_path("disclosure/requests/", DisclosureRequestCreateView.as_view(), name="disclosure-request-create")
registry.register_viewset("disclosure/documents", DisclosureDocumentViewSet, basename="disclosure-document")
