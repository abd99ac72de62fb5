"""Admin viewsets of the portal."""

from __future__ import annotations

from wagtail.admin.viewsets.chooser import ChooserViewSet

from .blocks.choosers import department_chooser_viewset


def portal_department_chooser() -> ChooserViewSet:
    """The department chooser of the portal blocks (matter lists, disclosure lists, statistics)."""
    return department_chooser_viewset
