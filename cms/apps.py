from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import workdays
        from .models import CalendarDay, CalendarYear

        # Any change of the calendar overrides drops the cached working days (in every process).
        for model in (CalendarYear, CalendarDay):
            label = model._meta.label_lower
            post_save.connect(workdays.invalidate_cache, sender=model, dispatch_uid=f"workdays-save-{label}")
            post_delete.connect(workdays.invalidate_cache, sender=model, dispatch_uid=f"workdays-delete-{label}")
