"""Which site of the city's site group (网站群) a request is on, and the 区划 that site serves.

The city's portal and each district's and town's site are Wagtail ``Site`` records whose root
pages are home pages: the city's at the top, each sub-site's home page a child of it. With its
own host name (``donghu.example.gov.cn``) a sub-site is found by Wagtail itself
(``Site.find_for_request``). Where no host name reaches it (``make run`` on 127.0.0.1:8000, a
preview) Wagtail still serves its pages through the city's site at a path prefix
(``/donghu/``); ``Site.find_for_request`` then answers the city, so the header, footer, menu and
the listings' default 区划 would be the city's. ``portal_site`` answers the sub-site in both
forms: the deepest site whose home page lies under the request's site root and whose path
prefixes the request's path.

Everything is cached on the request: the first call costs no query on the city's site or on a
sub-site's own host (Wagtail found that site before any view ran), and one query on the
path-prefix form; later calls cost none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.http import HttpRequest
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site

from .models import PortalSettings

if TYPE_CHECKING:
    from permissions.models import Department

SITE_ATTR = "_portal_site"
# Shared with Wagtail's ``BaseSiteSetting.for_request`` (and so the ``settings`` context
# processor): whoever asks first, the answer is this request's sub-site's settings.
SETTINGS_ATTR = PortalSettings.get_cache_attr_name()
_MISSING = object()


def _site_root_paths(request: HttpRequest) -> list:
    """Wagtail's list of (site_id, root_path, root_url, language), deepest root first.

    Kept on the request under the attribute Wagtail's own ``Page.get_url(request)`` uses, so the
    menu's links and this look-up share one copy (itself cached by Wagtail in the default cache).
    """
    try:
        return request._wagtail_cached_site_root_paths
    except AttributeError:
        request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        return request._wagtail_cached_site_root_paths


def _prefixed_site_id(request: HttpRequest, host: Site) -> int | None:
    """The id of the deepest site below ``host`` whose path prefix the request's path is in."""
    paths = _site_root_paths(request)
    host_root = next((srp.root_path for srp in paths if srp.site_id == host.pk), None)
    if host_root is None:
        return None
    path = request.path_info
    best_id, best_len = None, len(host_root)
    for srp in paths:
        root = srp.root_path
        if srp.site_id == host.pk or len(root) <= best_len or not root.startswith(host_root):
            continue
        prefix = "/" + root[len(host_root) :]  # "/donghu/"
        if path.startswith(prefix) or path == prefix[:-1]:
            best_id, best_len = srp.site_id, len(root)
    return best_id


def portal_site(request: HttpRequest | None) -> Site | None:
    """The sub-site this request is in (host name or path prefix), else Wagtail's site for it."""
    if request is None:
        return None
    cached = getattr(request, SITE_ATTR, _MISSING)
    if cached is not _MISSING:
        return cached
    host = Site.find_for_request(request)
    site = host
    if host is not None:
        site_id = _prefixed_site_id(request, host)
        if site_id is not None:
            site = Site.objects.select_related("root_page").filter(pk=site_id).first() or host
    setattr(request, SITE_ATTR, site)
    return site


def portal_settings(request: HttpRequest | None) -> PortalSettings | None:
    """The 门户网站设置 of this request's sub-site (one query, with its emblem and 区划), or None."""
    if request is None:
        return None
    cached = getattr(request, SETTINGS_ATTR, _MISSING)
    if cached is not _MISSING:
        return cached
    site = portal_site(request)
    settings = PortalSettings.for_site(site) if site is not None else None
    if settings is not None:
        settings._request = request  # as for_request does: page links in the settings use it
    setattr(request, SETTINGS_ATTR, settings)
    return settings


def site_region(request: HttpRequest | None) -> Department | None:
    """The 区划 the request's site serves (its people's government or 街道办); None = the whole city."""
    settings = portal_settings(request)
    return settings.region if settings is not None else None


def site_home(request: HttpRequest) -> Page | None:
    """The home page of this request's sub-site (no query: it comes with the site)."""
    site = portal_site(request)
    return site.root_page if site is not None else None


def site_home_url(request: HttpRequest) -> str:
    """Where 首页 leads: ``/`` on a site's own host, ``/donghu/`` on the path-prefix form."""
    home = site_home(request)
    return (home.get_url(request) or "/") if home is not None else "/"


class PortalSitemap(Sitemap):
    """/sitemap.xml per site: the live public pages of the site the request is on, and no other's.

    Wagtail's sitemap lists every page below the host's site root, so the city's would also list
    each sub-site's pages at their path prefix (``/donghu/…``): the same pages a second time
    under another address. Pages in another site's tree are left to that site's own sitemap.
    """

    def get_wagtail_site(self) -> Site:
        site = portal_site(self.request) if self.request is not None else None
        return site if site is not None else super().get_wagtail_site()

    def items(self):
        site = self.get_wagtail_site()
        pages = site.root_page.get_descendants(inclusive=True).live().public()
        root_path = site.root_page.url_path
        paths = _site_root_paths(self.request) if self.request is not None else Site.get_site_root_paths()
        for srp in paths:
            if srp.site_id != site.pk and srp.root_path.startswith(root_path) and srp.root_path != root_path:
                pages = pages.exclude(url_path__startswith=srp.root_path)
        return pages.order_by("path").defer_streamfields().specific()


# ---- who edits a sub-site ----------------------------------------------------------------------

# What a site's own editors (网站编辑) may do with the pages of their site: write, publish and lock.
SITE_EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# And with its 门户网站设置 (that site's record only: a GroupSitePermission, not a model permission).
SITE_EDITOR_SETTINGS_PERMISSIONS = ("change_portalsettings",)


def ensure_site_editors(site: Site, group_name: str) -> Group:
    """The group of a site's editors (“东湖区网站编辑”), with the rights on that site and no other.

    Wagtail page permissions on the site's home page (so on every page below it, and on no page of
    the city or of another site) and the right to edit this site's 门户网站设置 only
    (``PortalSettingsPolicy`` reads ``GroupSitePermission``). Made once; rights an administrator
    added later in 设置 › 用户组 are kept. The same can be done by hand there (docs/sites.md).
    """
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission, GroupSitePermission

    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=SITE_EDITOR_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=site.root_page, permission=permission)
    for permission in Permission.objects.filter(
        content_type__app_label="theme", codename__in=SITE_EDITOR_SETTINGS_PERMISSIONS
    ):
        GroupSitePermission.objects.get_or_create(group=group, site=site, permission=permission)
    return group
