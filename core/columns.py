"""Admin listing columns every app's viewsets use."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.ui.tables import Column


class LocalTimeColumn(Column):
    """A date and time in the local time zone, or a dash."""

    def __init__(self, name, empty="—", **kwargs):
        super().__init__(name, **kwargs)
        self.empty = empty

    def get_value(self, instance):
        value = getattr(instance, self.name)
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else self.empty
