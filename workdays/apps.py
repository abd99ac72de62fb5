from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorkdaysConfig(AppConfig):
    """The working-day calendar every deadline is counted on (holidays and make-up working days)."""

    name = "workdays"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import service
        from .models import CalendarDay, CalendarYear

        # Any change of the calendar overrides drops the cached working days (in every process).
        for model in (CalendarYear, CalendarDay):
            label = model._meta.label_lower
            post_save.connect(service.invalidate_cache, sender=model, dispatch_uid=f"workdays-save-{label}")
            post_delete.connect(service.invalidate_cache, sender=model, dispatch_uid=f"workdays-delete-{label}")
