from django.db import migrations

# domain.md §1.1: the matter types and their national codes (editable afterwards).
TYPES = [
    ("01", "行政许可", True),
    ("02", "行政处罚", False),
    ("03", "行政强制", False),
    ("04", "行政征收", False),
    ("05", "行政给付", True),
    ("06", "行政检查", False),
    ("07", "行政确认", True),
    ("08", "行政奖励", True),
    ("09", "行政裁决", True),
    ("10", "其他行政权力", True),
    ("20", "公共服务", True),
]


def add_types(apps, schema_editor):
    MatterType = apps.get_model("matters.MatterType")
    for order, (code, name, applied_for) in enumerate(TYPES, start=1):
        MatterType.objects.get_or_create(
            code=code, defaults={"name": name, "applied_for": applied_for, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("matters", "0002_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
