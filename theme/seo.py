"""What search engines and share cards read: the description and the canonical address of a page.

Both come from fields editors already fill (search description, summary, intro), so nobody
types a description twice; the canonical address drops tracking parameters so that shared
links with ``?utm_source=…`` count as the same page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.html import strip_tags
from wagtail.models import Page

DESCRIPTION_LENGTH = 120


def _shorten(text: str) -> str:
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def _text(value) -> str:
    """Plain text of a field that may be rich text, collapsed to one line."""
    text = strip_tags(str(value or "")).replace("&nbsp;", " ")
    return " ".join(text.split())


def page_description(page: Page | None, fallback: str = "") -> str:
    """search_description, else the page's own summary or intro, else the site description."""
    if page is not None:
        getter = getattr(page, "get_meta_description", None)
        candidates = [getter() if callable(getter) else "", page.search_description]
        candidates += [getattr(page, name, "") for name in ("summary", "intro")]
        for value in candidates:
            text = _text(value)
            if text:
                return _shorten(text)
    return _shorten(_text(fallback))


def canonical_url(request: HttpRequest, page: Page | None = None) -> str:
    """The absolute address of what is shown, on the site's own host, without tracking parameters.

    For a page the site's root URL is used (not whatever host the request came by); a routed
    sub-page (a matter under the catalog, the disclosure request form) keeps its routed path. A
    sub-site's page is its own site's address even when reached by its path prefix under the
    city's (``/donghu/grbs/`` → ``http://donghu…/grbs/``, docs/sites.md): one address per page.
    Only a page number beyond the first survives from the query string: filters and tracking
    parameters name the same content.
    """
    path = request.path
    base = ""
    if page is not None and getattr(page, "pk", None):
        parts = page.get_url_parts()  # without the request: the page's own (deepest) site
        if parts is not None:
            _site_id, root_url, page_path = parts
            here = page.get_url_parts(request)  # its path as the request reached it (/donghu/…)
            here_path = here[2] if here is not None else None
            if page_path and here_path and path.startswith(here_path):
                base, path = root_url, page_path + path[len(here_path) :]
            elif page_path:
                base, path = root_url, page_path
    if not base:
        base = request.build_absolute_uri("/").rstrip("/")
    page_number = request.GET.get("page", "")
    suffix = f"?page={page_number}" if page_number.isdigit() and int(page_number) > 1 else ""
    return f"{base}{path}{suffix}"
