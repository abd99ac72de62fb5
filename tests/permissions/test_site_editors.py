"""Who edits which site (admin matrix): a district's 网站编辑 edits, adds under and publishes its own
site's pages and its own 门户网站设置, and nothing of the city's or another district's; the city's
editors keep what they had."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from guides.models import GuideSectionPage
from portal.models import HomePage, SectionPage
from theme.models import PortalSettings
from theme.sites import ensure_site_editors

from ..cms.portal_helpers import block, block_post_data
from ..helpers import form_post_data
from ..theme.subsites import HOSTS, make_site_group
from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

DENIED = (302, 403)  # Wagtail answers 403, or sends the editor back to the dashboard with a message


@pytest.fixture
def group(world, portal_settings_hosts):
    site_group = make_site_group()
    editors = ensure_site_editors(site_group.donghu.site, "东湖区网站编辑")
    ensure_site_editors(site_group.xishan.site, "西山区网站编辑")
    site_group.editor = UserFactory(username="donghu_web")
    site_group.editor.groups.add(editors)
    return site_group


@pytest.fixture
def portal_settings_hosts(settings):
    settings.ALLOWED_HOSTS = HOSTS


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_url(parent) -> str:
    return reverse("wagtailadmin_pages:add", args=["portal", "sectionpage", parent.pk])


def settings_url(site) -> str:
    return reverse("wagtailsettings:edit", args=["theme", "portalsettings", site.pk])


def publish_data(page, user, heading: str) -> dict:
    """The home page's edit form as the admin posts it, with one heading block, to publish."""
    form_class = type(page).get_edit_handler().get_form_class()
    form = form_class(instance=page, parent_page=page.get_parent(), for_user=user)
    data = form_post_data(form)
    data.pop("body", None)
    data["intro"] = form.fields["intro"].widget.format_value(form["intro"].value())
    data.update(
        block_post_data(type(page).body.field.stream_block, [block("heading", text=heading, subtitle="")], "body")
    )
    data["action-publish"] = "publish"
    return data


def settings_data(settings: PortalSettings, **changes) -> dict:
    data = {
        "host_organisation": settings.host_organisation,
        "organiser": settings.organiser,
        "region": settings.region_id or "",
        "emblem": "",
        "site_description": "",
        "address": "",
        "postcode": "",
        "phone": "",
        "email": "",
        "hotline": "12345",
        "icp_number": "",
        "public_security_number": "",
        "site_code": settings.site_code,
        "footer_links-count": "0",
        "change_reason": "更新联系方式",
    }
    data.update(changes)
    return data


def add_data(parent, user, title: str, slug: str, **changes) -> dict:
    """The add form of a section page under ``parent`` as the admin posts it."""
    form_class = SectionPage.get_edit_handler().get_form_class()
    form = form_class(instance=SectionPage(), parent_page=parent, for_user=user)
    data = form_post_data(form)
    data.pop("body", None)
    data.update(block_post_data(SectionPage.body.field.stream_block, [], "body"))
    data.update(title=title, slug=slug, intro=form.fields["intro"].widget.format_value(""))
    data.update(changes)
    return data


def live_headings(page) -> list[str]:
    page = HomePage.objects.get(pk=page.pk)
    return [child.value["text"] for child in page.body if child.block_type == "heading"]


def test_a_district_editor_edits_adds_and_publishes_on_its_own_site(client, group):
    home = group.donghu.home
    client.force_login(group.editor)
    assert client.get(edit_url(home)).status_code == 200
    assert client.get(add_url(home)).status_code == 200

    response = client.post(edit_url(home), publish_data(home, group.editor, "东湖区要闻"))
    assert response.status_code == 302
    assert live_headings(home) == ["东湖区要闻"]
    assert HomePage.objects.get(pk=home.pk).live_revision.user == group.editor

    response = client.post(
        add_url(home), add_data(home, group.editor, "东湖区个人办事", "grbs", **{"action-publish": "publish"})
    )
    section = SectionPage.objects.child_of(home).get(slug="grbs")
    assert response.status_code == 302 and section.live
    assert client.get("/donghu/grbs/").status_code == 200
    assert client.get("/grbs/", HTTP_HOST="donghu.localhost").status_code == 200


