from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff sign-in security: second factor, session limits, ending every session at logout."""

    name = "accounts"
    verbose_name = "账号安全"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import names, sessions

        sessions.connect()
        names.use_chinese_name_order()
