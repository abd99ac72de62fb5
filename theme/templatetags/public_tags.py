"""Tags of the public pages: the lists' pager and the portal's one date format.

The pager: page numbers (1 2 3 … 9 10), 上一页/下一页, every other query parameter kept; one
include (``theme/includes/pager.html``) for every paginated public list, so a visitor meets the
same pager everywhere and a filter is never lost by turning a page.

Dates: ``{{ value|public_date }}`` is ``<time class="date" datetime="2026-12-05">2026年12月5日</time>``,
the format most of the portal already used, in an element that never wraps (site.css).
"""

from __future__ import annotations

import datetime

from django import template
from django.core.paginator import Page
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

ON_EACH_SIDE = 2
ON_ENDS = 2


@register.simple_tag
def pager_numbers(page_obj: Page) -> list[int | None]:
    """The page numbers to show around the current one; None where a run of pages is left out."""
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS)
    ]


@register.simple_tag(takes_context=True)
def pager_url(context, number: int, param: str = "page") -> str:
    """``?…&page=N``: the request's query string with only the page number changed (page 1 drops it)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else {}
    if hasattr(query, "pop"):
        query.pop(param, None)
    if number != 1:
        query[param] = str(number)
    encoded = query.urlencode() if hasattr(query, "urlencode") else ""
    return f"?{encoded}" if encoded else "?"


@register.filter
def public_date(value: datetime.date | datetime.datetime | None) -> SafeString | str:
    """A date as the portal shows it (2026年12月5日), kept on one line; "" for no date (so ``default`` works)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_html(
        '<time class="date" datetime="{}">{}年{}月{}日</time>', value.isoformat(), value.year, value.month, value.day
    )


FILE_KINDS = {
    "doc": "Word",
    "docx": "Word",
    "wps": "WPS",
    "xls": "Excel",
    "xlsx": "Excel",
    "et": "WPS表格",
    "pdf": "PDF",
    "ofd": "OFD",
    "odt": "ODT",
    "rtf": "RTF",
    "txt": "文本",
    "zip": "ZIP压缩包",
    "jpg": "图片",
    "jpeg": "图片",
    "png": "图片",
}


def human_size(size: int | None) -> str:
    """24 KB, 1.3 MB: what a visitor on a metered phone needs to know before downloading."""
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.filter
def file_meta(document) -> str:
    """The kind and size of a document's file, "Word，24 KB" (read from the file, never typed by editors)."""
    if not document:
        return ""
    extension = (document.file_extension or "").lower()
    kind = FILE_KINDS.get(extension, extension.upper())
    size = document.file_size  # recorded at upload; else asked from the storage (no write on a page view)
    if size is None:
        try:
            size = document.file.size
        except (OSError, ValueError):  # a missing file: its kind is still worth saying
            size = None
    size = human_size(size)
    return "，".join(part for part in (kind, size) if part)


@register.filter
def download_name(document, title: str = "") -> str:
    """申请表.docx: the form's title (or the document's) with its file's extension."""
    if not document:
        return ""
    name = title or document.title
    extension = (document.file_extension or "").lower()
    return f"{name}.{extension}" if extension and not name.lower().endswith(f".{extension}") else name


@register.simple_tag
def matter_places(matter) -> list:
    """办理地点 of a matter: the halls whose windows take it, else its own places (``matters.places``)."""
    from matters.places import places_of

    return places_of(matter)
