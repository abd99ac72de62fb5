from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "预约"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import DepartmentWidePolicy, register_owned_model

        from .models import Booking, BookingSchedule, OutOfHoursRequest, ServiceGroup
        from .policy import BookingPolicy

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for these models.
        register_owned_model(BookingSchedule, DepartmentWidePolicy, object_grants=False)
        register_owned_model(ServiceGroup, DepartmentWidePolicy, object_grants=False)
        register_owned_model(Booking, BookingPolicy, object_grants=False)
        register_owned_model(OutOfHoursRequest, DepartmentWidePolicy, object_grants=False)
