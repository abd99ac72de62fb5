"""The forms of the public side of cases: the 办件公示 filters, the lookup and the online application."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.challenge import challenge_error
from core.identity import IdType
from core.uploads import MB, check_upload
from permissions.models import Department

from . import flow
from .models import ApplicantKind
from .uploads import POLICY

STATE_GROUPS = (("open", "办理中"), ("done", "已办结"))
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PublicListFilter(forms.Form):
    """办件公示 filters; bad values are ignored rather than refused (a list is never an error)."""

    department = forms.ModelChoiceField(
        label="办理部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    group = forms.ChoiceField(label="办理状态", choices=(("", "全部"), *STATE_GROUPS), required=False)
    q = forms.CharField(label="事项名称", max_length=50, required=False)
    month = forms.CharField(
        label="申请月份",
        max_length=7,
        required=False,
        help_text="例如 2026-11",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active().order_by("sort_order", "name")

    def clean_month(self) -> tuple[datetime.datetime, datetime.datetime] | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise ValidationError("请按“年-月”填写，例如 2026-11。")
        year, month = int(match.group(1)), int(match.group(2))
        start = datetime.datetime(year, month, 1)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1)
        return timezone.make_aware(start), timezone.make_aware(end)


class LookupForm(forms.Form):
    """办件查询: the case number and either the phone number given or the lookup code."""

    number = forms.CharField(label="办件编号", max_length=32, help_text="例如 2026-001-000123")
    phone = forms.CharField(label="申请时填写的联系电话", max_length=20, required=False)
    code = forms.CharField(label="查询码", max_length=8, required=False, help_text="8位字母和数字，不区分大小写。")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("phone") or "").strip() and not (cleaned.get("code") or "").strip():
            raise ValidationError("请填写联系电话或查询码（二者填一项即可）。")
        return cleaned


# The applicant fields: the form's name -> the name ``flow.clean_applicant`` reads, and the field
# it names in a ``CaseError``.
APPLICANT_FIELDS = {
    "kind": "applicant_kind",
    "name": "applicant_name",
    "id_type": "id_type",
    "id_number": "id_number",
    "phone": "phone",
    "email": "email",
    "contact_person": "contact_person",
}
ERROR_FIELDS = {error_field: name for name, error_field in APPLICANT_FIELDS.items()}


def material_field_name(index: int) -> str:
    return f"material_{index}"


class ApplyForm(forms.Form):
    """在线申请: the applicant, one file per material of the matter, the challenge and the hidden field.

    ``materials`` is the matter's materials list as ``cases.flow`` freezes it (exempt ones left
    out): index ``i`` there is the material index of the case.
    """

    kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    name = forms.CharField(label="申请人姓名或名称", max_length=100)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label="证件号码", max_length=30)
    phone = forms.CharField(
        label="联系电话", max_length=20, help_text="手机号码或带区号的固定电话；查询办理进度时需要。"
    )
    email = forms.EmailField(label="电子邮箱", required=False, help_text="选填；办理进展会发到这个邮箱。")
    contact_person = forms.CharField(
        label="联系人", max_length=50, required=False, help_text="法人或其他组织申请时填写经办人姓名。"
    )
    challenge_answer = forms.IntegerField(label="验证问题", min_value=0, max_value=99)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    agree = forms.BooleanField(label="本人承诺所填信息和所交材料真实有效。")

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.applicant: flow.Applicant | None = None
        formats = "、".join(e.upper() for e in POLICY.extensions)
        limit = POLICY.max_bytes // MB
        accept = ",".join(f".{e}" for e in POLICY.extensions)
        for index, material in enumerate(self.materials):
            optional = material.necessity != "required"
            note = {"deferrable": "容缺后补：可以先不交，受理后限期补齐", "conditional": "非必要：符合适用情形时提交"}
            help_text = f"接受 {formats} 文件，不超过{limit}MB。"
            if optional:
                help_text = f"{note.get(material.necessity, '选交')}。" + help_text
            if material.condition:
                help_text += f"适用情形：{material.condition}"
            field = forms.FileField(
                label=material.name,
                required=not optional,
                help_text=help_text,
                widget=forms.ClearableFileInput(attrs={"accept": accept}),
                error_messages={"required": f"请上传“{material.name}”。"},
            )
            field.necessity_label = {"deferrable": "容缺后补", "conditional": "非必要"}.get(material.necessity, "")
            self.fields[material_field_name(index)] = field

    def material_fields(self):
        return [self[material_field_name(i)] for i in range(len(self.materials))]

    def applicant_fields(self):
        return [self[name] for name in APPLICANT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):  # a field people never see: only robots fill it
            raise ValidationError("提交未通过校验，请刷新页面后重试。")
        error = challenge_error(cleaned.get("challenge_token"), cleaned.get("challenge_answer"))
        if error:
            self.add_error("challenge_answer", error)
        for index, material in enumerate(self.materials):
            name = material_field_name(index)
            upload = cleaned.get(name)
            if not upload:
                continue
            try:
                check_upload(upload, POLICY)
            except ValidationError as refused:
                self.add_error(name, f"“{material.name}”：{' '.join(refused.messages)}")
        if all(name in cleaned for name in ("kind", "name", "id_type", "id_number", "phone")):
            data = {name: cleaned.get(name) or "" for name in APPLICANT_FIELDS}
            try:
                self.applicant = flow.clean_applicant(data)
            except flow.CaseError as error:
                self.add_error(ERROR_FIELDS.get(error.field) or None, error.message)
        return cleaned

    def uploads(self) -> dict[int, object]:
        """The checked uploads by material index."""
        return {
            index: self.cleaned_data[material_field_name(index)]
            for index in range(len(self.materials))
            if self.cleaned_data.get(material_field_name(index))
        }
