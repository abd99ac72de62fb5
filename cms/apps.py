from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import jobs

        # The framework's tasks defined with plain django-tasks (their apps do not import jobs).
        jobs.track("sitesearch.signals.index_records", label="更新搜索索引")