@pytest.mark.parametrize("target", ["city", "xishan"])
def test_a_district_editor_cannot_touch_the_city_or_another_district(client, group, target):
    home = group.city_home if target == "city" else group.xishan.home
    client.force_login(group.editor)
    assert client.get(edit_url(home)).status_code in DENIED
    assert client.get(add_url(home)).status_code in DENIED
    before = Page.objects.get(pk=home.pk).get_latest_revision()

    response = client.post(edit_url(home), publish_data(home, group.editor, "越权发布"))
    assert response.status_code in DENIED
    assert "越权发布" not in live_headings(home)
    assert Page.objects.get(pk=home.pk).get_latest_revision() == before

    response = client.post(add_url(home), add_data(home, group.editor, "越权栏目", "yuequan"))
    assert response.status_code in DENIED
    assert not Page.objects.filter(slug="yuequan").exists()


def test_a_district_editor_cannot_edit_a_department_section_of_the_city(client, group, world):
    section = GuideSectionPage.objects.get(department=world.dept_a)
    client.force_login(group.editor)
    assert client.get(edit_url(section)).status_code in DENIED


def test_a_district_editor_keeps_its_own_settings_only(client, group):
    client.force_login(group.editor)
    own = group.donghu.settings
    assert client.get(settings_url(group.donghu.site)).status_code == 200
    response = client.post(settings_url(group.donghu.site), settings_data(own, phone="0999-22345678"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.phone == "0999-22345678"
    footer = client.get("/donghu/").content.decode()
    assert "0999-22345678" in footer

    for site in (group.city, group.xishan.site):
        assert client.get(settings_url(site)).status_code in DENIED
        other = PortalSettings.for_site(site)
        response = client.post(settings_url(site), settings_data(other, phone="0999-00000000"))
        assert response.status_code in DENIED
        other.refresh_from_db()
        assert other.phone != "0999-00000000"


def test_the_region_is_set_by_the_system_administrators_not_by_the_site_editors(client, group, world):
    """A site's 区划 shapes its listings: its own editors do not get the field; a wrong one is refused
    in Chinese, naming the field (another site's 区划, or a bureau instead of a government)."""
    own = group.donghu.settings
    client.force_login(group.editor)
    assert 'name="region"' not in client.get(settings_url(group.donghu.site)).content.decode()
    response = client.post(settings_url(group.donghu.site), settings_data(own, region=""))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.region == group.donghu.region  # the posted value is not taken

    client.force_login(world.users["sysadmin"])
    html = client.get(settings_url(group.donghu.site)).content.decode()
    assert 'name="region"' in html and "所属区划" in html
    response = client.post(settings_url(group.donghu.site), settings_data(own, region=group.xishan.region.pk))
    assert response.status_code == 200
    assert "已是站点“西山区人民政府”的所属区划" in response.content.decode()
    bureau = DepartmentFactory(county=True, parent=group.donghu.region, name="测试市东湖区市场监督管理局")
    response = client.post(settings_url(group.donghu.site), settings_data(own, region=bureau.pk))
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.region == group.donghu.region


def test_city_editors_keep_what_they_had(client, group, world):
    own = GuideSectionPage.objects.get(department=world.dept_a)
    client.force_login(world.users["owner"])
    assert client.get(edit_url(own)).status_code == 200
    assert client.get(edit_url(group.donghu.home)).status_code in DENIED
    assert client.get(settings_url(group.donghu.site)).status_code in DENIED

    client.force_login(world.users["sysadmin"])  # the system administrators keep every site
    for home in (group.city_home, group.donghu.home, group.xishan.home):
        assert client.get(edit_url(home)).status_code == 200
    for site in (group.city, group.donghu.site):
        assert client.get(settings_url(site)).status_code == 200
