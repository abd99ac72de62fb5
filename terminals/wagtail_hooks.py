from wagtail import hooks

from .viewsets import DataInterfaceGroup, add_stale_terminals_panel


@hooks.register("register_admin_viewset")
def register_data_interface_viewsets() -> DataInterfaceGroup:
    return DataInterfaceGroup()


hooks.register("construct_homepage_panels", add_stale_terminals_panel)
