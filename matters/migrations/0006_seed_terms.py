from django.db import migrations

from matters.vocabularies import MATTER_TYPE_KEYS, TERMS


def seed(apps, schema_editor):
    Term = apps.get_model("matters.Term")
    MatterType = apps.get_model("matters.MatterType")
    Matter = apps.get_model("matters.Matter")
    for vocabulary, values in TERMS.items():
        for order, (key, code, name, aliases) in enumerate(values, start=1):
            Term.objects.get_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={"key": key, "name": name, "aliases": aliases, "sort_order": order},
            )
    for code, key in MATTER_TYPE_KEYS.items():
        MatterType.objects.filter(code=code, key="").update(key=key)
    # Matters published before the lifecycle existed are in force.
    Matter.objects.filter(live=True, status="draft").update(status="in_force", version=1)


class Migration(migrations.Migration):
    dependencies = [("matters", "0005_full_matter")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
