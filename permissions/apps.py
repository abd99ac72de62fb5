from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from wagtail.users.apps import WagtailUsersAppConfig


def _after_last_app_migrated(sender, using="default", **kwargs) -> None:
    """Create the cross-department role groups once every app's permissions exist.

    post_migrate fires once per app with models, in INSTALLED_APPS order, and auth creates each app's
    permissions in its own handler, so only the last app's signal sees them all.
    """
    with_models = [app for app in apps.get_app_configs() if app.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .grants import ensure_global_roles

    ensure_global_roles()


class PermissionsConfig(AppConfig):
    default = True
    name = "permissions"
    verbose_name = "部门与权限"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import grants, regions

        grants.connect_signals()
        regions.connect_signals()
        post_migrate.connect(_after_last_app_migrated, dispatch_uid="permissions-global-roles")


class UsersConfig(WagtailUsersAppConfig):
    """wagtail.users with our user form (see permissions.users)."""

    user_viewset = "permissions.users.UserViewSet"
