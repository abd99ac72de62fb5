"""On a district's site the region is the site's own: its blocks list that district, it shows no
switch, the visitor's cookie does not change it, and its links to the shared index pages carry it."""

from __future__ import annotations

import json

import pytest

from portal.blocks.base import PortalLinks
from theme.regions import COOKIE

from ..cms.portal_helpers import block, text
from ..matters.factories import MatterFactory
from ..permissions.factories import DepartmentFactory
from .conftest import parse
from .subsites import HOSTS, make_site_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(settings):
    settings.ALLOWED_HOSTS = HOSTS
    group = make_site_group()
    donghu_bureau = DepartmentFactory(name="测试市东湖区民政局", parent=group.donghu.region, county=True)
    MatterFactory(department=donghu_bureau, name="东湖区低保申请")
    MatterFactory(department=group.xishan.region, name="西山区临时救助")
    home = group.donghu.home
    home.body = json.dumps([block("matter_list", heading="本区事项", count=10)], ensure_ascii=False)
    home.save_revision().publish()
    return group


@pytest.mark.parametrize("how", ["host", "prefix"])
def test_a_district_site_lists_its_own_region_whatever_the_cookie(client, group, how):
    url, extra = ("/", {"HTTP_HOST": "donghu.localhost"}) if how == "host" else ("/donghu/", {})
    client.cookies[COOKIE] = group.xishan.region.slug  # chosen on the city's site
    response = client.get(url, {"region": group.xishan.region.slug}, **extra)
    assert response.status_code == 200
    body = text(response)
    assert "东湖区低保申请" in body and "西山区临时救助" not in body
    assert parse(response.content.decode()).find("form", class_="region-switch") is None
    assert COOKIE not in response.cookies  # a sub-site never touches the city's choice


def test_links_from_a_district_site_to_the_shared_index_pages_carry_its_region(client, group):
    response = client.get("/donghu/")
    slug = group.donghu.region.slug
    assert f"?region={slug}" in response.content.decode()  # 更多 of the matter list: the catalog
    request = response.wsgi_request
    links = PortalLinks(request)
    assert links.catalog.endswith(f"?region={slug}")
    assert f"region={slug}" in links.url("catalog", {"theme": 7}) and "theme=7" in links.url("catalog", {"theme": 7})
    assert "region" not in (links.matter("X01") or "")  # a matter's own page is the same everywhere
    # On the city's site the visitor's choice travels in the cookie, not in the links.
    city = client.get("/", {"region": slug})
    assert "?region=" not in (PortalLinks(city.wsgi_request).catalog or "")
    # The catalog the link opens lists the district.
    catalog = text(client.get(links.catalog))
    assert "东湖区低保申请" in catalog and "西山区临时救助" not in catalog
