from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    """The resource machine of /api/v1/: caching, sync and tombstones, throttling, the registry."""

    name = "api"
    verbose_name = "数据接口"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import collections, departments  # noqa: F401  (departments: the API's own collection)

        collections.connect()
        # Every app's ``api.py`` registers its collections and endpoints (as admin.py does for Django's admin).
        autodiscover_modules("api")
