from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "办事指南"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.grants import register_department_section

        from . import reviews
        from .models import GuideIndexPage, GuideSectionPage

        register_department_section(GuideIndexPage, "办事指南", "guides", GuideSectionPage)
        reviews.connect_signals()
