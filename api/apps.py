from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "数据接口"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import register_owned_model

        from .models import Feed, Terminal

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for these models.
        register_owned_model(Terminal)
        register_owned_model(Feed)

        from . import collections, schema  # noqa: F401  (schema registers the Api-Key scheme)

        collections.connect_signals()
