"""Where domains offer their endpoints to the API, the way Wagtail's ``register_snippet`` works.

A domain's ``api.py`` (imported by ``ApiConfig.ready()`` through ``autodiscover_modules``) calls
``register_viewset`` for its collections below ``/api/v1/`` and ``register_path`` for plain views
that must come before the router's patterns. The API itself knows no domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

router = DefaultRouter()
_paths: list[URLPattern] = []


@dataclass(frozen=True)
class Endpoint:
    prefix: str
    basename: str


def register_viewset(prefix: str, viewset, basename: str) -> Endpoint:
    """Serve ``viewset`` at ``/api/v1/<prefix>/`` (list and detail routes, as DRF's router does)."""
    if any(existing_prefix == prefix for existing_prefix, _, _ in router.registry):
        raise ValueError(f"API prefix {prefix!r} is registered twice")
    router.register(prefix, viewset, basename=basename)
    return Endpoint(prefix, basename)


def register_path(route: str, view, name: str) -> None:
    """Serve a plain view at ``/api/v1/<route>``, ahead of the router (so it cannot be shadowed)."""
    _paths.append(path(route, view, name=name))


def urlpatterns() -> list:
    """The plain views, the root listing, then one ``<prefix>/`` include per collection.

    Grouped by prefix rather than DRF's flat list of regular expressions (four per collection, two
    of them ``.json``-style suffixes): Django passes over a converter-free ``path()`` prefix with a
    string comparison, so reaching the twentieth collection no longer costs eighty regex matches on
    every request, polls included. The API answers JSON only, so no ``.<format>`` suffix routes.
    """
    grouped = []
    for prefix, viewset, basename in router.registry:
        collection = SimpleRouter()
        collection.register("", viewset, basename=basename)
        grouped.append(path(f"{prefix}/", include(collection.urls)))
    return [*_paths, path("", router.get_api_root_view(api_urls=grouped), name=router.root_view_name), *grouped]
