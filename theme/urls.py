"""Portal files at the site root: /sitemap.xml (wagtail.contrib.sitemaps), /robots.txt, /favicon.ico,
and the HTML 网站地图 of each site."""

from django.urls import path, re_path
from django.views.decorators.cache import cache_page
from wagtail.contrib.sitemaps.views import sitemap

from .site_map import site_map
from .sites import PortalSitemap
from .views import favicon, robots_txt

urlpatterns = [
    # Cached briefly: the sitemap walks every live page and every public matter. One per site
    # (cache_page keys on the host): each lists its own pages (theme.sites.PortalSitemap).
    path("sitemap.xml", cache_page(600)(sitemap), {"sitemaps": {"wagtail": PortalSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("favicon.ico", favicon, name="favicon"),
    # 网站地图 of the site the request is on: /sitemap/, /donghu/sitemap/ (theme.site_map).
    re_path(r"^(?:[-\w]+/)*sitemap/$", site_map, name="site-map"),
]
