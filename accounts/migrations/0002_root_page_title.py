"""The tree's root page, which Wagtail creates titled "Root", is named 根目录: editors see it as the
parent in page search results and the page chooser (issue 18, docs/admin-language.md)."""

from django.db import migrations


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="根目录", draft_title="根目录")


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="根目录").update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]
