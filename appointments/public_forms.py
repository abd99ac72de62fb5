"""The public forms of 预约服务: booking, 我的预约 lookup, reschedule and 延时预约."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.challenge import challenge_error

from .models import RequesterKind


class GuardedForm(forms.Form):
    """The arithmetic challenge (one use per token) and a hidden field only robots fill."""

    challenge_answer = forms.IntegerField(
        label="验证问题", min_value=0, max_value=99, error_messages={"required": "请回答验证问题。"}
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label="请勿填写此项", required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError("提交未通过校验，请刷新页面后重试。")
        error = challenge_error(cleaned.get("challenge_token"), cleaned.get("challenge_answer"))
        if error:
            self.add_error("challenge_answer", error)
        return cleaned


class BookForm(GuardedForm):
    """The visitor's slot, name and phone number (the hall, group, matter and day come from the steps)."""

    slot = forms.ChoiceField(
        label="预约时段", widget=forms.RadioSelect, error_messages={"required": "请选择预约时段。"}
    )
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。"})
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="查询、取消或改约时需要；只用于本次预约。",
        error_messages={"required": "请填写手机号码。"},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    field_order = ["slot", "name", "phone", "challenge_answer", "challenge_token", "website"]

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (s.key, f"{s.start:%H:%M}-{s.end:%H:%M}（余 {s.free} 个）") for s in slots if s.free > 0
        ]
        self.fields["slot"].error_messages["invalid_choice"] = "该时段已约满或已过，请选择其他时段。"

    def clean_slot(self) -> datetime.time:
        return datetime.time.fromisoformat(self.cleaned_data["slot"])


class LookupForm(forms.Form):
    """我的预约: the code and the phone number given when booking (both needed)."""

    code = forms.CharField(
        label="预约码或查询码",
        max_length=12,
        help_text="8位字母和数字，不区分大小写。",
        error_messages={"required": "请填写预约码或查询码。"},
    )
    phone = forms.CharField(
        label="预约时填写的手机号码",
        max_length=20,
        error_messages={"required": "请填写手机号码。"},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class AfterHoursForm(GuardedForm):
    """延时预约: outside working hours or on a holiday, for urgent matters (the hall answers)."""

    hall = forms.ModelChoiceField(
        label="服务大厅", queryset=None, empty_label="请选择服务大厅", error_messages={"required": "请选择服务大厅。"}
    )
    matter = forms.ModelChoiceField(
        label="办理事项", queryset=None, empty_label="请选择办理事项", error_messages={"required": "请选择办理事项。"}
    )
    requester_kind = forms.ChoiceField(
        label="申请人类型", choices=RequesterKind.choices, initial=RequesterKind.PERSON, widget=forms.RadioSelect
    )
    organisation = forms.CharField(
        label="单位名称", max_length=100, required=False, help_text="企业或其他组织申请时填写。"
    )
    name = forms.CharField(label="联系人", max_length=50, error_messages={"required": "请填写联系人姓名。"})
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        error_messages={"required": "请填写手机号码。"},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    wanted_date = forms.DateField(
        label="希望日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写希望日期。", "invalid": "请按“年-月-日”填写日期。"},
    )
    wanted_time = forms.TimeField(
        label="希望时间",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "请填写希望时间。", "invalid": "请按“时:分”填写时间，例如 18:30。"},
    )
    reason = forms.CharField(
        label="事由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如 重点项目开工在即、节假日期间急需办理。",
        error_messages={"required": "请说明事由。"},
    )

    field_order = [
        "hall",
        "matter",
        "requester_kind",
        "organisation",
        "name",
        "phone",
        "wanted_date",
        "wanted_time",
        "reason",
        "challenge_answer",
        "challenge_token",
        "website",
    ]

    def __init__(self, *args, halls=None, matters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = halls
        self.fields["hall"].error_messages["invalid_choice"] = "请选择开放预约的大厅。"
        self.fields["matter"].queryset = matters
        self.fields["matter"].error_messages["invalid_choice"] = "请选择已公布的事项。"
