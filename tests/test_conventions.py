"""The house rules, for every app of the project.

- Every model and field speaks Chinese in the admin; the admin is in Chinese.
- ``wagtail_hooks.py`` only registers: no classes, no functions of its own.
- A benchmark script imports only names that exist.
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
from django.db.models.options import Options

BASE_DIR = Path(settings.BASE_DIR).resolve()
PROJECT_APPS = {config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == BASE_DIR}
CJK = re.compile(r"[\u4e00-\u9fff]")
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def tracked(model):
    """The model whose history a simple-history model keeps (the model itself otherwise)."""
    return getattr(model, "instance_type", model)


def project_models():
    # The history of a many-to-many field's join table is as Django made the table: never shown.
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not tracked(m)._meta.auto_created]


def declared_by_another_package(model, field) -> bool:
    """A field copied from an abstract model of another package (Wagtail's site setting, the API key)."""
    return any(
        base._meta.abstract
        and base._meta.app_label not in PROJECT_APPS
        and field.name in {f.name for f in base._meta.local_fields}
        for base in tracked(model).__mro__[1:]
        if isinstance(getattr(base, "_meta", None), Options)
    )


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_model_and_its_own_fields_have_chinese_names(model):
    assert CJK.search(str(model._meta.verbose_name)), model._meta.label
    assert CJK.search(str(model._meta.verbose_name_plural)), model._meta.label
    for field in model._meta.local_fields + list(model._meta.local_many_to_many):
        if field.auto_created or field.name in HISTORY_FIELDS or field.name.endswith("_ptr"):
            continue
        if (field.name == "sort_order" and not field.editable) or (
            field.name == "sort_order" and "Orderable" in [base.__name__ for base in model.__mro__]
        ):
            continue  # Wagtail's inline ordering, never shown as a field
        if field.name in {"content_object", "permission", "group", "user"} and "ObjectPermission" in model.__name__:
            continue  # guardian's own tables, never shown in forms
        if field.model is not model and field.model._meta.app_label not in PROJECT_APPS:
            continue
        if declared_by_another_package(model, field):
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
    # Every app directory of the project is installed, so none escapes the rules above.
    directories = {path.parent.name for path in BASE_DIR.glob("*/apps.py")}
    assert directories == {Path(apps.get_app_config(label).path).name for label in PROJECT_APPS}


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


@pytest.mark.parametrize("script", sorted(p.name for p in (BASE_DIR / "bench").glob("*.py")))
def test_bench_scripts_import_what_exists(script):
    """A benchmark runs outside the suite; a name it imports that a refactor moved must fail here, not there."""
    import importlib

    tree = ast.parse((BASE_DIR / "bench" / script).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root in PROJECT_APPS or root in {"tests", "bench"}:
                module = importlib.import_module(node.module)
                for alias in (a for a in node.names if a.name != "*"):
                    assert hasattr(module, alias.name) or importlib.util.find_spec(f"{node.module}.{alias.name}"), (
                        f"bench/{script} imports {alias.name} from {node.module}, which has no such name"
                    )
