"""The forms of the public side: 我要咨询/投诉/建议, the progress lookup and the Q&A filters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.challenge import challenge_error
from permissions.models import Department

from . import flow
from .models import BODY_LIMIT, NAME_LIMIT, SUBJECT_LIMIT, Kind

FORM_FIELDS = ("subject", "body", "name", "phone", "email", "consent")


def active_departments():
    return Department.objects.active().order_by("sort_order", "name")


class AskForm(forms.Form):
    """One 咨询, 投诉 or 建议. The department is asked only when no matter decides it."""

    department = forms.ModelChoiceField(
        label="受理部门",
        queryset=Department.objects.none(),
        empty_label="请选择部门",
        help_text="请选择负责该问题的部门；不清楚的，可选择政务服务管理部门，由其转办。",
        error_messages={"required": "请选择受理部门。", "invalid_choice": "请选择列表中的部门。"},
    )
    subject = forms.CharField(
        label="主题",
        max_length=SUBJECT_LIMIT,
        help_text=f"一句话概括，不超过{SUBJECT_LIMIT}个字。",
        error_messages={"required": "请填写主题。", "max_length": f"主题不能超过{SUBJECT_LIMIT}个字。"},
    )
    body = forms.CharField(
        label="内容",
        max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"请写清时间、地点、经过和您的诉求，不超过{BODY_LIMIT}个字。请勿填写身份证号码等个人信息。",
        error_messages={"required": "请填写内容。", "max_length": f"内容不能超过{BODY_LIMIT}个字。"},
    )
    name = forms.CharField(
        label="姓名",
        max_length=NAME_LIMIT,
        error_messages={"required": "请填写姓名。", "max_length": f"姓名不能超过{NAME_LIMIT}个字。"},
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        help_text="手机号码或带区号的固定电话；部门联系您和查询进度时需要，不会公开。",
        error_messages={"required": "请填写联系电话。"},
    )
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=100,
        help_text="选填，不会公开。",
        error_messages={"invalid": "电子邮箱格式不正确。"},
    )
    consent = forms.BooleanField(
        label="同意答复后在“问答公开”中公开本问题和答复（姓名部分隐去，不公开联系方式）",
        required=False,
    )
    challenge_answer = forms.IntegerField(
        label="验证问题", min_value=0, max_value=99, error_messages={"required": "请回答验证问题。"}
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, kind: str, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.matter = matter
        self.submission: flow.Submission | None = None
        if matter is not None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = active_departments()

    def contact_fields(self):
        return [self[name] for name in ("name", "phone", "email")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):  # a field people never see: only robots fill it
            raise ValidationError("提交未通过校验，请刷新页面后重试。")
        error = challenge_error(cleaned.get("challenge_token"), cleaned.get("challenge_answer"))
        if error:
            self.add_error("challenge_answer", error)
        if all(cleaned.get(name) for name in ("subject", "body", "name", "phone")):
            data = {name: cleaned.get(name) for name in FORM_FIELDS}
            try:
                self.submission = flow.clean_submission({**data, "kind": self.kind})
            except flow.InteractionError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    @property
    def target_department(self):
        if self.matter is not None:
            return self.matter.department
        return self.cleaned_data.get("department")


class LookupForm(forms.Form):
    """进度查询: the number and either the phone number given or the lookup code."""

    number = forms.CharField(label="编号", max_length=20, help_text="例如 ZX2026-000123")
    phone = forms.CharField(label="提交时填写的联系电话", max_length=20, required=False)
    code = forms.CharField(label="查询码", max_length=8, required=False, help_text="8位字母和数字，不区分大小写。")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("phone") or "").strip() and not (cleaned.get("code") or "").strip():
            raise ValidationError("请填写联系电话或查询码（二者填一项即可）。")
        return cleaned


class QAFilter(forms.Form):
    """问答公开 filters; bad values are ignored rather than refused (a list is never an error)."""

    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    kind = forms.ChoiceField(label="类型", choices=(("", "全部"), *Kind.choices), required=False)
    q = forms.CharField(label="主题", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()
