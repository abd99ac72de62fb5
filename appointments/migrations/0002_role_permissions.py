from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CODENAMES = [
    f"{action}_{model}"
    for model in ("bookingschedule", "servicegroup", "slotcounter", "booking", "bookingevent", "outofhoursrequest")
    for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    """Existing installs: the system administrator gets the new app's permissions (new installs get
    them from permissions.roles when the group is created)."""
    grant_to_existing_groups(apps, schema_editor, "appointments", CODENAMES, ["系统管理员"])


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
