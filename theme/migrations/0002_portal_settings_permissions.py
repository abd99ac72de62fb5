from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

PORTAL_SETTINGS_PERMISSIONS = [f"{action}_portalsettings" for action in ("add", "change", "delete", "view")]
# The system administrator has every theme permission (permissions.roles), but an existing
# install's group got its permissions when it was first created.
GROUPS = ("系统管理员",)


def grant_portal_settings_permissions(apps, schema_editor):
    """Let existing system administrators edit the portal settings (new installs get it from roles.py)."""
    grant_to_existing_groups(apps, schema_editor, "theme", PORTAL_SETTINGS_PERMISSIONS, GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("theme", "0001_portal_settings"),
    ]

    operations = [migrations.RunPython(grant_portal_settings_permissions, migrations.RunPython.noop)]
