from django.apps import AppConfig


class JobsConfig(AppConfig):
    """后台任务: task records, retries, the periodic jobs' schedule, the system administrator's page."""

    name = "jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registry, tracking

        tracking.connect()
        registry.register_periodic(
            "jobs.prune",
            "清理过期任务记录",
            registry.daily(3, 30),
            "jobs.tracking.prune",
        )
