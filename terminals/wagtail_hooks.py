from wagtail import hooks

from .viewsets import DataInterfaceGroup, add_stale_terminals_panel

hooks.register("register_admin_viewset", DataInterfaceGroup)
hooks.register("construct_homepage_panels", add_stale_terminals_panel)
