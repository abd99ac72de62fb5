from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.exceptions import unknown_endpoint
from disclosure.api import DisclosureRequestCreateView

from .api import DueDateView, WorkingDayView, router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before the router, so its patterns cannot shadow these.
    path("api/v1/workdays/due-date", DueDateView.as_view(), name="workdays-due-date"),
    path("api/v1/workdays/is-working-day", WorkingDayView.as_view(), name="workdays-is-working-day"),
    path("api/v1/disclosure/requests/", DisclosureRequestCreateView.as_view(), name="disclosure-request-create"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", unknown_endpoint),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("search/", include("sitesearch.urls")),
    path("", include("theme.urls")),  # sitemap.xml, robots.txt
    path("", include(wagtail_urls)),
]
