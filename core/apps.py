from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every layer shares and nothing owns: signals, the client address, history views."""

    name = "core"
    verbose_name = "公共基础"

    def ready(self) -> None:
        from . import active_filters
        from .spreadsheets import guard_wagtail_exports

        guard_wagtail_exports()
        active_filters.register()
