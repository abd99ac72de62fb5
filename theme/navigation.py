"""The portal's main navigation, resolved against the page tree once per request.

Editors may rename, move or not yet have created a section page; the menu then falls back
to a neighbouring page or leaves the entry out, never a dead link. Two queries at most: the
view restrictions (so a private section is not advertised) and the pages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.http import HttpRequest
from wagtail.models import Page, Site

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


def _root_paths(site: Site) -> tuple[Page, list[str]]:
    root = site.root_page
    slugs = {s for _, s, fallbacks in SERVICE_SECTIONS for s in (s, *fallbacks)}
    slugs |= {DISCLOSURE_SLUG, HALLS_SLUG}
    paths = [f"{root.url_path}{slug}/" for slug in sorted(slugs)]
    paths.append(f"{root.url_path}{DISCLOSURE_SLUG}/{DISCLOSURE_GUIDE_SLUG}/")
    return root, paths


def _lookup(site: Site) -> tuple[dict[str, Page], Page | None]:
    """The section pages by url_path, and the latest annual report (live and public)."""
    from disclosure.models import AnnualReportPage

    root, paths = _root_paths(site)
    private = Page.objects.all().private_q()  # one query: the view restrictions
    latest_report = (
        AnnualReportPage.objects.live()
        .descendant_of(root)
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


def _url(page: Page | None, request: HttpRequest) -> str:
    return (page.get_url(request) or "") if page is not None else ""


def build_nav(request: HttpRequest) -> list[NavEntry]:
    """The menu for this request, with the visitor's current column and page marked."""
    cached = getattr(request, CACHE_ATTR, None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    entries = [NavEntry("首页", "/")]
    if site is not None:
        entries[0].url = site.root_page.get_url(request) or "/"
        by_path, report = _lookup(site)
        root_path = site.root_page.url_path

        def section(slug: str) -> Page | None:
            return by_path.get(f"{root_path}{slug}/")

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
            base = _url(disclosure_page, request)
            disclosure = NavEntry("政务公开", base, prefixes=[base])
            disclosure.children = [NavLink("公开目录", f"{base}catalog/")]
            guide = by_path.get(f"{root_path}{DISCLOSURE_SLUG}/{DISCLOSURE_GUIDE_SLUG}/")
            if guide is not None:
                disclosure.children.append(NavLink("公开指南", _url(guide, request)))
            disclosure.children.append(NavLink("依申请公开", f"{base}apply/"))
            disclosure.children.append(NavLink("年度报告", _url(report, request) if report is not None else base))
            entries.append(disclosure)

        halls = section(HALLS_SLUG)
        if halls is not None:
            url = _url(halls, request)
            entries.append(NavEntry("服务大厅", url, prefixes=[url]))
    entries.append(NavEntry("搜索", SEARCH_URL, prefixes=[SEARCH_URL]))
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
