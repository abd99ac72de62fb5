"""Hall blocks: the notices on hall screens now, and the halls with their windows.

Reads the same public querysets as the API (``Hall.public_queryset``, ``Notice.public_queryset``):
an inactive hall, an expired or withdrawn notice never shows. Halls are chosen by code; a hall
deleted or deactivated since simply drops out, and if none of the chosen halls is left the
block shows its empty state (never every hall).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from wagtail import blocks

from permissions.models import Department
from permissions.regions import in_region

from .base import CountBlock, PortalLinks, SectionBlock, item_count
from .choosers import DynamicMultipleChoiceBlock, hall_choices

NOTICE_LEVELS = [("urgent", "紧急"), ("important", "重要"), ("info", "一般")]
HALL_LEVELS = [
    ("city", "市政务服务中心"),
    ("county", "县（区）政务服务中心"),
    ("town", "镇（街道）便民服务中心"),
    ("community", "村（社区）便民服务站"),
]


def public_halls(
    codes: list[str] | None = None, levels: list[str] | None = None, region: Department | None = None
) -> QuerySet:
    """Active halls (of the chosen codes and levels) run by the 区划 ``region``'s departments."""
    from halls.models import Hall

    halls = in_region(Hall.public_queryset(), region)
    if codes:
        halls = halls.filter(code__in=codes)
    if levels:
        halls = halls.filter(level__in=levels)
    return halls.order_by("sort_order", "code")


def notices_in_force(halls: QuerySet) -> QuerySet:
    """Notices on screens now in any of ``halls``: urgent first, then the newest."""
    from halls.models import Notice

    shown_in = Notice.halls.through.objects.filter(hall__in=halls).values("notice_id")
    return (
        Notice.public_queryset()
        .filter(pk__in=shown_in)
        .annotate(
            rank=Case(
                When(level="urgent", then=Value(0)),
                When(level="important", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-starts_at", "-pk")
        .prefetch_related(Prefetch("halls", queryset=halls, to_attr="public_halls"))
    )


class HallNoticesBlock(SectionBlock):
    halls = DynamicMultipleChoiceBlock(
        label="大厅", choices=hall_choices, required=False, help_text="不选则显示全部大厅的公告。"
    )
    levels = blocks.MultipleChoiceBlock(
        label="公告级别", choices=NOTICE_LEVELS, required=False, help_text="不选则显示全部级别。"
    )
    count = CountBlock(default=5)

    class Meta:
        label = "大厅公告"
        group = "政务公开与大厅（实时数据）"
        icon = "warning"
        template = "portal/blocks/hall_notices.html"
        description = "正在各服务大厅显示的公告（已过期或撤下的不显示），紧急公告在前。"
        preview_value = {"heading": "大厅公告", "count": 3}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        notices = notices_in_force(public_halls(value.get("halls"), region=links.region))
        if value.get("levels"):
            notices = notices.filter(level__in=value["levels"])
        notices = list(notices[: item_count(value, 5)])
        for notice in notices:
            notice.hall_links = [(hall, links.hall(hall.code)) for hall in notice.public_halls]
        return {"notices": notices}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        codes = value.get("halls") or []
        return links.hall(codes[0]) if len(codes) == 1 else links.halls


class HallsBlock(SectionBlock):
    halls = DynamicMultipleChoiceBlock(
        label="大厅", choices=hall_choices, required=False, help_text="不选则按层级列出。"
    )
    levels = blocks.MultipleChoiceBlock(
        label="大厅层级", choices=HALL_LEVELS, required=False, help_text="不选则列出全部层级。"
    )
    show_windows = blocks.BooleanBlock(
        label="显示窗口", required=False, default=False, help_text="列出各窗口及是否开放（暂停的窗口显示说明）。"
    )
    count = CountBlock(default=6, label="最多显示大厅数")

    class Meta:
        label = "服务大厅"
        group = "政务公开与大厅（实时数据）"
        icon = "site"
        template = "portal/blocks/halls.html"
        description = "服务大厅的地址、办公时间、电话，可附窗口开放情况。"
        preview_value = {"heading": "服务大厅", "count": 3}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        from halls.models import Window

        halls = public_halls(value.get("halls"), value.get("levels"), links.region)
        if value.get("show_windows"):
            halls = halls.prefetch_related(
                Prefetch("windows", queryset=Window.objects.order_by("sort_order", "number"), to_attr="window_list")
            )
        halls = list(halls[: item_count(value, 6)])
        for hall in halls:
            hall.portal_url = links.hall(hall.code)
        return {"halls": halls}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        return links.halls
