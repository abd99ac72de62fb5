"""robots.txt: what crawlers may index, and where the sitemap is; /favicon.ico."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site

# The admin and the API are not for search engines; search results are endless query variations.
DISALLOWED = ("/admin/", "/api/", "/search/")


def site_root_url(request: HttpRequest) -> str:
    """The site's own address (as configured in Wagtail), else the address the request came to."""
    site = Site.find_for_request(request)
    return site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {site_root_url(request)}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


FAVICON = Path(__file__).resolve().parent / "static" / "theme" / "favicon.ico"


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico: browsers and crawlers ask for it at the root whatever ``<link rel="icon">`` says
    (a 404 here fills the logs and shows no icon in bookmarks)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
