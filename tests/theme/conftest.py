"""Helpers for the theme suites: the default site's portal settings and a small HTML reader."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from wagtail.models import Site

from theme.models import PortalSettings


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    ancestors: tuple[str, ...] = ()


class Document(HTMLParser):
    """Every element with its attributes and text: enough to check landmarks, links and meta tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, ancestors=tuple(e.tag for e in self._open))
        self.elements.append(element)
        if tag not in {"meta", "link", "input", "img", "br", "hr", "source", "path", "circle"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, **attrs: str) -> Element | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def parse(html: str) -> Document:
    document = Document()
    document.feed(html)
    return document


def get_html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def portal(db) -> PortalSettings:
    """The default site's settings with every footer field filled."""
    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.host_organisation = "测试市人民政府办公室"
    settings.organiser = "测试市数据局"
    settings.address = "测试市人民路1号"
    settings.postcode = "100001"
    settings.phone = "0999-7654321"
    settings.email = "web@test.gov.example"
    settings.hotline = "12345"
    settings.icp_number = "测ICP备2026123456号"
    settings.public_security_number = "测公网安备11000002000001号"
    settings.site_code = "1100000001"
    settings.site_description = "测试市的政务服务和政务公开网站。"
    settings.footer_links = [
        ("link", {"title": "中国政府网", "url": "https://www.gov.cn/"}),
        ("link", {"title": "公开指南", "url": "/xxgk/gkzn/"}),
    ]
    settings.save()
    return settings
