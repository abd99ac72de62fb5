"""A small site group for the sub-site suites: the city's site and district sites under its home page.

``make_site_group()`` adds 东湖区 (``/donghu/``, ``donghu.localhost``) and 西山区 (``/xishan/``,
``xishan.localhost``), each with its home page, its own 门户网站设置 and its 区划 (a county people's
government under the city's); ``add_sub_site`` adds one more. Tests that send ``Host: *.localhost``
must allow it (``settings.ALLOWED_HOSTS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Site

from permissions.models import Department
from portal.models import HomePage
from theme.models import PortalSettings

from ..permissions.factories import DepartmentFactory

HOSTS = ["testserver", "localhost", ".localhost", "127.0.0.1"]


@dataclass
class SubSite:
    site: Site
    home: HomePage
    region: Department
    settings: PortalSettings


@dataclass
class SiteGroup:
    city: Site
    city_home: HomePage
    city_gov: Department
    donghu: SubSite
    xishan: SubSite


def add_sub_site(
    city_home: HomePage, *, slug: str, name: str, region: Department, host_organisation: str, site_code: str
) -> SubSite:
    home = HomePage(title=f"{name}政务服务", slug=slug, intro=f"<p>{name}的政务服务。</p>")
    city_home.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=f"{slug}.localhost", port=80, root_page=home, site_name=f"{name}人民政府")
    settings = PortalSettings.for_site(site)
    settings.host_organisation = host_organisation
    settings.site_code = site_code
    settings.region = region
    settings.full_clean()
    settings.save()
    return SubSite(site, home, region, settings)


def make_site_group() -> SiteGroup:
    city = Site.objects.get(is_default_site=True)
    city_home = city.root_page.specific
    city_gov = DepartmentFactory(name="测试市人民政府", short_name="市政府", slug="shizhengfu")
    donghu_gov = DepartmentFactory(
        county=True, parent=city_gov, name="测试市东湖区人民政府", short_name="东湖区", slug="dhq"
    )
    xishan_gov = DepartmentFactory(
        county=True, parent=city_gov, name="测试市西山区人民政府", short_name="西山区", slug="xsq"
    )
    donghu = add_sub_site(
        city_home,
        slug="donghu",
        name="东湖区",
        region=donghu_gov,
        host_organisation="东湖区人民政府办公室",
        site_code="1100000102",
    )
    xishan = add_sub_site(
        city_home,
        slug="xishan",
        name="西山区",
        region=xishan_gov,
        host_organisation="西山区人民政府办公室",
        site_code="1100000103",
    )
    return SiteGroup(city, city_home, city_gov, donghu, xishan)
