from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CODENAMES = [
    f"{action}_{model}" for model in ("rating", "ratingstep") for action in ("add", "change", "delete", "view")
] + ["decide_appeal", "add_ratingindexpage", "change_ratingindexpage", "delete_ratingindexpage", "view_ratingindexpage"]


def grant(apps, schema_editor):
    """Existing installs: the system administrator gets the new app's permissions, the 效能监察员 reads
    every rating and decides appeals (new installs get both from permissions.roles)."""
    grant_to_existing_groups(apps, schema_editor, "ratings", CODENAMES, ["系统管理员"])
    grant_to_existing_groups(apps, schema_editor, "ratings", ["view_rating", "decide_appeal"], ["效能监察员"])


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
