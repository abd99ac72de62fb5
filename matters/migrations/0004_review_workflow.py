from django.db import migrations


def add_workflow(apps, schema_editor):
    """One review workflow for matters: the owner department's reviewers approve."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    DepartmentReviewTask = apps.get_model("permissions.DepartmentReviewTask")

    task_ct, _ = ContentType.objects.get_or_create(app_label="permissions", model="departmentreviewtask")
    matter_ct, _ = ContentType.objects.get_or_create(app_label="matters", model="matter")
    task, _ = DepartmentReviewTask.objects.get_or_create(
        name="本部门审核员审核", defaults={"content_type": task_ct, "active": True}
    )
    workflow, _ = Workflow.objects.get_or_create(name="事项审核", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.get_or_create(content_type=matter_ct, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0003_matter_types"),
        ("permissions", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_workflow, migrations.RunPython.noop)]
