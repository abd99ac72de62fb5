from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.grants import register_department_section

        from .models import DisclosureIndexPage, DisclosureSectionPage

        register_department_section(DisclosureIndexPage, "政府信息公开", "xxgk", DisclosureSectionPage)

        from . import index_numbers

        index_numbers.connect_signals()
