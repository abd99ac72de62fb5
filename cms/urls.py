from django.conf import settings
from django.urls import include, path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from core.admin_errors import CheckedExternalLinkView
from permissions import views as page_visibility

urlpatterns = [
    # First: terminals poll it hundreds of times a minute, and no other route starts with api/.
    path("api/", include("api.urls")),
    path("admin/2fa/", include("accounts.urls")),  # second factor (before Wagtail's admin)
    # The explorer of a page another department keeps as a draft would show its title.
    path(
        "admin/pages/<int:parent_page_id>/",
        never_cache(require_admin_access(page_visibility.explore_view)),
    ),
    path(
        "admin/pages/<int:parent_page_id>/results/",
        never_cache(require_admin_access(page_visibility.explore_results_view)),
    ),
    # Wagtail's external link chooser fails (500) on a POST without an address.
    path(
        "admin/choose-external-link/",
        never_cache(require_admin_access(CheckedExternalLinkView.as_view())),
    ),
    # Wagtail's page types report names the last edited page of every type, drafts of every
    # department included; this one names only pages the user may see (docs/security-admin.md).
    path(
        "admin/reports/page-types-usage/",
        never_cache(require_admin_access(page_visibility.page_types_usage_view)),
    ),
    path(
        "admin/reports/page-types-usage/results/",
        never_cache(require_admin_access(page_visibility.page_types_usage_results_view)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
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
