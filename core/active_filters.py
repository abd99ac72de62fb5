"""The admin's "active filter" chips in Chinese for yes/no filters.

Wagtail shows a chip for each filter in force on a listing; for a ``BooleanFilter`` it prints the
cleaned value, so an editor read "事项已变更待核对：True". Registered once here for every listing.
"""

from __future__ import annotations

import django_filters
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class

YES_NO = {True: "是", False: "否"}


class BooleanFilterAdapter(BaseFilterAdapter):
    def get_active_filters(self):
        yield ActiveFilter(
            self.bound_field.auto_id,
            self.filter.label,
            YES_NO.get(self.value, str(self.value)),
            self.get_url_without_filter_param(self.name),
        )


def register() -> None:
    register_filter_adapter_class(django_filters.BooleanFilter, adapter_class=BooleanFilterAdapter)
