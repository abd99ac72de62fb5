from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "interaction"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"
