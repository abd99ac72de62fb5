"""The 区划 a request shows: the visitor's choice on the city's site, the site's own on a sub-site.

``PortalRegionMiddleware`` sets ``request.portal_region`` (a ``permissions.Department`` or None =
the whole city) before any view runs; the listings read it with ``permissions.regions.request_region``.

- On a sub-site (a district's or town's site: ``theme.sites.site_region`` is set) the region is
  the site's own, whatever the visitor chose on the city's site (``request.portal_region_fixed``).
- On the city's site it is the visitor's choice: ``?region=<department slug>`` (the header's 区划
  switch submits it), remembered in the ``portal_region`` cookie for a year, as elderly mode is
  remembered in the browser; ``?region=`` (empty) or ``?region=全市`` goes back to the whole city
  and forgets the choice. An unknown or forged slug — in the address or in the cookie — is
  ignored (the request goes on as if it were absent), never an error. The cookie is written only
  when the choice changes, so following a link that carries the region already chosen leaves the
  page shareable by nginx.

Caching: a page of the city's site depends on the cookie, so every answer there carries
``Vary: Cookie`` — nginx (which honours Vary) and browsers keep a page shown for one region apart
from the same address shown for another; a ``?region=`` address is its own cache key anyway, and
the ETag (a hash of the page, which names the region in the header) differs by region too.

Cost: no query. Reading a region is one look-up of the cached department table
(``permissions.regions``); a request naming no region does not even do that; the site's
settings (for a sub-site's region) are the ones the header reads anyway, cached on the request.
The admin, the API, static, media and document files and the site-root files (robots.txt,
favicon.ico, sitemap.xml) are left alone (``portal_region`` None): they would otherwise pay two
queries (the site and its settings) for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from permissions.regions import one_look_up_per_request, region_by_slug, region_of

from .sites import site_region

if TYPE_CHECKING:
    from permissions.models import Department

PARAM = "region"
COOKIE = "portal_region"
COOKIE_MAX_AGE = 365 * 24 * 3600
WHOLE_CITY = ("", "全市")


# What no portal page is: the admin, the API, files (static, media, Wagtail's document downloads)
# and the site-root files. They list nothing by region, so they pay for no site look-up either.
_NOT_PAGES = ("/admin/", "/api/", "/django-admin/", "/documents/", "/robots.txt", "/favicon.ico", "/sitemap.xml")


def _skipped_paths() -> tuple[str, ...]:
    return tuple(p for p in (*_NOT_PAGES, settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/")


def visitor_choice(request: HttpRequest) -> tuple[Department | None, str | None]:
    """(region, cookie): the region the visitor chose, and what to store (a slug; "" to forget;
    None to leave the cookie as it is)."""
    stored = request.COOKIES.get(COOKIE, "")
    remembered = region_by_slug(stored) if stored else None
    if PARAM not in request.GET:
        return remembered, None
    asked = request.GET.get(PARAM, "").strip()
    if asked in WHOLE_CITY:
        return None, ("" if stored else None)
    region = region_by_slug(asked)
    if region is None:  # unknown or forged: as if the parameter were not there
        return remembered, None
    return region, (None if stored == region.slug else region.slug)


class PortalRegionMiddleware:
    """Sets ``request.portal_region`` and ``request.portal_region_fixed`` (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.skipped = _skipped_paths()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.portal_region = None
        request.portal_region_fixed = False
        if request.path_info.startswith(self.skipped):
            return self.get_response(request)
        with one_look_up_per_request():
            return self._regional(request)

    def _regional(self, request: HttpRequest) -> HttpResponse:
        own = site_region(request)
        if own is not None:
            request.portal_region = region_of(own) or own
            request.portal_region_fixed = True
            return self.get_response(request)
        region, store = visitor_choice(request)
        request.portal_region = region
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        if store == "":
            response.delete_cookie(COOKIE, samesite="Lax")
        elif store is not None:
            response.set_cookie(
                COOKIE,
                store,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
