from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The security audit log: append-only events, their kinds, the auditor's read-only admin."""

    name = "audit"
    verbose_name = "安全审计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from . import checks, receivers
        from .models import AuditEvent
        from .policy import AuditLogPolicy

        register_permission_policy(AuditEvent, AuditLogPolicy(AuditEvent))
        receivers.connect()
        checks.register()
