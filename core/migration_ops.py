"""Migration helpers for moving a model to another app without losing a row.

A moved model keeps its table (``db_table``); the migrations move only Django's state
(``SeparateDatabaseAndState``). Its content type is renamed in place (``move_content_types``),
so its permissions, guardian's object permissions, Wagtail's revisions and log entries, and
any generic relation keep pointing at it: they refer to the content type's id, which stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations


def move_content_types(from_app: str, to_app: str, models: Iterable[str]) -> migrations.RunPython:
    """Rename the content types of ``models`` from ``from_app`` to ``to_app`` (reversibly)."""
    models = [m.lower() for m in models]

    def rename(apps, schema_editor, source: str, target: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            old = content_type.objects.using(db).filter(app_label=source, model=model).first()
            if old is None:
                continue  # a database made after the move: nothing to rename
            # A stale row for the new label (none unless created by hand) would block the rename.
            content_type.objects.using(db).filter(app_label=target, model=model).delete()
            old.app_label = target
            old.save(update_fields=["app_label"])
        content_type.objects.clear_cache()

    return migrations.RunPython(
        lambda apps, editor: rename(apps, editor, from_app, to_app),
        lambda apps, editor: rename(apps, editor, to_app, from_app),
        elidable=False,
    )
