"""The house rules, for every app of the project.

- Every model and field speaks Chinese in the admin; the admin is in Chinese.
- ``wagtail_hooks.py`` only registers: no classes, no functions of its own.
- Names say what a module is: no two classes of the same name in one app, no private name
  (``_x``) imported from another module.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR).resolve()
PROJECT_APPS = {config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == BASE_DIR}
CJK = re.compile(r"[\u4e00-\u9fff]")
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def _from_library_base(model, field) -> bool:
    """A field declared by a third-party abstract base (Wagtail's site setting ``site``, the API key's ``id``)."""
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is None or not meta.abstract or base.__module__.split(".")[0] in PROJECT_APPS:
            continue
        if any(f.name == field.name for f in meta.local_fields):
            return True
    return False


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_model_and_its_own_fields_have_chinese_names(model):
    if getattr(model, "m2m_history_field", None) is not None or (
        "_" in model.__name__ and model.__name__.startswith("Historical")
    ):
        return  # simple-history's many-to-many history tables: named by the library, never shown in the admin
    assert CJK.search(str(model._meta.verbose_name)), model._meta.label
    assert CJK.search(str(model._meta.verbose_name_plural)), model._meta.label
    for field in model._meta.local_fields + list(model._meta.local_many_to_many):
        if field.auto_created or field.name in HISTORY_FIELDS or field.name.endswith("_ptr"):
            continue
        if (field.name == "sort_order" and not field.editable) or (
            field.name == "sort_order" and "Orderable" in [base.__name__ for base in model.__mro__]
        ):
            continue  # Wagtail's inline ordering, never shown as a field
            continue
        if field.name in {"content_object", "permission", "group", "user"} and "ObjectPermission" in model.__name__:
            continue  # guardian's own tables, never shown in forms
        if field.model is not model and field.model._meta.app_label not in PROJECT_APPS:
            continue
        if _from_library_base(model, field) or (model.__name__.startswith("Historical") and field.name == "site"):
            continue
        assert CJK.search(str(field.verbose_name)), f"{model._meta.label}.{field.name}"


@pytest.mark.django_db
def test_admin_speaks_chinese(client, world):
    client.force_login(world.users["owner"])
    html = client.get("/admin/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "仪表板" in html or "控制面板" in html or "首页" in html


def test_every_app_of_the_project_is_checked():
    assert {"cms", "core", "permissions", "workdays", "api", "sitesearch", "matters", "guides"} <= PROJECT_APPS
    assert {"disclosure", "halls", "terminals", "portal", "theme"} <= PROJECT_APPS


def app_sources(label: str) -> list[Path]:
    root = Path(apps.get_app_config(label).path)
    # Management commands are all called ``Command``, as Django requires.
    return [p for p in root.rglob("*.py") if "migrations" not in p.parts and "commands" not in p.parts]


@pytest.mark.parametrize("label", sorted(PROJECT_APPS))
def test_wagtail_hooks_only_register(label):
    hooks_file = Path(apps.get_app_config(label).path) / "wagtail_hooks.py"
    if not hooks_file.exists():
        return
    tree = ast.parse(hooks_file.read_text(encoding="utf-8"))
    defined = [n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]
    assert not defined, f"{label}/wagtail_hooks.py defines {defined}: move them to viewsets.py or views/"


@pytest.mark.parametrize("label", sorted(PROJECT_APPS))
def test_no_two_classes_of_the_same_name_in_one_app(label):
    seen = defaultdict(list)
    for path in app_sources(label):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                seen[node.name].append(str(path.relative_to(BASE_DIR)))
    assert not {name: where for name, where in seen.items() if len(where) > 1}


@pytest.mark.parametrize("label", sorted(PROJECT_APPS))
def test_no_private_name_is_imported_from_another_module(label):
    offending = []
    for path in app_sources(label):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private:
                    offending.append(f"{path.relative_to(BASE_DIR)}: from {node.module} import {', '.join(private)}")
    assert not offending
