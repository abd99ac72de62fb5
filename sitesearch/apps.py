from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    name = "sitesearch"
    verbose_name = "站内搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
