from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.grants import register_department_section

        from .models import DisclosureIndexPage, DisclosureSectionPage

        register_department_section(DisclosureIndexPage, "政府信息公开", "xxgk", DisclosureSectionPage)

        from permissions.policy import register_owned_model

        from . import index_numbers
        from .models import DisclosureRequest

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for requests.
        register_owned_model(DisclosureRequest)
        index_numbers.connect_signals()
        _connect_calendar()


def _connect_calendar() -> None:
    """A change to the working-day calendar moves the due dates of open requests."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    from cms.models import CalendarDay, CalendarYear

    def refresh(sender, **kwargs):
        from .request_flow import refresh_open_due_dates

        transaction.on_commit(refresh_open_due_dates)

    for model in (CalendarDay, CalendarYear):
        post_save.connect(refresh, sender=model, weak=False, dispatch_uid=f"disclosure-due-{model.__name__}")
        post_delete.connect(refresh, sender=model, weak=False, dispatch_uid=f"disclosure-due-del-{model.__name__}")
