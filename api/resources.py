"""The read API's one machine: a ``Resource`` says what a collection is, ``ResourceViewSet`` serves it.

Every list and detail endpoint under /api/v1/ goes through ``ResourceViewSet``: filters
(django-filter), ``?q=`` search, page-number pagination for browsing, keyset-cursor pages
for ``?updated_since=`` sync with tombstones, ETag/Last-Modified/304, Cache-Control bounded by
clock transitions, a whole-body cache keyed by the ETag, and a per-record JSON cache so a
page is mostly a join of stored bytes. Apps declare their resources in their ``api.py``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from . import caching
from .models import Tombstone
from .negotiation import SingleRendererNegotiation
from .throttling import AnonThrottle, TerminalThrottle, UserThrottle

# ---- errors ----------------------------------------------------------------------------


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "该同步起点已超出删除标记的保留期，请不带 updated_since 全量同步一次。"
    default_code = "gone"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明（中文），指出哪个参数或哪条记录有问题。")


class TombstoneSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="记录编号（与列表中的 id 相同，以字符串给出）。")
    kind = serializers.CharField(help_text="数据集，如 matters、guides、windows。")
    status = serializers.ChoiceField(
        choices=[("deleted", "已删除"), ("withdrawn", "已撤下")],
        help_text="deleted：记录已删除；withdrawn：记录已取消、暂停、撤回发布或不再公开。终端均应从本地副本中移除。",
    )
    at = serializers.DateTimeField(help_text="删除或撤下的时间。")


# ---- parameters ------------------------------------------------------------------------


def _int_param(request, name: str, label: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise exceptions.ValidationError({name: [f"{label}必须是正整数，收到的是“{raw[:20]}”。"]})
    value = int(raw)
    if not low <= value <= high:
        raise exceptions.ValidationError({name: [f"{label}必须在 {low} 到 {high} 之间，收到的是 {value}。"]})
    return value


def _time_param(request, name: str, label: str) -> datetime.datetime | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise exceptions.ValidationError(
            {name: [f"{label}不是有效的 ISO 8601 时间：“{raw[:40]}”，例如 2026-11-30T08:00:00+08:00。"]}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return checked_moment(value)
    except forms.ValidationError as exc:
        raise exceptions.ValidationError({name: [f"{label}：{exc.messages[0]}"]}) from None


def checked_moment(value: datetime.datetime) -> datetime.datetime:
    """A time a database can compare: a real UTC offset, a year from 1900 to 9999, as UTC."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > datetime.timedelta(hours=14):
        raise forms.ValidationError("时区偏移超出范围（应在 -14:00 到 +14:00 之间）。")
    try:
        value = value.astimezone(datetime.UTC)
    except OverflowError:
        raise forms.ValidationError("时间超出范围（年份应在 1900 到 9999 之间）。") from None
    if not 1900 <= value.year <= 9999:
        raise forms.ValidationError("时间超出范围（年份应在 1900 到 9999 之间）。")
    return value


