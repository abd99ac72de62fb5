from django.apps import AppConfig


class TerminalsConfig(AppConfig):
    """Terminals that pull and push the API with keys, and the feeds staff define for them."""

    name = "terminals"
    verbose_name = "接入终端与数据订阅"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import register_owned_model

        from .models import Feed, Terminal

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for these models.
        register_owned_model(Terminal)
        register_owned_model(Feed)

        from django.db.models.signals import pre_delete

        from .service import retire_on_delete

        pre_delete.connect(retire_on_delete, sender=Terminal, dispatch_uid="terminals-retire-service-user")

        from . import schema  # noqa: F401  (documents the Api-Key scheme)
