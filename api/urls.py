"""``/api/``: the registered endpoints under ``v1/``, the OpenAPI schema and its browsable docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import registry
from .exceptions import unknown_endpoint

urlpatterns = [
    path("v1/", include(registry.urlpatterns())),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file (?script): no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", unknown_endpoint),
]
