from wagtail import hooks

from .viewsets import register_portal_settings_history

hooks.register("register_admin_viewset", register_portal_settings_history)
