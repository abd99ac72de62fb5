"""The demo's site group: the city plus 东湖区, 西山区 and 湖滨街道, each with a composed home page, its own
settings and 区划, its host name and path prefix, its editors' group and one demo editor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import GroupPagePermission, GroupSitePermission, Page, Revision, Site

from portal.demo import SUB_SITES, load_sub_sites, sub_site_host
from portal.models import HomePage
from theme.models import PortalSettings

from .conftest import parse
from .subsites import HOSTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = HOSTS


def test_the_demo_has_the_city_and_three_sub_sites_each_with_its_home_and_region(demo_city):
    city = Site.objects.get(is_default_site=True)
    sub_sites = Site.objects.exclude(pk=city.pk).select_related("root_page")
    assert {site.root_page.slug for site in sub_sites} == {"donghu", "xishan", "hubin"}
    for site in sub_sites:
        home = site.root_page.specific
        assert isinstance(home, HomePage) and home.live and home.get_parent().pk == city.root_page.pk
        assert [child.block_type for child in home.body][:2] == ["banner", "quick_links"]
        assert (site.hostname, site.port) == sub_site_host(home.slug)  # donghu.localhost, make run's port
        settings = PortalSettings.for_site(site)
        assert settings.host_organisation and settings.site_code and settings.footer_links
        assert settings.region is not None
    regions = {s.root_page.slug: PortalSettings.for_site(s).region.name for s in sub_sites}
    assert regions == {
        "donghu": "示范市东湖区人民政府",
        "xishan": "示范市西山区人民政府",
        "hubin": "示范市东湖区湖滨街道办事处",
    }
    assert PortalSettings.for_site(city).region is None


@pytest.mark.parametrize("form", ["prefix", "host"])
def test_the_district_home_renders_by_prefix_and_by_host(client, demo_city, hosts, form):
    city = Site.objects.get(is_default_site=True)
    hostname, port = sub_site_host("donghu")
    if form == "prefix":
        url, host = "/donghu/", f"{city.hostname}:{city.port}"
    else:
        url, host = "/", f"{hostname}:{port}"
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    doc = parse(response.content.decode())
    assert doc.find("h1").text.strip() == "东湖区政务服务"
    footer = doc.find("footer")
    assert "主办单位：示范市东湖区人民政府办公室" in footer.text and "网站标识码：9999010201" in footer.text
    assert "东湖区政务服务中心" in doc.find("main").text  # its hall block


def test_each_demo_site_has_its_editor_who_edits_it_and_not_the_city(client, demo_city):
    User = get_user_model()
    for spec in SUB_SITES:
        editor = User.objects.get(username=spec.editor)
        assert list(editor.groups.values_list("name", flat=True)) == [spec.group_name]
        site = Site.objects.get(root_page__slug=spec.key)
        assert GroupSitePermission.objects.filter(group__name=spec.group_name, site=site).exists()
        assert set(GroupPagePermission.objects.filter(group__name=spec.group_name).values_list("page", flat=True)) == {
            site.root_page_id
        }
    client.force_login(User.objects.get(username="donghu_web"))
    donghu = HomePage.objects.get(slug="donghu")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[donghu.pk])).status_code == 200
    city = HomePage.objects.get(depth=2)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[city.pk])).status_code in (302, 403)


def test_loading_the_sub_sites_again_changes_nothing(demo_city):
    counts = (Page.objects.count(), Revision.objects.count(), Site.objects.count(), GroupPagePermission.objects.count())
    load_sub_sites(get_user_model().objects.get(username="admin"))
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        Site.objects.count(),
        GroupPagePermission.objects.count(),
    ) == counts
