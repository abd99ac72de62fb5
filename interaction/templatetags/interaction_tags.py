"""``{% interaction_links matter page %}``: the 我要咨询 / 我要投诉 buttons of a matter or guide page.

The links go to the live, public 政民互动 page's form with ``?guide=<page id>`` (a service guide for
one matter) or ``?matter=<id>``, so the question reaches the matter's department. Nothing is shown
when there is no such page (no dead links). ``wrap=True`` puts the items in their own list. The
page is looked up once per request.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

register = template.Library()

_CACHE_ATTR = "_interaction_index_page"
_MISSING = object()
LINKS = (("consultation", "我要咨询"), ("complaint", "我要投诉"))


def index_page(request):
    from interaction.pages import InteractionIndexPage

    page = getattr(request, _CACHE_ATTR, _MISSING) if request is not None else _MISSING
    if page is _MISSING:
        page = InteractionIndexPage.objects.live().public().first()
        if request is not None:
            setattr(request, _CACHE_ATTR, page)
    return page


@register.inclusion_tag("interaction/tags/links.html", takes_context=True)
def interaction_links(context, matter=None, page=None, wrap=False) -> dict:
    request = context.get("request")
    index = index_page(request)
    base = index.get_url(request) if index is not None else ""
    if not base:
        return {"links": []}
    query = ""
    if page is not None and getattr(page, "matter_id", None):
        query = "?" + urlencode({"guide": page.pk})
    elif matter is not None and getattr(matter, "pk", None):
        query = "?" + urlencode({"matter": matter.pk})
    links = [(kind, label, f"{base}{index.reverse_subpage('ask', args=[kind])}{query}") for kind, label in LINKS]
    return {"links": links, "wrap": wrap}
