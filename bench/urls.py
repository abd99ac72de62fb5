"""URLs for bench/api_bench.py: the site's URLs plus two references served by the same Django.

- ``/api/v2/``: Wagtail's own API v2 (pages), the reference for "a JSON API as Wagtail ships it";
- ``/static/bench/``: pre-generated files through ``django.views.static.serve``, the ceiling of
  what any Django view can do behind the same middleware and gunicorn (under ``STATIC_URL``, so the
  portal's page-only middleware skips it as it skips every static file).

Both come before ``cms.urls``, whose last pattern is Wagtail's catch-all page route.
"""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("api/v2/", wagtail_api.urls),
    re_path(
        rf"^{settings.STATIC_URL.strip('/')}/bench/(?P<path>.*)$", serve, {"document_root": settings.BENCH_STATIC_DIR}
    ),
    path("", include("cms.urls")),
]
