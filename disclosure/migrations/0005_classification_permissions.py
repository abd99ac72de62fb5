from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

CODENAMES = ["add_classification", "change_classification", "view_classification"]
ALL_CODENAMES = CODENAMES + ["delete_classification", "add_indexcounter", "change_indexcounter", "view_indexcounter"]


def grant(apps, schema_editor):
    """The disclosure office keeps the taxonomies; the system administrator has every permission."""
    grant_to_existing_groups(apps, schema_editor, "disclosure", CODENAMES, ["政务公开办编辑"])
    grant_to_existing_groups(apps, schema_editor, "disclosure", ALL_CODENAMES, ["系统管理员"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("disclosure", "0004_seed_classifications"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
