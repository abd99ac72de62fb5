"""Low-code feeds: ``/api/v1/feeds/`` lists them, ``/api/v1/feeds/<slug>/`` serves one.

A feed (``api.models.Feed``, defined by staff in the admin) names a source resource, filters,
the fields to include, an ordering and a size. It is served by the same machine as the
source's own list: the same records (only public ones), ETag/304, Cache-Control, sync with
tombstones. A feed that requires a key answers 401 without one and is never publicly cached.
"""

from __future__ import annotations

import json

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers

from api import caching
from api.clients import request_client
from api.resources import (
    ERROR_RESPONSES,
    LIST_PARAMETERS,
    ErrorSerializer,
    ListParams,
    Resource,
    ResourceViewSet,
    TombstoneSerializer,
    UpdatedFilterSet,
    document,
    dumps,
    resource_for_source,
)

from .models import Feed


class FeedSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="get_source_display", help_text="数据来源（中文）。")
    url = serializers.SerializerMethodField(help_text="该订阅的数据地址。")

    class Meta:
        model = Feed
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "source",
            "source_name",
            "fields",
            "ordering",
            "size",
            "requires_key",
            "url",
            "updated_at",
        ]
        extra_kwargs = {
            "fields": {"help_text": "输出的字段；空列表表示该来源的全部字段。"},
            "ordering": {"help_text": "排序：-updated 最近更新在前，name 按名称，-published 最新发布在前。"},
            "size": {"help_text": "每页条数。"},
        }

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = f"/api/v1/feeds/{obj.slug}/"
        return request.build_absolute_uri(path) if request is not None else path


class FeedFilter(UpdatedFilterSet):
    class Meta:
        model = Feed
        fields = ["source"]


class FeedResource(Resource):
    name = "feeds"
    label = "数据订阅"
    model = Feed
    serializer_class = FeedSerializer
    filterset_class = FeedFilter
    ordering = ("slug", "pk")
    search_fields = ("title", "slug")


FEEDS = FeedResource()


class FeedDataSerializer(serializers.Serializer):
    count = serializers.IntegerField(required=False, help_text="符合条件的记录总数（浏览时给出）。")
    next = serializers.URLField(allow_null=True, help_text="下一页链接；没有时为 null。")
    previous = serializers.URLField(allow_null=True, required=False, help_text="上一页链接（浏览时给出）。")
    updated_since = serializers.DateTimeField(required=False, help_text="本次同步的起点（同步时给出）。")
    until = serializers.DateTimeField(required=False, help_text="本次同步的终点，下次同步以它为起点。")
    tombstones = TombstoneSerializer(many=True, required=False, help_text="同步起点之后删除或撤下的记录。")
    results = serializers.ListField(
        child=serializers.DictField(), help_text="记录列表：字段为订阅选定的字段（总含 id），含义同来源接口。"
    )


@document
class FeedResourceViewSet(ResourceViewSet):
    """数据订阅：运营人员在后台定义的低代码数据接口。"""

    resource = FEEDS
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    @extend_schema(
        summary="数据订阅的数据",
        description="按后台定义的来源、筛选条件、字段、排序和条数输出；支持 ETag/304 和 updated_since 增量同步。"
        "标为“需要接口密钥”的订阅须带 Authorization: Api-Key <密钥>。",
        parameters=LIST_PARAMETERS,
        responses={
            200: FeedDataSerializer,
            404: OpenApiResponse(ErrorSerializer, description="没有该订阅，或它已停用。"),
            410: OpenApiResponse(ErrorSerializer, description="同步起点早于删除标记保留期，需要全量同步。"),
            **ERROR_RESPONSES,
        },
    )
    def retrieve(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        feed = (
            Feed.objects.filter(slug=slug, is_active=True)
            .prefetch_related("departments", "halls", "terms", "matter_types", "classifications")
            .first()
        )
        if feed is None:
            raise exceptions.NotFound(f"没有标识为“{slug}”的数据订阅，或它已停用。")
        if feed.requires_key and request_client(request) is None:
            raise exceptions.NotAuthenticated("该数据订阅需要接口密钥：请在 Authorization 头中提供“Api-Key <密钥>”。")
        source: Resource = resource_for_source(feed.source)
        self.resource = source
        self.feed = feed
        params = ListParams.parse(request, source, size=feed.size)
        state = caching.state_for(
            (*source.collections, "feeds"),
            self._variant(f"feed:{feed.pk}", "key" if feed.requires_key else "public"),
            private=feed.requires_key,
        )
        if caching.is_not_modified(request, state):
            return caching.not_modified(state)
        body = caching.cached_body(request, state)
        if body is None:
            queryset: QuerySet = source.feed_queryset(feed)
            if params.q:
                queryset = source.search(queryset, params.q)
            if params.updated_since is not None:
                body = self._sync_body(queryset, params, state, None)
            else:
                ordering = source.feed_orderings.get(feed.ordering) or source.ordering
                body = self._page_body(queryset, params, state, ordering=ordering)
            caching.store_body(state, body)
        return caching.json_response(body, state)

    def _records(self, rows, state) -> list[bytes]:
        records = super()._records(rows, state)
        feed = getattr(self, "feed", None)
        fields = list(feed.fields or []) if feed is not None else []
        if not fields:
            return records
        keep = ["id", *[f for f in fields if f != "id"]]
        out = []
        for raw in records:
            data = json.loads(raw)
            out.append(dumps({k: data[k] for k in keep if k in data}))
        return out
