from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

SYNONYM_PERMISSIONS = [f"{action}_synonym" for action in ("add", "change", "delete", "view")]
# The disclosure office keeps the synonyms and the system administrator has every sitesearch
# permission, but both groups got their permissions when they were first created.
GROUPS = ("政务公开办编辑", "系统管理员")


def grant_synonym_permissions(apps, schema_editor):
    """Give the synonym permissions to the existing role groups (new installs get them from roles.py)."""
    grant_to_existing_groups(apps, schema_editor, "sitesearch", SYNONYM_PERMISSIONS, GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sitesearch", "0001_synonyms"),
    ]

    operations = [migrations.RunPython(grant_synonym_permissions, migrations.RunPython.noop)]
