from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    name = "sitesearch"
    verbose_name = "站内搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import signals

        # Each app registers its searchable kinds in its search.py (sitesearch.registry), as the
        # admin finds admin.py; the signals then know which models to watch.
        autodiscover_modules("search")
        signals.connect()
