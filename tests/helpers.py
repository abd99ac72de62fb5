"""Small helpers shared by the admin tests."""

from __future__ import annotations

from django.urls import reverse

from matters.models import Matter


def matter_url(name: str, *args, **kwargs) -> str:
    """URL of a view of the matters snippet viewset ("list", "edit", "history", ...)."""
    return reverse(Matter.snippet_viewset.get_url_name(name), args=args or None, kwargs=kwargs or None)


def matter_form_data(matter: Matter, **changes) -> dict:
    """The matter edit form as the admin posts it, with some fields changed."""
    data = {
        "name": matter.name,
        "implementation_code": matter.implementation_code,
        "matter_type": matter.matter_type_id,
        "department": matter.department_id,
    }
    data.update(changes)
    return data
