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


@demo.register("theme", "门户设置", order=70)
def load(context: demo.DemoContext) -> dict[str, int]:
    load_portal_settings()
    return {"站点设置": PortalSettings.objects.count()}
