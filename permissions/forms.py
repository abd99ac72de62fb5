"""Admin forms shared by owned models and by history-tracked plain models."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from wagtail.admin.forms import WagtailAdminModelForm

from core.forms import HistoryReasonForm


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Choices of a model field in groups (``<optgroup>``, or headed checkbox lists), lazily.

    The queryset must be ordered so that each group's records come together.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for label, objects in groupby(self.queryset, key=self.field.group_label):
            yield (label, [self.choice(obj) for obj in objects])


def group_choices(field: forms.ModelChoiceField, group_label: Callable[[object], str]) -> None:
    """Show a model choice field's records grouped by ``group_label(record)``."""
    field.group_label = group_label
    field.iterator = GroupedModelChoiceIterator
    field.queryset = field.queryset  # refresh the widget's choices


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


class DepartmentOwnedModelForm(DepartmentOwnedForm, HistoryReasonForm):
    """Admin form of a plain (non-snippet) owned model: department, related records, reason.

    - ``department`` offers the departments the user may create records in (plus, on edit,
      the current one); saving into any other department is refused.
    - ``department_from`` names a foreign key whose record gives the department instead
      (a window belongs to whoever runs its hall); the same rule applies to it.
    - ``owned_choice_fields`` maps a field to an action: the field offers only the records
      (of another owned model) the user may take that action on, plus those already chosen.
    - The change reason is stored with the history record, as in ``HistoryReasonForm``.
    """

    owned_choice_fields: dict[str, str] = {}
    department_from: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._original_department_id = self.instance.department_id if self.instance.pk else None
        if self.for_user is None:
            return
        from .policy import policy_for

        for name, action in self.owned_choice_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            allowed = policy_for(field.queryset.model).instances_user_has_any_permission_for(self.for_user, [action])
            field.queryset = field.queryset.filter(Q(pk__in=allowed.values("pk")) | Q(pk__in=self._current_pks(name)))
            field.error_messages["invalid_choice"] = "您无权选择这一项，只能选择您有权管理的记录。"

    def _current_pks(self, name: str) -> list:
        if not self.instance.pk:
            return []
        field = self.instance._meta.get_field(name)
        if field.many_to_many:
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        value = getattr(self.instance, field.attname)
        return [value] if value is not None else []

    def _target_department(self, cleaned) -> tuple[object | None, str | None]:
        """(department the record will belong to, the form field that decides it)."""
        if self.department_from:
            source = cleaned.get(self.department_from)
            return (source.department if source is not None else None), self.department_from
        if "department" in self.fields:
            return cleaned.get("department"), "department"
        return None, None

    def clean(self):
        cleaned = super().clean()
        if self.for_user is None:
            return cleaned
        from .policy import policy_for

        department, field = self._target_department(cleaned)
        if department is None or department.pk == self._original_department_id:
            return cleaned
        allowed = policy_for(self._meta.model).departments_for_action(self.for_user, "add")
        if not allowed.filter(pk=department.pk).exists():
            self.add_error(
                field,
                f"您无权在“{department.name}”新建{self._meta.model._meta.verbose_name}，也不能把记录移入该部门。",
            )
        return cleaned
