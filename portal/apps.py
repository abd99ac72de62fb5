from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public portal's pages and the blocks editors compose them from."""

    name = "portal"
    verbose_name = "门户"
    default_auto_field = "django.db.models.BigAutoField"
