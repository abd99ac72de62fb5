"""``/api/``: the registered endpoints under ``v1/``, the OpenAPI schema and its browsable docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import registry
from .exceptions import unknown_endpoint

urlpatterns = [
    path("v1/", include(registry.urlpatterns())),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", unknown_endpoint),
]
