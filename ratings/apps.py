from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "好差评"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.documents import register_document_link
        from permissions.policy import DepartmentWidePolicy, register_owned_model

        from .links import rating_qr_link
        from .models import Rating

        # The rating's department (the case's handling department, or the matter's) acts on it; the
        # 效能监察员 reads every rating and decides appeals through model-level permissions.
        register_owned_model(Rating, DepartmentWidePolicy, object_grants=False)
        # “扫码评价” on the 受理通知书 and the 办结出件单.
        register_document_link(rating_qr_link)
