"""The 区划 switch in the city site's header and the "当前区划" line of the filtered listings.

Both read ``request.portal_region`` (``theme.regions.PortalRegionMiddleware``) and the cached
department table (``permissions.regions``): no query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.http import HttpRequest

from permissions.regions import region_choices, region_label, request_region

register = template.Library()


def _request(context) -> HttpRequest | None:
    return context.get("request")


def _whole(label: str) -> str:
    """东湖区（全区）: the district with its streets and towns, beside the towns listed under it."""
    return f"{label}（全{label[-1]}）" if label[-1:] in ("区", "县", "市", "旗") else f"{label}（全部）"


# What a region change does not carry over: the region itself, and the page number (page 3 of
# the city's results is not page 3 of a district's).
_NOT_KEPT = {"region", "page"}


def kept_query(request: HttpRequest) -> list[tuple[str, str]]:
    """The listing's other parameters (the search words, a filter) that switching the region keeps:
    the visitor changes where they look, not what they look for."""
    return [(key, value) for key, values in request.GET.lists() if key not in _NOT_KEPT for value in values][:20]


@register.inclusion_tag("theme/includes/region_switch.html", takes_context=True)
def region_switch(context) -> dict:
    """The header's switch: on the city's site only (a sub-site shows its own region), and only
    when the city has regions to switch to."""
    request = _request(context)
    if request is None or getattr(request, "portal_region_fixed", False):
        return {"show": False}
    choices = region_choices()
    if len(choices) < 2:
        return {"show": False}
    current = request_region(request)
    current_slug = current.slug if current is not None else ""
    districts = []
    for choice in choices[1:]:
        if choice.depth == 1:
            districts.append((choice, _whole(choice.label), []))
        elif districts:
            districts[-1][2].append(choice)
    return {
        "show": True,
        "action": request.path,
        "keep": kept_query(request),
        "city": choices[0],
        "districts": districts,
        "current": current_slug,
        "current_label": region_label(current),
    }


@register.inclusion_tag("theme/includes/region_notice.html", takes_context=True)
def region_notice(context) -> dict:
    """当前区划：东湖区 · 查看全市 — above a listing filtered by the region (nothing for the whole city)."""
    request = _request(context)
    region = request_region(request) if request is not None else None
    if region is None:
        return {"region": None}
    return {
        "region": region,
        "label": region_label(region),
        "fixed": getattr(request, "portal_region_fixed", False),
        "city_url": f"{request.path}?{urlencode([*kept_query(request), ('region', '')])}",
    }
