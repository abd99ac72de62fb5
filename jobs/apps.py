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
        # The framework's own housekeeping, once cron lines (jobs sits above api and audit).
        registry.register_periodic(
            "api.prune_tombstones",
            "清理过期删除标记",
            registry.daily(3, 40),
            "api.management.commands.prune_tombstones.run",
        )
        registry.register_periodic(
            "audit.purge",
            "清理过期安全审计记录",
            registry.daily(3, 50),
            "audit.management.commands.purge_audit_events.run",
        )
