"""The registry of searchable kinds: what the domains register, and sitesearch knowing none of them."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from disclosure.models import DisclosureDocumentPage
from guides.models import BundleGuidePage, GuidePage
from matters.models import Matter, MatterType, Term
from sitesearch import engine, registry

ABOVE_THE_FRAMEWORK = {"matters", "guides", "disclosure", "halls", "terminals", "cms", "theme", "portal"}


def test_the_domains_register_their_kinds_in_the_order_of_the_search_page():
    assert [(kind.key, kind.label) for kind in registry.kinds()] == [
        ("matter", "事项"),
        ("guide", "办事指南"),
        ("document", "政府信息"),
        ("page", "栏目页面"),
    ]
    assert registry.labels() == engine.KIND_LABELS
    assert engine.KINDS == ("matter", "guide", "document", "page")
    assert set(registry.page_models()) == {GuidePage, BundleGuidePage, DisclosureDocumentPage}
    assert registry.record_models() == (Matter,)
    assert set(registry.word_models()) == {MatterType, Term}
    assert [kind.key for kind in registry.kinds() if not kind.by_department] == ["page"]


def test_a_key_is_registered_once():
    matter = registry.get("matter")
    assert registry.register(matter) is matter  # importing a search module again changes nothing
    with pytest.raises(ImproperlyConfigured, match="matter"):
        registry.register(dataclasses.replace(matter, label="别的事项"))
    assert registry.get("matter") is matter
    with pytest.raises(LookupError):
        registry.get("nothing")


def test_sitesearch_imports_no_domain_and_no_site_app():
    """A framework app: the domains register with it (docs/search.md), it never imports them."""
    root = Path(registry.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ABOVE_THE_FRAMEWORK]
    assert found == []
