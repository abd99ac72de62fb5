from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "办件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import register_owned_model

        from .models import Case
        from .policy import CasePermissionPolicy

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for cases.
        register_owned_model(Case, CasePermissionPolicy, object_grants=False)

        from .supervision import connect_calendar

        connect_calendar()  # provisional due dates are recomputed when a year's schedule is entered

        import jobs

        from . import tasks  # noqa: F401  (registers 发送办件通知 with jobs, for its 重试 in any process)

        jobs.register_periodic(
            "cases.supervise", "办件电子监察", jobs.every(60), "cases.management.commands.supervise_cases.run"
        )
