from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CALENDAR_PERMISSIONS = [
    f"{action}_{model}" for model in ("calendaryear", "calendarday") for action in ("add", "change", "delete", "view")
]
# The disclosure office keeps the calendar; the system administrator has every cms permission, but
# both groups got their permissions when they were first created, before these models existed.
GROUPS = ("政务公开办编辑", "系统管理员")


def grant_calendar_permissions(apps, schema_editor):
    """Give the calendar permissions to the existing role groups (new installs get them from roles.py)."""
    grant_to_existing_groups(apps, schema_editor, "cms", CALENDAR_PERMISSIONS, GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cms", "0004_working_day_calendar"),
    ]

    operations = [migrations.RunPython(grant_calendar_permissions, migrations.RunPython.noop)]
