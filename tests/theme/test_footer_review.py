"""The footer items of 《政府网站发展指引》 (国办发〔2017〕47号): 我为政府网站找错 with the 网站标识码,
the 党政机关 mark (image and registry link from 门户网站设置, nothing while empty), and the favicon."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from wagtail.models import Site

from matters.pages import MatterCatalogPage
from theme.models import PortalSettings

from ..cms.factories import ImageFactory
from .conftest import get_html, parse
from .test_settings_admin import edit_url, form_data

pytestmark = pytest.mark.django_db

REGISTRY = "https://bszs.conac.cn/sitename?method=show&id=0A1B2C3D4E5F"


def footer_links(client, url: str) -> dict[str, str]:
    doc = parse(get_html(client, url))
    return {a.text.strip(): a.attrs.get("href", "") for a in doc.find_all("a") if "footer" in a.ancestors}


def test_the_jiucuo_link_names_the_site_and_the_page(client, world, portal):
    url = MatterCatalogPage.objects.get().url
    link = footer_links(client, url + "?q=营业执照")["我为政府网站找错"]
    parts = urlsplit(link)
    assert parts.path == "/exposure/jiucuo.html"
    assert (parts.scheme, parts.netloc) == ("https", "zfwzgl.www.gov.cn")
    query = parse_qs(parts.query)
    assert query["site_code"] == ["1100000001"]
    assert query["url"] == [f"http://testserver{url}"]  # the page, not the visitor's query


def test_without_a_site_code_there_is_no_jiucuo_link(client, world, portal):
    portal.site_code = ""
    portal.save()
    assert "我为政府网站找错" not in get_html(client, MatterCatalogPage.objects.get().url)


def test_the_party_mark_slot_is_empty_until_both_are_filled(client, world, portal):
    url = MatterCatalogPage.objects.get().url
    doc = parse(get_html(client, url))
    assert not [img for img in doc.find_all("img") if "footer" in img.ancestors]
    assert doc.find("li", class_="footer-party-mark") is None

    portal.party_mark = ImageFactory(title="党政机关标识")
    portal.party_mark_url = REGISTRY
    portal.save()
    doc = parse(get_html(client, url))
    images = [img for img in doc.find_all("img") if "footer" in img.ancestors]
    assert len(images) == 1 and images[0].attrs["alt"] == "党政机关网站标识"
    assert images[0].attrs["src"]
    link = next(a for a in doc.find_all("a") if a.attrs.get("href") == REGISTRY)
    assert "footer" in link.ancestors


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"party_mark_url": REGISTRY}, "请同时上传党政机关网站标识图片"),
        ({"party_mark": "image"}, "请同时填写党政机关网站标识链接"),
        ({"party_mark": "image", "party_mark_url": "https://example.com/mark"}, "conac.cn"),
        ({"party_mark": "image", "party_mark_url": "javascript:alert(1)"}, "请输入合法的URL"),
    ],
)
def test_the_mark_is_validated_in_chinese(client, world, changes, message):
    if changes.get("party_mark") == "image":
        changes["party_mark"] = str(ImageFactory().pk)
    client.force_login(world.users["sysadmin"])
    response = client.post(edit_url(), form_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PortalSettings.objects.filter(party_mark_url__gt="").exists()


def test_an_administrator_sets_the_mark_in_the_admin(client, world):
    client.force_login(world.users["sysadmin"])
    html = get_html(client, edit_url())
    assert "党政机关网站标识图片" in html and "党政机关网站标识链接" in html
    image = ImageFactory()
    response = client.post(edit_url(), form_data(party_mark=str(image.pk), party_mark_url=REGISTRY))
    assert response.status_code == 302
    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.party_mark == image and settings.party_mark_url == REGISTRY
    assert REGISTRY.replace("&", "&amp;") in get_html(client, MatterCatalogPage.objects.get().url)


def test_the_favicon_is_linked_and_answers_at_the_root(client, world):
    doc = parse(get_html(client, MatterCatalogPage.objects.get().url))
    icons = {link.attrs.get("type", ""): link.attrs["href"] for link in doc.find_all("link", rel="icon")}
    assert icons["image/svg+xml"].endswith(".svg") and icons["image/png"].endswith(".png")
    static = Path(django_settings.BASE_DIR) / "theme" / "static" / "theme"
    for name in ("favicon.svg", "favicon-32.png", "favicon.ico", "apple-touch-icon.png"):
        assert (static / name).stat().st_size > 0, name

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    content = b"".join(response.streaming_content)
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in response["Cache-Control"]
    assert reverse("favicon") == "/favicon.ico"
