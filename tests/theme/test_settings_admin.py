"""Editors keep the portal settings in the admin: a change shows on the site at once, says why,
can be traced in the history, and bad input is refused with a clear message."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from wagtail.models import Site

from theme.models import PortalSettings

from .conftest import get_html, parse

pytestmark = pytest.mark.django_db


def edit_url() -> str:
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["theme", "portalsettings", site.pk])


def form_data(**changes) -> dict:
    data = {
        "host_organisation": "示范市人民政府办公室",
        "organiser": "示范市大数据管理局",
        "emblem": "",
        "site_description": "网站简介",
        "address": "示范市人民路1号",
        "postcode": "999001",
        "phone": "0999-12345678",
        "email": "web@shifan.gov.example",
        "hotline": "12345",
        "icp_number": "示ICP备2026000001号",
        "public_security_number": "",
        "site_code": "9999000001",
        "footer_links-count": "1",
        "footer_links-0-type": "link",
        "footer_links-0-deleted": "",
        "footer_links-0-order": "0",
        "footer_links-0-id": "",
        "footer_links-0-value-title": "中国政府网",
        "footer_links-0-value-url": "https://www.gov.cn/",
        "change_reason": "更新页脚",
    }
    data.update(changes)
    return data


def test_system_administrator_edits_the_footer_with_a_reason(client, world):
    client.force_login(world.users["sysadmin"])
    html = get_html(client, edit_url())
    assert "门户网站设置" in html and "修改历史" in html
    response = client.post(edit_url(), form_data(organiser="示范市政务服务数据管理局"))
    assert response.status_code == 302
    footer = parse(get_html(client, "/matters/")).find("footer")
    assert "承办单位：示范市政务服务数据管理局" in footer.text and "中国政府网" in footer.text
    settings = PortalSettings.objects.get()
    assert settings.history.first().history_change_reason == "更新页脚"
    assert settings.history.first().history_user == world.users["sysadmin"]

    history = get_html(client, reverse("portal_settings:history", args=[settings.pk]))
    assert "更新页脚" in history and "示范市政务服务数据管理局" in history


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"site_code": "12-34"}, "网站标识码是 10 位数字或字母"),
        ({"footer_links-0-value-url": "javascript:alert(1)"}, "请填写以"),
        ({"postcode": "abc"}, "邮政编码是 6 位数字"),
        ({"change_reason": ""}, "必需字段"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(client, world, changes, message):
    client.force_login(world.users["sysadmin"])
    response = client.post(edit_url(), form_data(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    # StreamField errors travel as JSON to the block editor (non-ASCII escaped).
    assert message in html or json.dumps(message)[1:-1] in html
    assert not PortalSettings.objects.filter(organiser="示范市大数据管理局").exists()


def test_department_editors_cannot_change_the_site_settings(client, world):
    client.force_login(world.users["owner"])
    response = client.post(edit_url(), form_data(organiser="甲局"))
    assert response.status_code in {302, 403}
    assert not PortalSettings.objects.filter(organiser="甲局").exists()


def test_settings_records_are_not_added_or_deleted_by_hand(client, world):
    client.force_login(world.users["sysadmin"])
    assert client.get(reverse("portal_settings:add")).status_code in {302, 403}
    index = get_html(client, reverse("portal_settings:index"))
    assert reverse("portal_settings:add") not in index
