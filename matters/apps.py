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

        jobs.register_periodic(
            "matters.cancel_due", "取消到期事项", jobs.daily(0, 5), "matters.management.commands.cancel_due_matters.run"
        )
