"""Demo portal settings: the footer of the demo site (fictitious filing numbers and contacts)."""

from __future__ import annotations

from wagtail.models import Site

from core import demo

from .models import PortalSettings

DEMO_SETTINGS = {
    "host_organisation": "示范市人民政府办公室",
    "organiser": "示范市大数据管理局",
    "address": "示范市东湖区人民路1号",
    "postcode": "999001",
    "phone": "0999-12345678",
    "email": "zwgk@shifan.gov.example",
    "hotline": "12345",
    "icp_number": "示ICP备2026000001号",
    "public_security_number": "示公网安备99010002000001号",
    "site_code": "9999000001",
    "site_description": (
        "示范市政务服务与政务公开平台：查询政务服务事项和办事指南，在线申请政府信息公开，"
        "查看政府信息公开目录、公开指南和年度报告，了解各级政务服务大厅。"
    ),
}

DEMO_FOOTER_LINKS = [
    ("中国政府网", "https://www.gov.cn/"),
    ("国家政务服务平台", "https://gjzwfw.www.gov.cn/"),
    ("政府信息公开指南", "/xxgk/gkzn/"),
    ("依申请公开", "/xxgk/apply/"),
]

REASON = "演示数据"


def load_portal_settings() -> None:
    """Fill the empty footer settings of the default site.

    Running it again changes nothing, and what an editor has already entered is kept.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    settings = PortalSettings.for_site(site)
    changed = False
    for name, value in DEMO_SETTINGS.items():
        if not getattr(settings, name):
            setattr(settings, name, value)
            changed = True
    if not settings.footer_links:
        settings.footer_links = [("link", {"title": title, "url": url}) for title, url in DEMO_FOOTER_LINKS]
        changed = True
    if changed:
        settings.full_clean()
        settings._change_reason = REASON
        settings.save()


# The 门户网站设置 of the demo's district and town sites (portal.demo creates the sites and calls
# load_site_settings): who runs each site, its own contacts and (fictitious) filing numbers.
SUB_SITE_SETTINGS: dict[str, dict[str, str]] = {
    "donghu": {
        "host_organisation": "示范市东湖区人民政府办公室",
        "organiser": "示范市东湖区政务服务数据管理局",
        "address": "示范市东湖区湖光路8号",
        "postcode": "999002",
        "phone": "0999-22345678",
        "email": "zwgk@donghu.shifan.gov.example",
        "icp_number": "示ICP备2026000002号",
        "public_security_number": "示公网安备99010202000002号",
        "site_code": "9999010201",
        "site_description": (
            "示范市东湖区政务服务与政务公开网站：东湖区及所辖街道的政务服务事项、办事指南、政务服务中心和政府信息公开。"
        ),
    },
    "xishan": {
        "host_organisation": "示范市西山区人民政府办公室",
        "organiser": "示范市西山区政务服务中心",
        "address": "示范市西山区府前街1号",
        "postcode": "999003",
        "phone": "0999-32345678",
        "email": "zwgk@xishan.shifan.gov.example",
        "icp_number": "示ICP备2026000003号",
        "public_security_number": "示公网安备99010302000003号",
        "site_code": "9999010301",
        "site_description": (
            "示范市西山区政务服务与政务公开网站：西山区及所辖镇的政务服务事项、办事指南、政务服务中心和政府信息公开。"
        ),
    },
    "hubin": {
        "host_organisation": "示范市东湖区湖滨街道办事处",
        "organiser": "示范市东湖区湖滨街道党政综合办公室",
        "address": "示范市东湖区滨湖北路66号",
        "postcode": "999002",
        "phone": "0999-22678901",
        "email": "hubin@donghu.shifan.gov.example",
        "icp_number": "示ICP备2026000004号",
        "public_security_number": "示公网安备99010202000004号",
        "site_code": "9999010211",
        "site_description": "示范市东湖区湖滨街道便民服务网站：街道和社区可办的事项、便民服务中心（站）和办事指南。",
    },
}


def load_site_settings(site: Site, key: str, region, city_url: str, region_slug: str) -> None:
    """Fill the empty settings of a demo sub-site: its contacts, filing numbers, 区划 and footer links.

    Footer links are full addresses of the city's site (a path would stay on the sub-site's host).
    Running it again changes nothing, and what an editor has already entered is kept.
    """
    settings = PortalSettings.for_site(site)
    changed = False
    for name, value in SUB_SITE_SETTINGS[key].items():
        if not getattr(settings, name):
            setattr(settings, name, value)
            changed = True
    if settings.region_id is None and region is not None:
        settings.region = region
        changed = True
    if not settings.footer_links:
        city = city_url.rstrip("/")
        settings.footer_links = [
            ("link", {"title": "示范市人民政府", "url": f"{city}/"}),
            ("link", {"title": "中国政府网", "url": "https://www.gov.cn/"}),
            ("link", {"title": "依申请公开", "url": f"{city}/xxgk/apply/?region={region_slug}"}),
        ]
        changed = True
    if changed:
        settings.full_clean()
        settings._change_reason = REASON
        settings.save()


@demo.register("theme", "门户设置", order=70)
def load(context: demo.DemoContext) -> dict[str, int]:
    load_portal_settings()
    return {"站点设置": PortalSettings.objects.count()}
