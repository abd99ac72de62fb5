"""Accessibility a visitor relies on, on every main page type: landmarks, a skip link to the
content, one h1, Chinese as the page language, labelled controls and tables, no dead ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from disclosure.models import DisclosureIndexPage
from matters.pages import MatterCatalogPage

from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import GuidePageFactory
from .conftest import Document, get_html, parse

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    "home",
    "catalog",
    "matter",
    "guide",
    "guide_print",
    "disclosure_catalog",
    "document",
    "request_form",
    "not_found",
]


def url_of(kind: str, world) -> tuple[str, int]:
    catalog = MatterCatalogPage.objects.get()
    disclosure = DisclosureIndexPage.objects.get()
    if kind == "home":
        return "/", 200
    if kind == "catalog":
        return catalog.url, 200
    if kind == "matter":
        return f"{catalog.url}item/{world.matters['own'].implementation_code}/", 200
    if kind in {"guide", "guide_print"}:
        guide = GuidePageFactory(matter=world.matters["own"])
        return guide.url + ("print/" if kind == "guide_print" else ""), 200
    if kind == "disclosure_catalog":
        return f"{disclosure.url}catalog/", 200
    if kind == "document":
        return DisclosureDocumentPageFactory(department=world.dept_a).url, 200
    if kind == "request_form":
        return f"{disclosure.url}apply/", 200
    return "/no-such-page/", 404


def landmarks(doc: Document) -> dict[str, int]:
    return {tag: len(doc.find_all(tag)) for tag in ("header", "main", "footer", "h1")}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_landmarks_skip_link_and_one_h1(client, world, kind):
    url, status = url_of(kind, world)
    html = get_html(client, url, status)
    doc = parse(html)
    assert doc.find("html").attrs["lang"] == "zh-CN"
    counts = landmarks(doc)
    assert counts["main"] == 1 and counts["h1"] == 1, counts
    assert counts["header"] >= 1 and counts["footer"] >= 1, counts
    main = doc.find("main")
    assert main.attrs["id"] == "main"
    skip = doc.elements[doc.elements.index(doc.find("body")) + 1]
    assert skip.tag == "a" and skip.attrs["href"] == "#main", "the skip link is the first thing in <body>"
    assert doc.find("title").text.strip()
    if kind != "guide_print":  # the printable sheet has no menu, by design
        assert doc.find("nav", aria_label="主导航") is not None


@pytest.mark.parametrize("kind", ["catalog", "disclosure_catalog", "request_form"])
def test_every_form_control_has_a_label(client, world, kind):
    url, _ = url_of(kind, world)
    doc = parse(get_html(client, url))
    labelled_for = {label.attrs.get("for") for label in doc.find_all("label")}
    controls = [e for e in doc.elements if e.tag in {"input", "select", "textarea"}]
    unlabelled = []
    for control in controls:
        if control.attrs.get("type") in {"hidden", "submit"}:
            continue
        if control.attrs.get("name") in {"csrfmiddlewaretoken", "website"}:  # the honeypot is hidden from everyone
            continue
        named = control.attrs.get("aria-label") or control.attrs.get("aria-labelledby")
        wrapped = "label" in control.ancestors
        if not (named or control.attrs.get("id") in labelled_for or wrapped):
            unlabelled.append(control.attrs.get("name"))
    assert not unlabelled


def test_errors_are_tied_to_their_fields(client, world):
    url, _ = url_of("request_form", world)
    html = client.post(url, {"name": ""}).content.decode()
    doc = parse(html)
    summary = doc.find("div", id="form-errors")
    assert summary is not None and summary.attrs["role"] == "alert"
    name = doc.find("input", name="name")
    assert name.attrs["aria-invalid"] == "true"
    error_id = next(i for i in name.attrs["aria-describedby"].split() if i.endswith("_error"))
    error = doc.find("div", id=error_id)
    assert error is not None and "field-error" in error.attrs["class"] and error.text.strip()


def test_data_tables_have_captions_header_scopes_and_a_focusable_scroll_box(client, world):
    guide = GuidePageFactory(matter=world.matters["own"])
    doc = parse(get_html(client, guide.url))
    tables = doc.find_all("table")
    assert tables
    for table in tables:
        start = doc.elements.index(table)
        inside = doc.elements[start + 1 : start + 200]
        caption = next((e for e in inside if e.tag == "caption"), None)
        assert caption is not None and caption.text.strip()
        headers = [e for e in inside if e.tag == "th"]
        assert headers and all(th.attrs.get("scope") for th in headers)
    for box in doc.find_all("div", class_="table-wrap"):
        assert box.attrs.get("tabindex") == "0" and box.attrs.get("aria-label") and box.attrs.get("role") == "region"


def test_stylesheet_gives_focus_a_visible_ring_and_respects_reduced_motion():
    css = Path(finders.find("theme/site.css")).read_text(encoding="utf-8")
    assert ":focus-visible { outline: 3px solid" in css
    assert "prefers-reduced-motion: reduce" in css
    assert "html.elderly" in css and "--target: 56px" in css  # larger targets in elderly mode
    assert "html.elderly .secondary" in css  # secondary blocks hidden in elderly mode
