"""Template tags of the portal chrome: navigation, breadcrumbs, site settings and SEO fields.

Everything here reads the request once and caches on it, so the header, footer and head of a
page cost the same few queries on every page type. The site is ``theme.sites.portal_site``: on a
district's or town's site (its own host, or its path prefix ``/donghu/``) the header, footer and
breadcrumbs are that site's.
"""

from __future__ import annotations

from django import template
from django.conf import settings as django_settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page, Site

from theme.models import PortalSettings
from theme.navigation import NavEntry, build_nav
from theme.seo import canonical_url, page_description
from theme.sites import portal_settings as request_portal_settings
from theme.sites import portal_site, site_home_url

register = template.Library()

HOME_LABEL = "首页"


def _request(context) -> HttpRequest | None:
    return context.get("request")


def _site(request: HttpRequest | None) -> Site | None:
    return portal_site(request)


class CaptureNode(template.Node):
    """Renders its content once into a variable (the nodelist may hold overridable blocks)."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308 - already escaped
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: reuse a block's output (title, description).

    Django renders a block once; the page title is needed in ``<title>`` and in the share
    card, so the block is rendered inside ``capture`` and the variable used twice.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("用法：{% capture as 变量名 %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def portal_nav(context) -> list[NavEntry]:
    request = _request(context)
    return build_nav(request) if request is not None else []


@register.simple_tag(takes_context=True)
def portal_settings(context) -> PortalSettings | None:
    """This site's settings, or None where there is no site (the footer then shows defaults)."""
    return request_portal_settings(_request(context))


@register.simple_tag(takes_context=True)
def portal_home_url(context) -> str:
    """The link of the header's emblem and site name: this site's home page (``/donghu/`` on a prefix)."""
    request = _request(context)
    return site_home_url(request) if request is not None else "/"


@register.simple_tag(takes_context=True)
def portal_site_name(context) -> str:
    site = _site(_request(context))
    return (site.site_name if site is not None else "") or django_settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def meta_description(context) -> str:
    page = context.get("page")
    settings_ = portal_settings(context)
    fallback = settings_.site_description if settings_ is not None else ""
    return page_description(page if isinstance(page, Page) else None, fallback)


@register.simple_tag(takes_context=True)
def canonical(context) -> str:
    request = _request(context)
    if request is None:
        return ""
    page = context.get("page")
    return canonical_url(request, page if isinstance(page, Page) else None)


def page_trail(page: Page, request: HttpRequest | None) -> list[tuple[str, str]]:
    """(title, url) from the site's home page down to ``page`` (one query for the ancestors).

    On a sub-site the trail starts at its own home page (首页 of 东湖区, not of the city).
    """
    site = portal_site(request)
    top = site.root_page.depth if site is not None and page.path.startswith(site.root_page.path) else 2
    ancestors = [p for p in page.get_ancestors() if p.depth >= top]
    trail = [(p.title, p.get_url(request) or "") for p in ancestors]
    trail.append((page.title, page.get_url(request) or ""))
    if trail and (ancestors[0].depth if ancestors else page.depth) == top:
        trail[0] = (HOME_LABEL, trail[0][1])
    return trail


@register.inclusion_tag("theme/includes/breadcrumbs.html", takes_context=True)
def breadcrumb_nav(context, current: str = "") -> dict:
    """The 当前位置 trail: a view's ``breadcrumbs`` list of (title, url), else the page's ancestors.

    ``current`` names a routed sub-page shown under the page (a matter under the catalog):
    the page then becomes a link and ``current`` the last, unlinked step.
    """
    request = _request(context)
    items = context.get("breadcrumbs")
    if items is None:
        page = context.get("page")
        items = page_trail(page, request) if isinstance(page, Page) and page.pk else []
        if current:
            items.append((current, ""))
        elif items:
            items[-1] = (items[-1][0], "")
    items = [(str(title), url) for title, url in items]
    if items and items[0][0] != HOME_LABEL:
        items.insert(0, (HOME_LABEL, site_home_url(request) if request is not None else "/"))
    return {"items": items if len(items) > 1 else []}


@register.filter
def nav_current_attr(entry) -> SafeString:
    """aria-current for a menu entry: "page" on the page itself, "true" inside its column."""
    if getattr(entry, "current_page", False):
        return mark_safe(' aria-current="page"')
    if getattr(entry, "current", False):
        return mark_safe(' aria-current="true"')
    return mark_safe("")
