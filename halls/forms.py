"""Admin forms of halls, windows and notices.

All three are owned records: the department field (or, for a window, its hall) offers only
what the permission policy lets the user create in, and every save asks for a change reason
that goes into the history.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from matters.models import Matter
from permissions.forms import DepartmentOwnedModelForm, group_choices
from permissions.models import Department
from permissions.roles import WINDOW_STAFF


class HallForm(DepartmentOwnedModelForm):
    default_reason_on_create = "新建大厅"


class WindowForm(DepartmentOwnedModelForm):
    """A window belongs to its hall's department; it handles published matters of the
    departments stationed there."""

    default_reason_on_create = "新建窗口"
    owned_choice_fields = {"hall": "change"}
    department_from = "hall"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = self.fields.get("departments")
        if departments is not None:
            current = self._current_pks("departments")
            departments.queryset = Department.objects.filter(Q(is_active=True) | Q(pk__in=current))
        staff = self.fields.get("staff")
        if staff is not None:
            # Only accounts in the 窗口工作人员 group may be posted (their role gives the admin access).
            staff.queryset = (
                get_user_model()
                .objects.filter(
                    Q(groups__name=WINDOW_STAFF.name, is_active=True) | Q(pk__in=self._current_pks("staff"))
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
            staff.label_from_instance = lambda u: f"{u.get_full_name() or u.username}（{u.username}）"
            staff.help_text = "可选“窗口工作人员”用户组中的账号；被派驻的人员可在本窗口登记、受理办件。"
        matters = self.fields.get("matters")
        if matters is not None:
            present = self._departments_present()
            public = Matter.public_queryset().filter(department_id__in=present)
            matters.queryset = (
                Matter.objects.filter(Q(pk__in=public.values("pk")) | Q(pk__in=self._current_pks("matters")))
                .select_related("department")
                .order_by("department__sort_order", "department__name", "name")
            )
            matters.label_from_instance = lambda m: m.name if m.is_public else f"{m.name}（未公开）"
            matters.error_messages["invalid_choice"] = "“%(value)s”不是所选进驻部门已发布的事项。"
            group_choices(matters, lambda m: m.department.name)
            if not present:
                matters.help_text = "先勾选进驻部门并保存，这里会列出这些部门已发布的事项。"
            else:
                matters.help_text = "列出所选进驻部门已发布的事项；更改进驻部门后请先保存，再勾选事项。"

    def _departments_present(self) -> list[int]:
        """The departments ticked in the submitted form, else those saved on the window."""
        if self.is_bound:
            raw = self.fields["departments"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("departments")
            )
            return [int(v) for v in raw or [] if str(v).isdigit()]
        if self.instance.pk:
            return self._current_pks("departments")
        return [int(v) for v in self.initial.get("departments") or [] if str(v).isdigit()]

    def clean(self):
        cleaned = super().clean()
        departments = {d.pk for d in cleaned.get("departments") or []}
        for matter in cleaned.get("matters") or []:
            if matter.department_id not in departments:
                self.add_error(
                    "matters", f"“{matter.name}”属于{matter.department.name}，请先勾选该部门为进驻部门或取消该事项。"
                )
        return cleaned


class NoticeForm(DepartmentOwnedModelForm):
    """A notice is shown in halls its department runs, within its validity window."""

    default_reason_on_create = "发布公告"
    owned_choice_fields = {"halls": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "halls" in self.fields:
            self.fields["halls"].error_messages["required"] = "请至少选择一个发布大厅。"

    def clean(self):
        cleaned = super().clean()
        department = cleaned.get("department")
        if department is not None:
            for hall in cleaned.get("halls") or []:
                if hall.department_id != department.pk:
                    self.add_error(
                        "halls",
                        f"“{hall.name}”由{hall.department.name}管理，公告只能发布到所属部门（{department.name}）管理的大厅。",
                    )
        return cleaned
