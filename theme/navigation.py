"""The portal's main navigation, resolved against the page tree once per request.

Editors may rename, move or not yet have created a section page; the menu then falls back
to a neighbouring page or leaves the entry out, never a dead link. Two queries at most: the
view restrictions (so a private section is not advertised) and the pages themselves.

On a district's or town's site (``theme.sites.portal_site``) the menu is that site's: 首页 is its
home page, a section it has itself (``/donghu/grbs/``) comes first, and the sections it shares
with the city (事项目录, 办事指南, 政府信息公开, 服务大厅, …: one of each, under the city's home page)
are linked with ``?region=<the site's 区划>`` so that they open filtered to the site's 区划.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.http import HttpRequest
from django.utils.http import urlencode
from wagtail.models import Page, Site

from .sites import portal_site, site_region

# (label, slug of a page directly under the site root, fallback slugs tried in order)
SERVICE_SECTIONS = [
    ("个人办事", "grbs", ("matters",)),
    ("法人办事", "frbs", ("matters",)),
    ("部门服务", "bmfw", ("guides",)),
    ("一件事", "yjs", ("guides",)),
    ("办件服务", "banjian", ()),  # cases.pages.CaseIndexPage: 办件公示、办件查询、在线申请
    ("网上预约", "yuyue", ()),  # appointments: 预约取号、我的预约、非工作时间预约服务
    ("咨询投诉", "hudong", ()),  # interaction: 我要咨询、我要投诉、我要建议、公开答复
    ("好差评", "pingjia", ()),  # ratings.pages.RatingIndexPage: 评价公示、评价
]
DISCLOSURE_SLUG = "xxgk"
DISCLOSURE_GUIDE_SLUG = "gkzn"
HALLS_SLUG = "fwdt"
SEARCH_URL = "/search/"
# Columns that belong to 办事服务 although they are not in its menu (the catalog, the guides).
SERVICE_EXTRA_SLUGS = ("matters", "guides")
CACHE_ATTR = "_portal_nav"


@dataclass
class NavLink:
    label: str
    url: str
    current: bool = False  # this very page (aria-current="page")


@dataclass
class NavEntry:
    label: str
    url: str = ""
    children: list[NavLink] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)  # paths that belong to this column
    current: bool = False  # the visitor is somewhere in this column
    current_page: bool = False  # the entry's own link is this very page

    @property
    def key(self) -> str:
        return self.prefixes[0].strip("/").replace("/", "-") if self.prefixes else "home"


def _bases(site: Site) -> list[str]:
    """The url_paths sections are looked for under: the site's home page, then each home above it.

    ``/home/donghu/`` gives ``["/home/donghu/", "/home/"]``: a sub-site's own section first, the
    city's shared one after it (the tree root ``/`` holds no sections).
    """
    parts = [part for part in site.root_page.url_path.split("/") if part]
    if not parts:
        return ["/"]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(len(parts), 0, -1)]


def _root_paths(site: Site) -> list[str]:
    slugs = {s for _, s, fallbacks in SERVICE_SECTIONS for s in (s, *fallbacks)}
    slugs |= {DISCLOSURE_SLUG, HALLS_SLUG}
    paths = []
    for base in _bases(site):
        paths += [f"{base}{slug}/" for slug in sorted(slugs)]
        paths.append(f"{base}{DISCLOSURE_SLUG}/{DISCLOSURE_GUIDE_SLUG}/")
    return paths


def _lookup(site: Site) -> tuple[dict[str, Page], Page | None]:
    """The section pages by url_path, and the latest annual report (live and public)."""
    from disclosure.models import AnnualReportPage

    paths = _root_paths(site)
    private = Page.objects.all().private_q()  # one query: the view restrictions
    latest_report = (
        AnnualReportPage.objects.live()
        .filter(path__startswith=site.root_page.path[: Page.steplen * 2])  # under the top home page
        .exclude(private)
        .order_by("-year", "-first_published_at")
        .values("pk")[:1]
    )
    pages = list(
        Page.objects.live()
        .exclude(private)
        .filter(Q(url_path__in=paths) | Q(pk=Subquery(latest_report)))
        .only("id", "path", "depth", "url_path", "title", "slug", "content_type_id", "locale_id")
    )
    report_ct = ContentType.objects.get_for_model(AnnualReportPage, for_concrete_model=False).pk  # cached
    by_path: dict[str, Page] = {}
    report = None
    for page in pages:
        if page.content_type_id == report_ct:
            report = page
        else:
            by_path[page.url_path] = page
    return by_path, report


def build_nav(request: HttpRequest) -> list[NavEntry]:
    """The menu for this request, with the visitor's current column and page marked."""
    cached = getattr(request, CACHE_ATTR, None)
    if cached is not None:
        return cached
    site = portal_site(request)
    entries = [NavEntry("首页", "/")]
    if site is not None:
        entries[0].url = site.root_page.get_url(request) or "/"
        by_path, report = _lookup(site)
        bases = _bases(site)
        own_root = bases[0]
        # Only a sub-site links the shared pages with its 区划 (its settings, which the footer reads
        # anyway, are cached on the request); the city's menu needs no settings.
        region = site_region(request) if len(bases) > 1 else None
        region_query = "?" + urlencode({"region": region.slug}) if region is not None else ""

        def section(slug: str) -> Page | None:
            return next((by_path[p] for p in (f"{base}{slug}/" for base in bases) if p in by_path), None)

        def _url(page: Page | None, request: HttpRequest) -> str:
            """The page's link; a shared page outside this sub-site opens filtered to its 区划."""
            if page is None:
                return ""
            url = page.get_url(request) or ""
            return url + region_query if url and not page.url_path.startswith(own_root) else url

        service = NavEntry("办事服务")
        for label, slug, fallbacks in SERVICE_SECTIONS:
            page = section(slug) or next((section(s) for s in fallbacks if section(s)), None)
            if page is not None:
                service.children.append(NavLink(label, _url(page, request)))
        service.prefixes = [link.url for link in service.children] + [
            _url(section(s), request) for s in SERVICE_EXTRA_SLUGS if section(s)
        ]
        if service.children:
            service.url = service.children[0].url
            entries.append(service)

        disclosure_page = section(DISCLOSURE_SLUG)
        if disclosure_page is not None:
            base = disclosure_page.get_url(request) or ""
            query = "" if disclosure_page.url_path.startswith(own_root) else region_query
            disclosure = NavEntry("政务公开", base + query, prefixes=[base])
            disclosure.children = [NavLink("公开目录", f"{base}catalog/{query}")]
            guide = by_path.get(f"{disclosure_page.url_path}{DISCLOSURE_GUIDE_SLUG}/")
            if guide is not None:
                disclosure.children.append(NavLink("公开指南", _url(guide, request)))
            disclosure.children.append(NavLink("依申请公开", f"{base}apply/{query}"))
            disclosure.children.append(
                NavLink("年度报告", _url(report, request) if report is not None else base + query)
            )
            entries.append(disclosure)

        halls = section(HALLS_SLUG)
        if halls is not None:
            url = _url(halls, request)
            entries.append(NavEntry("服务大厅", url, prefixes=[url]))
        search = NavEntry("搜索", SEARCH_URL + region_query, prefixes=[SEARCH_URL])
    else:
        search = NavEntry("搜索", SEARCH_URL, prefixes=[SEARCH_URL])
    entries.append(search)
    mark_current(entries, request.path)
    setattr(request, CACHE_ATTR, entries)
    return entries


def mark_current(entries: list[NavEntry], path: str) -> None:
    """Mark the column the visitor is in (longest matching prefix wins) and the exact page."""
    best, best_len = None, 0
    for entry in entries:
        entry.current = False
        entry.current_page = not entry.children and entry.url == path  # a menu heading is not a link
        for link in entry.children:
            link.current = link.url == path
        candidates = [p for p in entry.prefixes if p and p != "/" and path.startswith(p)]
        if entry.url == path:
            candidates.append(path)
        length = max((len(p) for p in candidates), default=0)
        if length > best_len:
            best, best_len = entry, length
    if best is not None:
        best.current = True
    elif entries and path == entries[0].url:
        entries[0].current = True