def _encode_cursor(moment: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode_cursor(raw: str) -> tuple[datetime.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        moment, _, pk = text.partition("|")
        value = parse_datetime(moment)
        if value is None or not pk.isdigit():
            raise ValueError(text)
        return value, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError({"cursor": ["cursor 无效：请使用上一页返回的 next 链接。"]}) from None


@dataclass
class ListParams:
    page: int
    page_size: int
    updated_since: datetime.datetime | None
    until: datetime.datetime | None
    cursor: tuple[datetime.datetime, int] | None
    q: str

    @classmethod
    def parse(cls, request, resource: Resource, size: int | None = None) -> ListParams:
        """``size``: a fixed default and maximum page size (a feed's)."""
        since = _time_param(request, "updated_since", "updated_since（同步起点）")
        until = _time_param(request, "until", "until（同步终点）")
        default_size = size or (resource.sync_page_size if since else resource.page_size)
        q = request.query_params.get("q", "").strip()
        if len(q) > 50:
            raise exceptions.ValidationError({"q": ["搜索词不能超过 50 个字。"]})
        cursor = request.query_params.get("cursor", "").strip()
        if cursor and since is None:
            raise exceptions.ValidationError(
                {"cursor": ["cursor 只用于 updated_since 同步，请同时提供 updated_since。"]}
            )
        if until is not None and since is None:
            raise exceptions.ValidationError({"until": ["until 只用于 updated_since 同步，请同时提供 updated_since。"]})
        if since is not None and until is not None and until < since:
            raise exceptions.ValidationError({"until": ["until 不能早于 updated_since。"]})
        return cls(
            page=_int_param(request, "page", "页码 page", 1, 1, 100_000),
            page_size=_int_param(
                request, "page_size", "每页条数 page_size", default_size, 1, size or resource.max_page_size
            ),
            updated_since=since,
            until=until,
            cursor=_decode_cursor(cursor) if cursor else None,
            q=q,
        )


LIST_PARAMETERS = [
    OpenApiParameter("page", int, description="页码，从 1 开始（浏览用；与 updated_since 不同时使用）。"),
    OpenApiParameter("page_size", int, description="每页条数，默认 50（同步默认 100），最多 200。"),
    OpenApiParameter(
        "updated_since",
        str,
        description="增量同步起点（ISO 8601 时间，如 2026-11-30T08:00:00+08:00）：返回此后变化的记录，"
        "并在第一页给出此后删除或撤下的记录（tombstones）。下次同步使用响应中的 until。",
    ),
    OpenApiParameter("until", str, description="同步终点，由服务器在第一页确定并写入 next 链接；一般无需自己填写。"),
    OpenApiParameter("cursor", str, description="同步翻页游标，只用 next 链接中给出的值。"),
    OpenApiParameter("q", str, description="搜索词，匹配名称、标题等（最多 50 字）。"),
]

# The ``q`` of a list whose resource plugs in the site search (``Resource.keyword_search``).
SEARCH_PARAMETER = OpenApiParameter(
    "q",
    str,
    description="搜索词（最多 50 字），与门户站内搜索相同：按分词、全拼、拼音首字母、繁体字和同义词查找"
    "（如 营业执照、yingyezhizhao、yyzz、營業執照），名称或编码含有该词的记录也会返回。"
    "给出 q 时按相关度排序（最相关的在前，其后是仅名称或编码含有该词的记录，按默认顺序），"
    "可与其他筛选条件同时使用；与 updated_since 同时使用时只作筛选，仍按更新时间排序。",
)


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


# ---- resources -------------------------------------------------------------------------


MAX_ID = 2**63 - 1  # the largest id a database column holds; larger ones are simply absent


class IdFilter(django_filters.NumberFilter):
    """An integer id filter: out-of-range values are a 400, never a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update(min_value=min_value, max_value=max_value)


class _MomentField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        return checked_moment(value) if value is not None else None


class MomentFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 time filter that refuses (400) what a database cannot compare."""

    field_class = _MomentField


class UpdatedFilterSet(django_filters.FilterSet):
    """Base of every resource's filters: by update time as well as by content."""

    updated_after = MomentFilter(field_name="updated_at", lookup_expr="gt", label="更新时间晚于（ISO 8601）")
    updated_before = MomentFilter(field_name="updated_at", lookup_expr="lte", label="更新时间不晚于（ISO 8601）")


class KeywordSearch(Protocol):
    """A search plugged into a resource's ``?q=`` by the domain that owns it (its ``api.py``).

    ``api`` imports no search engine: the domain gives its resource the site search's
    ``sitesearch.engine.ListSearch`` for its model. Called with the list's queryset (other
    filters applied) and the query, it returns the primary keys of that queryset's records the
    search finds, best first; ``version()`` changes when what the search expands queries to
    (synonyms) changes.
    """

    def __call__(self, queryset: QuerySet, query: str) -> list[Any]: ...

    def version(self) -> str: ...


class Resource:
    """One collection of the read API. Subclasses set the class attributes and override hooks."""

    name: str = ""
    label: str = ""
    model: type[Model]
    serializer_class: type[serializers.Serializer]
    filterset_class: type[django_filters.FilterSet] | None = None
    depends_on: tuple[str, ...] = ()
    updated_field = "updated_at"
    ordering: tuple[str, ...] = ("pk",)
    search_fields: tuple[str, ...] = ()
    # The site search for ``?q=`` (and feed keywords), set by the domain; without it ``q`` is a
    # plain substring match of ``search_fields``. With it, records whose ``search_fields``
    # contain ``q`` literally (a part of a code …) follow the search's, as in the portal catalog.
    keyword_search: KeywordSearch | None = None
    page_size = 50
    max_page_size = 200
    sync_page_size = 100
    feed_orderings: dict[str, tuple[str, ...]] = {}

    @property
    def collections(self) -> tuple[str, ...]:
        return (self.name, *self.depends_on)

    # -- what is visible --
    def queryset(self, request) -> QuerySet:
        """Records this request may read (public ones unless the resource says otherwise)."""
        return self.model.public_queryset()

    def scope(self, request) -> str:
        """Who the response depends on: "public", or a user marker for non-public views."""
        return "public"

    def optimise(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def withdrawn_rows(self, request) -> Iterable[tuple[QuerySet, str]]:
        """Records that leave the collection without a stored tombstone, and the field saying when.

        Pairs of (queryset, moment field): a deactivated hall and its ``updated_at``, an expired
        notice and its ``ends_at``. None by default (deletions leave tombstones).
        """
        return ()

    def withdrawn(self, request, since, until, filterset) -> list[dict]:
        """Records that left the collection in (since, until] without a stored tombstone."""
        items = []
        for rows, moment in self.withdrawn_rows(request):
            rows = rows.filter(**{f"{moment}__gt": since, f"{moment}__lte": until})
            if filterset is not None:
                rows = filterset.filter_queryset(rows)
            items += [
                {"id": str(pk), "kind": self.name, "status": "withdrawn", "at": at}
                for pk, at in rows.values_list("pk", moment)
            ]
        return items

    def search(self, queryset: QuerySet, q: str) -> QuerySet:
        """The records of ``queryset`` matching ``q`` (unordered; ``keyword_matches`` ranks them)."""
        if self.keyword_search is not None:
            return queryset.filter(pk__in=self.keyword_matches(queryset, q))
        return queryset.filter(self._literal(q))

    def _literal(self, q: str) -> Q:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": q})
        return condition

    def keyword_matches(self, queryset: QuerySet, q: str) -> list[Any]:
        """Primary keys of the records of ``queryset`` matching ``q``, most relevant first.

        The search's results in its order, then the records only ``search_fields`` contain ``q``
        in (a part of a code), in the resource's order. Needs ``keyword_search``. Two queries
        and the search's, whatever the number of results.
        """
        if self.keyword_search is None:
            raise TypeError(f"{type(self).__name__} has no keyword_search.")
        ranked = self.keyword_search(queryset, q)
        found = dict.fromkeys(ranked)
        if self.search_fields:
            literal = queryset.filter(self._literal(q)).exclude(pk__in=ranked).order_by(*self.ordering)
            found.update(dict.fromkeys(literal.values_list("pk", flat=True)))
        return list(found)

    # -- feeds --
    def feed_queryset(self, feed) -> QuerySet:
        queryset = self.model.public_queryset()
        departments = [d.pk for d in feed.departments.all()]
        if departments and hasattr(self.model, "department"):
            queryset = queryset.filter(department__in=departments)
        if feed.keyword and self.search_fields:
            queryset = self.search(queryset, feed.keyword)
        return queryset

    def field_choices(self) -> list[tuple[str, str]]:
        """The record's fields with a short Chinese label (model verbose name, else the help text)."""
        fields = self.serializer_class().fields
        return [(name, _short_label(name, field)) for name, field in fields.items()]

    # -- rendering --
    def serializer_context(self, request) -> dict:
        """Context computed once per batch of records (e.g. a page's base URL)."""
        return {"request": request}

    def serialize_many(self, objects: list, context: dict) -> list[dict]:
        """One serializer for the whole batch: DRF builds a ModelSerializer's fields per instance."""
        return self.serializer_class(objects, many=True, context=context).data

    def render(self, request, pks_and_stamps: list[tuple], generation: str) -> list[bytes]:
        """JSON of each record, in order, from the per-record cache where possible."""
        keys = {
            pk: f"api:rec:{self.name}:{generation}:{pk}:{stamp.timestamp() if stamp else 0}"
            for pk, stamp in pks_and_stamps
        }
        found = cache.get_many(list(keys.values()))
        missing = [pk for pk, _ in pks_and_stamps if keys[pk] not in found]
        if missing:
            fresh = {}
            context = self.serializer_context(request)
            objects = list(self.optimise(self.model._default_manager.filter(pk__in=missing)))
            for obj, data in zip(objects, self.serialize_many(objects, context), strict=True):
                fresh[keys[obj.pk]] = dumps(data)
            cache.set_many(fresh, settings.API_RECORD_CACHE_SECONDS)
            found.update(fresh)
        return [found[keys[pk]] for pk, _ in pks_and_stamps if keys[pk] in found]


def _short_label(name: str, field) -> str:
    label = str(field.label or "")
    if not _CJK.search(label):
        label = str(field.help_text or "")
    label = re.split(r"[（(：:。；;，,]", label)[0].strip()
    return label or ("编号" if name == "id" else name)


_CJK = re.compile(r"[\u4e00-\u9fff]")


# ---- the viewset -----------------------------------------------------------------------


class ReadOnly(AllowAny):
    """Reads are open; the resource's queryset decides what each caller sees."""


class ResourceViewSet(viewsets.GenericViewSet):
    """List and detail for one ``Resource`` with caching and sync; see the module docstring."""

    resource: Resource
    # The terminals' keys first, then sessions and tokens (REST_FRAMEWORK in settings).
    authentication_classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    permission_classes = [ReadOnly]
    throttle_classes = [AnonThrottle, TerminalThrottle, UserThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = SingleRendererNegotiation
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation runs without a database (CI, a fresh checkout); page
            # querysets would read view restrictions.
            return self.resource.model.objects.none()
        return self.resource.queryset(self.request)

    def get_serializer_class(self):
        return self.resource.serializer_class

    @property
    def filterset_class(self):
        return self.resource.filterset_class

    # -- helpers --
    def _variant(self, kind: str, scope: str) -> str:
        query = sorted(self.request.query_params.lists())
        variant = f"{kind}|{self.request.get_host()}|{self.request.path}|{query}|{scope}"
        if kind == "list" and self.resource.keyword_search is not None and self.request.query_params.get("q"):
            # What q finds also depends on the synonyms, which no collection version covers.
            variant += f"|search:{self.resource.keyword_search.version()}"
        return variant

    def _state(self, kind: str) -> caching.CacheState:
        scope = self.resource.scope(self.request)
        return caching.state_for(self.resource.collections, self._variant(kind, scope), private=scope != "public")

    def _generation(self, state: caching.CacheState) -> str:
        scope = self.resource.scope(self.request)
        # Only what records embed from other collections; a change to one record changes its stamp.
        token = ",".join(f"{name}:{state.versions[name]}" for name in sorted(self.resource.depends_on))
        return hashlib.blake2b(f"{token}|{scope}".encode(), digest_size=8).hexdigest()

    def _filterset(self, queryset: QuerySet):
        if self.resource.filterset_class is None:
            return None
        filterset = self.resource.filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(_chinese_filter_errors(filterset))
        return filterset

    def _url(self, **params) -> str:
        query = {k: v for k, v in self.request.query_params.items() if k not in {"cursor", "page"}}
        query.update({k: v for k, v in params.items() if v is not None})
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(query)

    # -- endpoints --
    def list(self, request, *args, **kwargs):
        params = ListParams.parse(request, self.resource)
        # The ETag covers the query string and no 400 ever carried one, so a match needs no
        # filter validation (building a filterset costs as much as the rest of a 304).
        state = self._state("list")
        if caching.is_not_modified(request, state):
            return caching.not_modified(state)
        body = caching.cached_body(request, state)
        if body is None:
            filterset = self._filterset(self.get_queryset())
            queryset = filterset.qs if filterset is not None else self.get_queryset()
            ranked = None
            if params.q and self.resource.keyword_search is not None:
                ranked = self.resource.keyword_matches(queryset, params.q)
            elif params.q:
                queryset = self.resource.search(queryset, params.q)
            if params.updated_since is not None:
                if ranked is not None:
                    queryset = queryset.filter(pk__in=ranked)
                body = self._sync_body(queryset, params, state, filterset)
            elif ranked is not None:
                body = self._ranked_page_body(queryset, ranked, params, state)
            else:
                body = self._page_body(queryset, params, state)
            caching.store_body(state, body)
        return caching.json_response(body, state)

    def retrieve(self, request, *args, **kwargs):
        state = self._state("detail")
        if caching.is_not_modified(request, state):
            return caching.not_modified(state)
        body = caching.cached_body(request, state)
        if body is None:
            pk = kwargs[self.lookup_field]
            if int(pk) > MAX_ID:
                raise exceptions.NotFound(f"没有编号为 {pk} 的{self.resource.label}。")
            row = self.get_queryset().filter(pk=pk).values_list("pk", self.resource.updated_field).first()
            if row is None:
                raise exceptions.NotFound(f"没有编号为 {pk} 的{self.resource.label}，或它已删除、撤下、尚未公开。")
            body = self.resource.render(request, [row], self._generation(state))[0]
            caching.store_body(state, body)
        return caching.json_response(body, state)

    # -- bodies --
    def _records(self, rows, state) -> list[bytes]:
        """Hook: the JSON of these records (feeds pick fields from it)."""
        return self.resource.render(self.request, rows, self._generation(state))

    def _page_start(self, total: int, params: ListParams) -> int:
        pages = max(1, math.ceil(total / params.page_size))
        if params.page > pages:
            raise exceptions.NotFound(
                f"第 {params.page} 页不存在：共 {total} 条，每页 {params.page_size} 条，共 {pages} 页。"
            )
        return (params.page - 1) * params.page_size

    def _page_body(self, queryset: QuerySet, params: ListParams, state, ordering=None) -> bytes:
        total = queryset.count()
        start = self._page_start(total, params)
        rows = list(
            queryset.order_by(*(ordering or self.resource.ordering)).values_list("pk", self.resource.updated_field)[
                start : start + params.page_size
            ]
        )
        return self._page(rows, total, params, state)

    def _ranked_page_body(self, queryset: QuerySet, ranked: list, params: ListParams, state) -> bytes:
        """A page of ``ranked`` (primary keys, most relevant first): the order of a ``?q=`` search."""
        start = self._page_start(len(ranked), params)
        page = ranked[start : start + params.page_size]
        stamps = dict(queryset.order_by().filter(pk__in=page).values_list("pk", self.resource.updated_field))
        rows = [(pk, stamps[pk]) for pk in page if pk in stamps]
        return self._page(rows, len(ranked), params, state)

    def _page(self, rows: list[tuple], total: int, params: ListParams, state) -> bytes:
        pages = max(1, math.ceil(total / params.page_size))
        records = self._records(rows, state)
        nxt = self._url(page=params.page + 1) if params.page < pages else None
        prev = self._url(page=params.page - 1) if params.page > 1 else None
        head = dumps({"count": total, "next": nxt, "previous": prev})[:-1]
        return head + b',"results":[' + b",".join(records) + b"]}"

    def _sync_body(self, queryset: QuerySet, params: ListParams, state, filterset) -> bytes:
        now = timezone.now()
        since = params.updated_since
        horizon = now - datetime.timedelta(days=settings.API_TOMBSTONE_RETENTION_DAYS)
        if since < horizon:
            raise Gone()
        until = min(params.until or now, now)
        # Writes commit after they stamp their rows; look back far enough to catch them.
        low = since - datetime.timedelta(seconds=settings.API_SYNC_OVERLAP_SECONDS)
        field = self.resource.updated_field
        changed = queryset.filter(**{f"{field}__gt": low, f"{field}__lte": until})
        if params.cursor is not None:
            moment, pk = params.cursor
            changed = changed.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
        rows = list(changed.order_by(field, "pk").values_list("pk", field)[: params.page_size + 1])
        more = len(rows) > params.page_size
        rows = rows[: params.page_size]
        records = self._records(rows, state)
        nxt = (
            self._url(updated_since=since.isoformat(), until=until.isoformat(), cursor=_encode_cursor(*rows[-1][::-1]))
            if more
            else None
        )
        tombstones = [] if params.cursor is not None else self._tombstones(low, until, filterset)
        head = dumps({"updated_since": since, "until": until, "next": nxt, "tombstones": tombstones})[:-1]
        return head + b',"results":[' + b",".join(records) + b"]}"

    def _tombstones(self, low, until, filterset) -> list[dict]:
        stored = Tombstone.objects.filter(kind=self.resource.name, at__gt=low, at__lte=until).order_by("at", "pk")
        items = [{"id": t.object_id, "kind": t.kind, "status": t.reason, "at": t.at} for t in stored]
        items += self.resource.withdrawn(self.request, low, until, filterset)
        items.sort(key=lambda t: (t["at"], t["id"]))
        return items


def _chinese_filter_errors(filterset) -> dict:
    errors = {}
    for name, messages in filterset.errors.items():
        label = filterset.filters[name].label if name in filterset.filters else name
        errors[name] = [f"{label}：{message}" for message in messages]
    return errors


# ---- OpenAPI --------------------------------------------------------------------------


def _list_serializer(record: type[serializers.Serializer]) -> type[serializers.Serializer]:
    name = record.__name__.removesuffix("Serializer")
    listing = type(
        f"{name}ListSerializer",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(required=False, help_text="符合条件的记录总数（浏览时给出）。"),
            "next": serializers.URLField(allow_null=True, help_text="下一页的完整链接；没有下一页时为 null。"),
            "previous": serializers.URLField(
                allow_null=True, required=False, help_text="上一页的完整链接（浏览时给出）；第一页为 null。"
            ),
            "updated_since": serializers.DateTimeField(required=False, help_text="本次同步的起点（同步时给出）。"),
            "until": serializers.DateTimeField(
                required=False, help_text="本次同步的终点（同步时给出）：下次同步以它作为 updated_since。"
            ),
            "tombstones": TombstoneSerializer(
                many=True, required=False, help_text="同步起点之后删除或撤下的记录（同步第一页给出）。"
            ),
            "results": record(many=True, help_text="记录列表，按固定顺序排列，数据相同则响应字节相同。"),
            "__module__": record.__module__,
        },
    )
    # A paged object, not an array of them (drf-spectacular wraps a list action's serializer otherwise).
    return extend_schema_serializer(many=False)(listing)


# {"page": ["页码 page必须……"]}: what DRF's ValidationError renders.
FIELD_ERRORS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}

ERROR_RESPONSES = {
    304: OpenApiResponse(description="未修改：If-None-Match 或 If-Modified-Since 与当前版本一致，无响应体。"),
    400: OpenApiResponse(FIELD_ERRORS, description="参数有误：以参数名为键，给出中文说明列表。"),
    401: OpenApiResponse(ErrorSerializer, description="接口密钥无效、已吊销或已过期。"),
    429: OpenApiResponse(ErrorSerializer, description="请求过于频繁；Retry-After 头给出需等待的秒数。"),
}


def list_parameters(resource: Resource) -> list[OpenApiParameter]:
    """The list's query parameters; ``q`` described as the site search where the domain plugged it in."""
    if resource.keyword_search is None:
        return LIST_PARAMETERS
    return [SEARCH_PARAMETER if p.name == "q" else p for p in LIST_PARAMETERS]


def document(viewset: type[ResourceViewSet]) -> type[ResourceViewSet]:
    """Attach the OpenAPI description of list and retrieve (Chinese, per resource).

    Methods a subclass defines itself keep their own description; inherited ones get a fresh
    wrapper so that each resource's schema stays its own.
    """
    resource = viewset.resource
    record = resource.serializer_class
    own_list, own_retrieve = viewset.list, viewset.retrieve
    if own_list is ResourceViewSet.list:

        def listing(self, request, *args, **kwargs):
            return ResourceViewSet.list(self, request, *args, **kwargs)

        viewset.list = extend_schema(
            summary=f"{resource.label}列表与增量同步",
            description=f"浏览{resource.label}（分页），或以 updated_since 增量同步（游标分页，含删除标记）。",
            parameters=list_parameters(resource),
            responses={
                200: _list_serializer(record),
                404: OpenApiResponse(ErrorSerializer, description="页码超出范围。"),
                410: OpenApiResponse(ErrorSerializer, description="同步起点早于删除标记保留期，需要全量同步。"),
                **ERROR_RESPONSES,
            },
        )(listing)
    if own_retrieve is ResourceViewSet.retrieve:

        def retrieve(self, request, *args, **kwargs):
            return ResourceViewSet.retrieve(self, request, *args, **kwargs)

        viewset.retrieve = extend_schema(
            summary=f"单个{resource.label}",
            responses={
                200: record,
                404: OpenApiResponse(ErrorSerializer, description="没有该记录，或它已删除、撤下、尚未公开。"),
                **ERROR_RESPONSES,
            },
        )(retrieve)
    return viewset


def resource_viewset(resource: Resource) -> type[ResourceViewSet]:
    """A documented read-only viewset for a resource."""
    cls = type(
        f"{type(resource).__name__}ViewSet", (ResourceViewSet,), {"resource": resource, "__doc__": resource.label}
    )
    return document(cls)


# ---- registry for feeds ----------------------------------------------------------------

SOURCES: dict[str, Resource] = {}


def register_source(source: str, resource: Resource) -> Resource:
    SOURCES[source] = resource
    return resource


def resource_for_source(source: str) -> Resource:
    """The resource a feed draws from (every domain's ``api.py`` has registered its own by now)."""
    return SOURCES[source]
