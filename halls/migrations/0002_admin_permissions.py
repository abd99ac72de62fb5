from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

# Only the system administrator: it holds every permission of the halls app on new installs
# (roles.SYSTEM_ADMINISTRATOR.all_permissions_of_apps); departments get object-level grants.
GROUPS = ["系统管理员"]


def grant(apps, schema_editor):
    """Give the halls permissions to the existing system administrator group."""
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in apps.get_app_config("halls").get_models()
        for action in model._meta.default_permissions
    ]
    grant_to_existing_groups(apps, schema_editor, "halls", codenames, GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("halls", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
