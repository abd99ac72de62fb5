"""Footer items a government portal review checks (《政府网站发展指引》 国办发〔2017〕47号):
the 网站地图 of the site the visitor is on and the 我为政府网站找错 link of the national
government website error-reporting platform (政府网站找错, identified by the 网站标识码)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from theme.site_map import sitemap_url as _sitemap_url

register = template.Library()

# The national platform's 找错 form, as the platform's own jiucuo.js opens it (the older
# check_web/errorInfo/jcInfoNew address is retired): ``site_code`` names the site, ``url`` the page.
REPORT_ERROR_URL = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"


@register.simple_tag(takes_context=True)
def sitemap_url(context) -> str:
    request = context.get("request")
    return _sitemap_url(request) if request is not None else "/sitemap/"


@register.simple_tag(takes_context=True)
def report_error_url(context, site_code: str) -> str:
    """The 我为政府网站找错 address for this site and page; empty without a 网站标识码 (the
    platform cannot tell which site is meant, so the footer then shows no link)."""
    if not site_code:
        return ""
    params = {"site_code": site_code}
    request = context.get("request")
    if request is not None:
        params["url"] = request.build_absolute_uri(request.path)  # not the query: it may hold a lookup code
    return f"{REPORT_ERROR_URL}?{urlencode(params)}"
