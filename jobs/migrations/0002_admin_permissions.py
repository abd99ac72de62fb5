from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

# The system administrator holds every permission of the jobs app on new installs
# (roles.SYSTEM_ADMINISTRATOR.all_permissions_of_apps); existing installs get them here.
GROUPS = ["系统管理员"]


def grant(apps, schema_editor):
    grant_to_existing_groups(apps, schema_editor, "jobs", ["view_taskrun", "retry_taskrun"], GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
