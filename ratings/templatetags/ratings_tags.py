"""Links to the 好差评 forms for other apps' templates (the progress lookup, a matter's page).

``{% case_rating_url case as url %}``: the progress page's link to rate a completed case (channel
网上评价), or "" before completion, once this channel rated, or without a live 好差评 page.
``{% service_rating_url matter as url %}``: the link to rate a service used online on its matter.
The page is looked up once per request.
"""

from __future__ import annotations

from django import template

from ..links import case_rating_path, rating_page
from ..models import Rating, RatingChannel

register = template.Library()
_CACHE_ATTR = "_rating_index_page"
_MISSING = object()


def _page(request):
    page = getattr(request, _CACHE_ATTR, _MISSING) if request is not None else _MISSING
    if page is _MISSING:
        page = rating_page()
        if request is not None:
            setattr(request, _CACHE_ATTR, page)
    return page


@register.simple_tag(takes_context=True)
def case_rating_url(context, case) -> str:
    from cases.models import COMPLETED

    if case is None or case.state not in COMPLETED:
        return ""
    page = _page(context.get("request"))
    if page is None or Rating.objects.filter(case=case, channel=RatingChannel.WEB).exists():
        return ""
    return case_rating_path(case.pk, RatingChannel.WEB, page)


@register.simple_tag(takes_context=True)
def service_rating_url(context, matter) -> str:
    page = _page(context.get("request"))
    if page is None or matter is None or not getattr(matter, "is_public", False):
        return ""
    return page.url + page.reverse_subpage("rate_service", args=[matter.pk])
