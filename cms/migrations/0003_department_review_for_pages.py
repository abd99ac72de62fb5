from django.db import migrations


def use_department_review(apps, schema_editor):
    """Drop Wagtail's starter groups and let department reviewers approve pages.

    Wagtail ships "Editors" and "Moderators" groups with rights on the whole page tree; here
    rights come only from department roles and the cross-department roles, so they go. The
    default page workflow is pointed at the department review task: a page is approved by
    whoever may publish it, i.e. the reviewers of the department whose section it is in.
    """
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    Page = apps.get_model("wagtailcore.Page")
    DepartmentReviewTask = apps.get_model("permissions.DepartmentReviewTask")

    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    task_ct, _ = ContentType.objects.get_or_create(app_label="permissions", model="departmentreviewtask")
    task, _ = DepartmentReviewTask.objects.get_or_create(
        name="本部门审核员审核", defaults={"content_type": task_ct, "active": True}
    )
    workflow = Workflow.objects.filter(name="Moderators approval").first()
    if workflow is None:
        workflow = Workflow.objects.create(name="页面审核", active=True)
    else:
        workflow.name = "页面审核"
        workflow.save(update_fields=["name"])
    old_task_ids = list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
    WorkflowTask.objects.filter(workflow=workflow).delete()
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    apps.get_model("wagtailcore.Task").objects.filter(pk__in=old_task_ids).exclude(pk=task.pk).update(active=False)
    root = Page.objects.get(depth=1)
    WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_create_homepage"),
        ("permissions", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(use_department_review, migrations.RunPython.noop)]
