"""``{% case_apply_url matter as url %}``: where to apply online for a matter, or "".

A URL only when a live, public 办件服务 page exists and the matter is offered online at depth Ⅲ
or Ⅳ (``matters.vocabularies``) with a promised time limit; otherwise "", and the template shows
no button rather than a dead link. The page is looked up once per request.
"""

from __future__ import annotations

from django import template

register = template.Library()

ONLINE_DEPTHS = ("depth_3", "depth_4")
_CACHE_ATTR = "_case_index_page"
_MISSING = object()


def _index_page(request):
    from cases.pages import CaseIndexPage

    page = getattr(request, _CACHE_ATTR, _MISSING) if request is not None else _MISSING
    if page is _MISSING:
        page = CaseIndexPage.objects.live().public().first()
        if request is not None:
            setattr(request, _CACHE_ATTR, page)
    return page


def offered_online(matter) -> bool:
    depth = getattr(matter, "online_depth", None)
    return bool(
        depth is not None
        and getattr(depth, "key", "") in ONLINE_DEPTHS
        and getattr(matter, "promised_limit", None) is not None
        and getattr(matter, "is_public", False)
    )


@register.simple_tag(takes_context=True)
def case_apply_url(context, matter) -> str:
    if matter is None or not offered_online(matter):
        return ""
    request = context.get("request")
    page = _index_page(request)
    if page is None:
        return ""
    base = page.get_url(request)
    return f"{base}{page.reverse_subpage('apply', args=[matter.pk])}" if base else ""
