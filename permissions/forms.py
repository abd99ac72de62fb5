"""Admin forms shared by owned models and by history-tracked plain models."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm


class DepartmentOwnedForm(WagtailAdminModelForm):
    """Offers only the departments the policy lets the user create records in.

    The current department of an existing record stays selectable so an unrelated edit
    does not force a move; moving to a department requires the right to create there.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("department")
        if field is None or self.for_user is None:
            return
        from .models import Department
        from .policy import policy_for

        allowed = policy_for(self._meta.model).departments_for_action(self.for_user, "add")
        current = self.instance.department_id if self.instance.pk else None
        field.queryset = Department.objects.filter(Q(pk__in=allowed.values("pk")) | Q(pk=current))
        field.error_messages["invalid_choice"] = "您无权把内容归属到这个部门，请选择您有新建权限的部门。"
        if current is None and "department" not in self.initial:
            only = list(field.queryset[:2])
            if len(only) == 1:
                self.initial["department"] = only[0].pk


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
