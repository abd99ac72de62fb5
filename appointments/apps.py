from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "预约"
    default_auto_field = "django.db.models.BigAutoField"
