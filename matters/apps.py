from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "事项"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import register_owned_model

        from .models import Matter

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for Matter.
        register_owned_model(Matter)

        from . import lifecycle

        lifecycle.connect_signals()

        import jobs

        from . import tasks  # noqa: F401  (registers 导出事项清单 with jobs, for its 重试 in any process)

        jobs.register_periodic(
            "matters.cancel_due", "取消到期事项", jobs.daily(0, 5), "matters.management.commands.cancel_due_matters.run"
        )
        jobs.register_periodic(
            "matters.prune_exports", "清理过期事项导出", jobs.daily(3, 20), "matters.exports.prune_exports"
        )

        from django.db.models.signals import post_delete

        from .exports import delete_file
        from .models import MatterExport

        post_delete.connect(delete_file, sender=MatterExport, dispatch_uid="matters.exports.delete_file")
