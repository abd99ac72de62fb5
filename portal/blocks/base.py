"""What every portal block shares: a heading, an optional "更多" link, a width, and the
links to the portal's fixed pages (looked up once per request, whatever the number of blocks)."""

from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import BlockGroup, StructBlockValidationError
from wagtail.models import Page

from permissions.models import Department
from permissions.regions import request_region

PREVIEW_TEMPLATE = "portal/blocks/preview.html"
SETTINGS_FIELDS = ("more", "width")
WIDTHS = [("full", "整行"), ("half", "半行（宽屏时两块并排）")]


class CountBlock(blocks.IntegerBlock):
    """How many items a data block shows; out-of-range numbers are refused in words editors read."""

    def __init__(self, *, default: int = 8, maximum: int = 30, **kwargs) -> None:
        self.maximum = maximum
        kwargs.setdefault("label", "显示条数")
        kwargs.setdefault("help_text", f"1 到 {maximum} 条。")
        super().__init__(default=default, required=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is None or not 1 <= value <= self.maximum:
            raise ValidationError(f"显示条数须在 1 到 {self.maximum} 之间。")
        return value


class MoreLinkBlock(blocks.StructBlock):
    """The "更多" link of a section: a page, an address, or (for data blocks) the full list."""

    show = blocks.BooleanBlock(label="显示“更多”链接", required=False, default=True)
    text = blocks.CharBlock(label="链接文字", max_length=12, default="更多")
    page = blocks.PageChooserBlock(label="链接到页面", required=False)
    url = blocks.URLBlock(label="或链接到网址", required=False)

    class Meta:
        label = "“更多”链接"
        icon = "link"
        collapsed = True
        label_format = "“更多”链接：{text}"
        help_text = "页面和网址都不填时，数据栏目链接到完整列表（如按同样条件筛选的事项目录）。"

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") and value.get("url"):
            raise StructBlockValidationError({"url": ValidationError("页面和网址只能填写一个。")})
        return value


class SectionBlock(blocks.StructBlock):
    """A titled section of a portal page. Subclasses add their fields; "more" and "width" go to
    the collapsible settings area of the editor."""

    heading = blocks.CharBlock(label="栏目标题", max_length=40, required=False, help_text="留空则不显示标题。")
    more = MoreLinkBlock()
    width = blocks.ChoiceBlock(label="宽度", choices=WIDTHS, default="full")

    class Meta:
        preview_template = PREVIEW_TEMPLATE
        label_format = "{heading}"
        collapsed = True  # a page of ten sections stays readable in the editor; the minimap names each

    def get_form_layout(self) -> BlockGroup:
        if self.meta.form_layout is not None:
            return super().get_form_layout()
        names = list(self.child_blocks)
        return BlockGroup(
            [n for n in names if n not in SETTINGS_FIELDS],
            settings=[n for n in SETTINGS_FIELDS if n in names],
        )

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        """Where "更多" leads when the editor chose no page or address (data blocks override)."""
        return None

    def get_context(self, value, parent_context=None) -> dict[str, Any]:
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        links = portal_links(request)
        context["links"] = links
        context.update(self.get_items(value, links) or {})
        context["more_url"] = self.more_url(value, links)
        return context

    def get_items(self, value, links: PortalLinks) -> dict[str, Any] | None:
        """The live records a data block shows (queried here, once per block)."""
        return None

    def more_url(self, value, links: PortalLinks) -> str | None:
        more = value.get("more") or {}
        if not more.get("show", True):
            return None
        if (page := more.get("page")) and page.live:
            return page.get_url(links.request)
        if more.get("url"):
            return more["url"]
        return self.full_list_url(value, links)


# ---- the portal's fixed pages --------------------------------------------------------------


class PortalLinks:
    """URLs of the catalog, the disclosure column, the guides and the halls page.

    One query for all of them, made the first time a block asks and kept on the request, so a
    page with ten data blocks pays it once. A page that does not exist gives None (no link).

    Also the 区划 the blocks list (``region``: the visitor's choice on the city's site, the site's
    own on a district's or town's site). The index pages are shared by every site; a link from a
    sub-site to one of them carries ``?region=<the site's region>`` (``url``), so the catalog it
    opens lists that district's matters, not the whole city's.
    """

    def __init__(self, request=None) -> None:
        self.request = request

    @cached_property
    def region(self) -> Department | None:
        return request_region(self.request) if self.request is not None else None

    @cached_property
    def _region_query(self) -> dict[str, str]:
        if self.region is None or not getattr(self.request, "portal_region_fixed", False):
            return {}  # the city's site: the visitor's own choice travels in the cookie
        return {"region": self.region.slug}

    def url(self, kind: str, query: dict | None = None) -> str | None:
        """The index page ``kind`` (catalog, disclosure, disclosure_catalog, guides, halls) with the
        ``query`` (a filter) and, from a sub-site, its region; None when the page does not exist."""
        base = self._base(kind)
        if base is None:
            return None
        params = {**self._region_query, **(query or {})}
        return f"{base}?{urlencode(params)}" if params else base

    def _base(self, kind: str) -> str | None:
        if kind == "disclosure_catalog":
            disclosure = self._urls.get("disclosure")
            return f"{disclosure}catalog/" if disclosure else None
        return self._urls.get(kind)

    @cached_property
    def _urls(self) -> dict[str, str]:
        from disclosure.models import DisclosureIndexPage
        from guides.models import GuideIndexPage
        from matters.pages import MatterCatalogPage
        from portal.models import HallIndexPage

        kinds = {
            MatterCatalogPage: "catalog",
            DisclosureIndexPage: "disclosure",
            GuideIndexPage: "guides",
            HallIndexPage: "halls",
        }
        by_ct = {ct.pk: kinds[model] for model, ct in ContentType.objects.get_for_models(*kinds).items()}
        urls: dict[str, str] = {}
        for page in Page.objects.live().filter(content_type__in=by_ct).order_by("path"):
            kind = by_ct[page.content_type_id]
            if kind not in urls and (url := page.get_url(self.request)):
                urls[kind] = url
        return urls

    @property
    def catalog(self) -> str | None:
        return self.url("catalog")

    @property
    def disclosure(self) -> str | None:
        return self.url("disclosure")

    @property
    def disclosure_catalog(self) -> str | None:
        return self.url("disclosure_catalog")

    @property
    def guides(self) -> str | None:
        return self.url("guides")

    @property
    def halls(self) -> str | None:
        return self.url("halls")

    def matter(self, code: str) -> str | None:
        catalog = self._base("catalog")
        return f"{catalog}item/{code}/" if catalog else None

    def hall(self, code: str) -> str | None:
        halls = self._base("halls")
        return f"{halls}{code}/" if halls else None


def portal_links(request) -> PortalLinks:
    """The request's PortalLinks (made on first use)."""
    if request is None:
        return PortalLinks()
    links = getattr(request, "_portal_links", None)
    if links is None:
        links = PortalLinks(request)
        request._portal_links = links
    return links


def item_count(value, default: int = 8, maximum: int = 30) -> int:
    """The block's count as stored, kept within 1..maximum even if the stored JSON says otherwise."""
    count = as_int(value.get("count"))
    return default if count is None else max(1, min(count, maximum))


def as_int(value) -> int | None:
    """A stored choice (a primary key as text) as an integer; None when empty or malformed."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
