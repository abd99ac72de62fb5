from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CODENAMES = [
    f"{action}_{model}"
    for model in ("case", "casematerial", "casestep", "specialprocedure", "casenotice", "casealert", "supervisionorder", "casecounter")
    for action in ("add", "change", "delete", "view")
] + ["view_pii", "supervise_case"]


def grant(apps, schema_editor):
    """Existing installs: the system administrator gets the new app's permissions (new installs get
    them from permissions.roles when the group is created)."""
    grant_to_existing_groups(apps, schema_editor, "cases", CODENAMES, ["系统管理员"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
