"""Helpers for the search suites: a small city with something to find in every kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from ..cms.factories import PlainPageFactory
from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import GuidePageFactory
from ..matters.factories import MatterFactory

SEARCH_URL = "/search/"


@dataclass
class Hit:
    kind: str
    title: str
    href: str
    html: str


def hits(html: str) -> list[Hit]:
    """The results on a search page, in order, as the markup contract describes them."""
    found = []
    for kind, body in re.findall(r'<article class="search-result" data-kind="(\w+)">(.*?)</article>', html, re.S):
        link = re.search(r'<a class="search-result-title" href="([^"]*)">(.*?)</a>', body, re.S)
        title = unescape(re.sub(r"<[^>]+>", "", link.group(2))).strip()
        found.append(Hit(kind, title, unescape(link.group(1)), body))
    return found


def groups(html: str) -> dict[str, int]:
    """Kind → count shown in each result group's heading."""
    return {
        kind: int(count)
        for kind, count in re.findall(
            r'<section class="search-group" data-kind="(\w+)".*?<span class="count">（(\d+)）</span>', html, re.S
        )
    }


def titles(html: str, kind: str | None = None) -> list[str]:
    return [h.title for h in hits(html) if kind is None or h.kind == kind]


def search_page(client, q: str, **params) -> str:
    response = client.get(SEARCH_URL, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def city(world):
    """Something about 营业执照 in every kind, and things that must never be found."""
    licence = MatterFactory(department=world.dept_a, name="营业执照核发", result_name="营业执照")
    food = MatterFactory(department=world.dept_b, name="食品经营许可证核发", result_name="食品经营许可证")
    GuidePageFactory(matter=licence)
    DisclosureDocumentPageFactory(department=world.dept_a, title="关于营业执照办理时限的通知", slug="licence-notice")
    PlainPageFactory(title="营业执照专题")
    return {"licence": licence, "food": food}
