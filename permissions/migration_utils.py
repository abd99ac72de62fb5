"""Helpers for data migrations that extend the permissions of existing role groups.

Global role groups get their permissions from ``permissions.roles`` only when first created, so
a release that adds a model must hand its permissions to the groups of existing installs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.management import create_permissions


def grant_to_existing_groups(
    apps, schema_editor, app_label: str, codenames: Iterable[str], group_names: Iterable[str]
) -> None:
    """Give ``app_label``'s ``codenames`` to the named groups that already exist (none on a fresh DB)."""
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = list(Group.objects.using(using).filter(name__in=list(group_names)))
    if not groups:
        return  # a fresh database: permissions.ensure_global_roles creates the groups after migrate
    app_config = apps.get_app_config(app_label)
    # A migration-state app config (AppConfigStub) has no models_module; create_permissions needs one.
    had_attribute = hasattr(app_config, "models_module")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        if had_attribute:
            app_config.models_module = previous
        else:
            del app_config.models_module
    permissions = list(
        Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=list(codenames))
    )
    for group in groups:
        group.permissions.add(*permissions)
