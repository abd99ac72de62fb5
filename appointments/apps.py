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

        import jobs

        close_day = "appointments.management.commands.close_appointment_day.run"
        jobs.register_periodic("appointments.close_day", "预约爽约登记（傍晚）", jobs.daily(18, 0), close_day)
        jobs.register_periodic("appointments.close_night", "预约爽约登记（零点后）", jobs.daily(0, 10), close_day)
