"""网站地图: the HTML site map for people (``/sitemap.xml`` is the one for machines).

《政府网站发展指引》（国办发〔2017〕47号）lists a 网站地图 among what every government site
offers, linked from the footer. It shows the site the visitor is on (``theme.sites.portal_site``:
a district's sub-site shows the district's map at ``/donghu/sitemap/`` or at its own host name's
``/sitemap/``): the site's sections in tree order, each with its live, public, in-menu pages
two levels deep, and the fixed services (事项目录, 办事指南, 政府信息公开, 服务大厅, 互动交流,
办件查询 …) found under the site's home page by the slugs the main menu uses.

Two queries whatever the number of pages: the view restrictions, and both levels of pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from .sites import portal_site, site_home_url

TITLE = "网站地图"
PATH = "sitemap/"
CACHE_ATTR = "_portal_sitemap_url"

# (label, slug of a page directly under the site's home page, [(label, route below it)]).
# The slugs are the main menu's (theme.navigation); a service the site does not have is left out.
FIXED_SERVICES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("事项目录", "matters", []),
    ("办事指南", "guides", []),
    ("一件事", "yjs", []),
    ("政府信息公开", "xxgk", [("公开目录", "catalog/"), ("依申请公开", "apply/"), ("依申请公开办理查询", "status/")]),
    ("服务大厅", "fwdt", []),
    ("互动交流", "hudong", [("咨询投诉查询", "lookup/")]),
    ("办件服务", "banjian", [("办件查询", "lookup/")]),
    ("网上预约", "yuyue", [("我的预约", "mine/")]),
    ("好差评", "pingjia", []),
]
SEARCH = ("站内搜索", "/search/")


@dataclass
class MapNode:
    title: str
    url: str
    children: list[MapNode] = field(default_factory=list)


def home_url(request: HttpRequest) -> str:
    """The address of this request's site's home page ("/" or "/donghu/")."""
    url = site_home_url(request)
    return url if url.endswith("/") else url + "/"


def sitemap_url(request: HttpRequest) -> str:
    """The 网站地图 of the site the request is on (cached on the request: every footer asks)."""
    cached = getattr(request, CACHE_ATTR, None)
    if cached is None:
        cached = home_url(request) + PATH
        setattr(request, CACHE_ATTR, cached)
    return cached


def _node(page: Page, request: HttpRequest) -> MapNode:
    return MapNode(page.title, page.get_url(request) or "")


def build_sitemap(request: HttpRequest, site: Site) -> tuple[list[MapNode], list[MapNode]]:
    """(sections, services): the in-menu sections with their in-menu pages, and the fixed services
    not already among the sections (each link once), with the routes visitors look for."""
    root = site.root_page
    private = Page.objects.all().private_q()  # one query: the view restrictions
    pages = list(
        Page.objects.live()
        .exclude(private)
        .filter(path__startswith=root.path, depth__in=(root.depth + 1, root.depth + 2))
        .order_by("path")
        .only("id", "path", "depth", "url_path", "title", "slug", "show_in_menus", "content_type_id", "locale_id")
    )
    steplen = Page.steplen
    first = [p for p in pages if p.depth == root.depth + 1]
    below: dict[str, list[Page]] = {}
    for page in pages:
        if page.depth == root.depth + 2 and page.show_in_menus:
            below.setdefault(page.path[:-steplen], []).append(page)

    fixed = {slug: (label, routes) for label, slug, routes in FIXED_SERVICES}
    sections: list[MapNode] = []
    services_by_slug: dict[str, MapNode] = {}
    for page in first:
        node = _node(page, request)
        node.children = [_node(child, request) for child in below.get(page.path, [])]
        if page.slug in fixed:
            _, routes = fixed[page.slug]
            node.children += [MapNode(name, node.url + route) for name, route in routes if node.url]
            if not page.show_in_menus:
                services_by_slug[page.slug] = node
                continue
        if page.show_in_menus:
            sections.append(node)
    services = [services_by_slug[slug] for _, slug, _ in FIXED_SERVICES if slug in services_by_slug]
    services.append(MapNode(*SEARCH))
    return sections, services


def site_map(request: HttpRequest) -> HttpResponse:
    """``<site home>/sitemap/``; any other path ending in sitemap/ is an ordinary page address."""
    site = portal_site(request)
    if site is None or request.path != sitemap_url(request):
        return wagtail_views.serve(request, request.path_info.lstrip("/"))
    sections, services = build_sitemap(request, site)
    home = home_url(request)
    return TemplateResponse(
        request,
        "theme/site_map.html",
        {
            "title": TITLE,
            "sections": sections,
            "services": services,
            "site_name": site.site_name,
            "breadcrumbs": [("首页", home), (TITLE, "")],
        },
    )
