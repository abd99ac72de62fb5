"""Chooser "create" views that exist only when the chooser has a creation form.

Importable while models load (portal blocks build their chooser there): generic chooser views only.
"""

from __future__ import annotations

from wagtail.admin.views.generic import chooser as generic_chooser


class CreationFormRequiredMixin:
    """A chooser's "create" view only when the chooser has a creation form.

    Wagtail's chooser create view asks only for the "add" permission and then fails (500) on a
    POST when the chooser defines no creation form; without a form it is now refused (403).
    """

    def can_create(self):
        return self.get_creation_form_class() is not None and super().can_create()


class CheckedChooserCreateView(CreationFormRequiredMixin, generic_chooser.CreateView):
    pass
