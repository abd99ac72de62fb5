from wagtail import hooks

from .viewsets import register_halls_viewsets

hooks.register("register_admin_viewset", register_halls_viewsets)
