"""Small helpers shared by the suites: admin URLs and form data, publishing a change of a matter."""

from __future__ import annotations

import datetime
import re

import factory
from django.urls import reverse

from matters.models import Material, Matter


def matter_url(name: str, *args, **kwargs) -> str:
    """URL of a view of the matters snippet viewset ("list", "edit", "history", ...)."""
    return reverse(Matter.snippet_viewset.get_url_name(name), args=args or None, kwargs=kwargs or None)


def _post_value(bound_field):
    value = bound_field.value()
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def form_post_data(form) -> dict:
    """What the browser would post for an unbound admin form, inline formsets included."""
    data: dict = {}

    def add(bound_field):
        value = _post_value(bound_field)
        if value is not None:
            data[bound_field.html_name] = value

    for name in form.fields:
        add(form[name])
    for formset in getattr(form, "formsets", {}).values():
        for name in formset.management_form.fields:
            add(formset.management_form[name])
        for subform in formset.forms:
            for name in subform.fields:
                add(subform[name])
    return data


def matter_form_data(matter: Matter, user=None, **changes) -> dict:
    """The matter edit form as the admin posts it (latest revision), with some fields changed."""
    form_class = Matter.snippet_viewset.get_edit_handler().get_form_class()
    instance = matter.get_latest_revision_as_object() if matter.pk else matter
    data = form_post_data(form_class(instance=instance, for_user=user))
    data.update(changes)
    return data


def publish_change(matter: Matter, **fields) -> Matter:
    """Publish a new version of the matter with some fields changed (as a reviewer would)."""
    draft = matter.get_latest_revision_as_object()
    materials = fields.pop("materials", None)
    for name, value in fields.items():
        setattr(draft, name, value)
    if materials is not None:
        draft.materials = materials
    draft.save_revision().publish()
    matter.refresh_from_db()
    return matter


def with_materials(matter: Matter, count: int) -> Matter:
    """Publish the matter with ``count`` distinct materials."""
    return publish_change(matter, materials=[Material(name=f"材料{i:02d}", source="applicant") for i in range(count)])


def many_to_many(field: str) -> factory.PostGeneration:
    """Post-generation for a factory: ``Factory(field=[...])`` sets that many-to-many once created."""

    def set_related(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).set(extracted)

    return factory.PostGeneration(set_related)


def next_challenge(html: str, data: dict, *, wrong: bool = False) -> dict:
    """Answer the challenge (验证问题) of a public form as a visitor does (``wrong``: one off)."""
    a, b = map(int, re.search(r"验证问题：(\d+) 加 (\d+) 等于几", html).groups())
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    return {**data, "challenge_token": token, "challenge_answer": str(a + b + (1 if wrong else 0))}
