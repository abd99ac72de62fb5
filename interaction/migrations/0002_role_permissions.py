from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CODENAMES = [
    f"{action}_{model}"
    for model in ("interaction", "interactionstep", "interactioncounter")
    for action in ("add", "change", "delete", "view")
] + ["publish_interaction"]


def grant(apps, schema_editor):
    """Existing installs: the system administrator gets the new app's permissions and the 效能监察员
    reads every department's items (new installs get them from permissions.roles when the groups
    are created)."""
    grant_to_existing_groups(apps, schema_editor, "interaction", CODENAMES, ["系统管理员"])
    grant_to_existing_groups(apps, schema_editor, "interaction", ["view_interaction"], ["效能监察员"])


class Migration(migrations.Migration):
    dependencies = [("interaction", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
