"""Portal files at the site root: /sitemap.xml (wagtail.contrib.sitemaps) and /robots.txt."""

from django.urls import path
from django.views.decorators.cache import cache_page
from wagtail.contrib.sitemaps.views import sitemap

from .sites import PortalSitemap
from .views import robots_txt

urlpatterns = [
    # Cached briefly: the sitemap walks every live page and every public matter. One per site
    # (cache_page keys on the host): each lists its own pages (theme.sites.PortalSitemap).
    path("sitemap.xml", cache_page(600)(sitemap), {"sitemaps": {"wagtail": PortalSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
]
