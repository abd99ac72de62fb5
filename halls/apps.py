from django.apps import AppConfig


class HallsConfig(AppConfig):
    name = "halls"
    verbose_name = "服务大厅"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import register_owned_model

        from .models import Hall, Notice, Window

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for these models.
        for model in (Hall, Window, Notice):
            register_owned_model(model)

        from matters.places import register_place_provider

        from .places import window_places

        # 办理地点 everywhere (matter page, guide, notice, API): the halls whose windows list the matter.
        register_place_provider(window_places)
