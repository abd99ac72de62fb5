"""Forms shared by every app's admin."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm


class HistoryReasonForm(WagtailAdminModelForm):
    """Asks why a history-tracked record is changed; the reason is stored with the change."""

    change_reason = forms.CharField(
        label="变更原因",
        max_length=100,
        help_text="将记入修改历史，例如“机构改革更名”“人员调整”。",
    )

    default_reason_on_create = "新建"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["change_reason"].required = False
            self.fields["change_reason"].initial = self.default_reason_on_create

    def save(self, commit: bool = True):
        reason = self.cleaned_data.get("change_reason") or self.default_reason_on_create
        self.instance._change_reason = reason
        return super().save(commit=commit)


def lenient_filters(form_class: type[forms.Form], data) -> forms.Form:
    """A public list's filter form: bad values are dropped and the list filtered by the rest (a list is
    never an error page); unbound when nothing was asked."""
    filters = form_class(data or None)
    if filters.is_bound and not filters.is_valid():
        kept = data.copy()
        for name in filters.errors:
            kept.pop(name, None)
        filters = form_class(kept)
    return filters
