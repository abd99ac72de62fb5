"""Admin registrations of the portal."""

from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_portal_department_chooser():
    """The department chooser of the portal blocks (matter lists, disclosure lists, statistics)."""
    from .blocks.choosers import department_chooser_viewset

    return department_chooser_viewset
