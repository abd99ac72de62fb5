"""Every model and field of the project speaks Chinese in the admin; the admin is in Chinese."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

PROJECT_APPS = {"cms", "permissions", "matters", "guides", "disclosure"}
CJK = re.compile(r"[\u4e00-\u9fff]")
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


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
            continue
        if field.name in {"content_object", "permission", "group", "user"} and "ObjectPermission" in model.__name__:
            continue  # guardian's own tables, never shown in forms
        if field.model is not model and field.model._meta.app_label not in PROJECT_APPS:
            continue
        assert CJK.search(str(field.verbose_name)), f"{model._meta.label}.{field.name}"


@pytest.mark.django_db
def test_admin_speaks_chinese(client, world):
    client.force_login(world.users["owner"])
    html = client.get("/admin/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "仪表板" in html or "控制面板" in html or "首页" in html
