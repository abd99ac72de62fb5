"""The public application form (依申请公开) and the status lookup, with their anti-spam guards.

The same ``RequestForm`` validates the web form and the kiosk API. Anti-spam on the web form:
a rate limit per client address, an arithmetic challenge signed by the server, and a hidden
field that people leave empty. The status lookup reveals status and dates only, and only for
the matching tracking code and phone number.
"""

from __future__ import annotations

import secrets  # noqa: F401  (the challenge draws from it; tests patch request_forms.secrets)

from django import forms
from django.core.exceptions import ValidationError

from core.challenge import (  # noqa: F401  (re-exported: request_views and tests import them from here)
    CHALLENGE_MAX_AGE,
    CHALLENGE_SALT,
    challenge_error,
    consume_challenge,
    new_challenge,
)
from core.http import rate_limited  # noqa: F401  (re-exported for request_views)
from core.identity import PHONE, IdType, check_personal_id
from core.pii import keyed_hash, normalise
from core.uploads import stored_name
from permissions.models import Department
from permissions.validators import validate_credit_code

from .request_models import ApplicantType, DisclosureRequest
from .uploads import check_request_attachment


def applying_agencies():
    """The agencies one may apply to: active departments with a disclosure section."""
    return (
        Department.objects.active()
        .filter(disclosure_disclosuresectionpage__isnull=False)
        .order_by("sort_order", "name")
    )


CHOICE_PROMPTS = {
    "applicant_type": "请选择申请人类型",
    "id_type": "请选择证件类型",
    "delivery_form": "请选择提供方式",
    "delivery_channel": "请选择获取方式",
}


class RequestForm(forms.ModelForm):
    """Art. 29: who applies (identity and contact), what is sought, in what form and how."""

    department = forms.ModelChoiceField(
        label="申请机关", queryset=Department.objects.none(), empty_label="请选择向哪个机关申请"
    )
    id_number = forms.CharField(label="证件号码", max_length=30)
    phone = forms.CharField(
        label="联系电话", max_length=20, help_text="手机号码或带区号的固定电话；查询办理进度时需要。"
    )

    class Meta:
        model = DisclosureRequest
        fields = [
            "department",
            "applicant_type",
            "name",
            "id_type",
            "id_number",
            "work_unit",
            "legal_representative",
            "contact_person",
            "phone",
            "email",
            "address",
            "postcode",
            "description",
            "document_hint",
            "delivery_form",
            "delivery_channel",
            "attachment",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = applying_agencies()
        self.fields["name"].label = "姓名或名称"
        for name, prompt in CHOICE_PROMPTS.items():  # a Chinese prompt, never Django's "---------"
            self.fields[name].choices = [("", prompt), *(c for c in self.fields[name].choices if c[0] != "")]

    def clean_id_number(self) -> str:
        return normalise(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        phone = normalise(self.cleaned_data["phone"])
        if not PHONE.match(phone):
            raise ValidationError("请填写正确的手机号码（11位）或带区号的固定电话。")
        return phone

    def clean_attachment(self):
        """Typed by content (core.uploads); stored under a generated name, never the applicant's."""
        attachment = self.cleaned_data.get("attachment")
        if attachment and hasattr(attachment, "read"):
            check_request_attachment(attachment)
            attachment.name = stored_name(attachment.name)
        return attachment

    def clean(self):
        cleaned = super().clean()
        applicant_type, id_type = cleaned.get("applicant_type"), cleaned.get("id_type")
        number = cleaned.get("id_number", "")
        person = applicant_type == ApplicantType.PERSON
        if applicant_type and id_type:
            if person and id_type == IdType.CREDIT_CODE:
                self.add_error("id_type", "自然人请选择身份证件，例如居民身份证。")
            if not person and id_type != IdType.CREDIT_CODE:
                self.add_error("id_type", "法人或者其他组织请填写统一社会信用代码。")
        if number and id_type:
            try:
                check_personal_id(id_type, number)
            except ValidationError as error:
                self.add_error("id_number", error)
        if number and id_type == IdType.CREDIT_CODE:
            try:
                validate_credit_code(number)
            except ValidationError as error:
                self.add_error("id_number", error)
        if applicant_type and not person and not (cleaned.get("contact_person") or "").strip():
            self.add_error("contact_person", "法人或者其他组织申请时，请填写联系人。")
        if cleaned.get("delivery_channel") == "email" and not cleaned.get("email"):
            self.add_error("email", "选择通过电子邮件获取时，请填写电子邮箱。")
        return cleaned


class PublicRequestForm(RequestForm):
    """The web form: the request plus the challenge and the hidden field."""

    challenge_answer = forms.IntegerField(label="验证问题", min_value=0, max_value=99)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        # Hidden from assistive technology, so it must be out of the Tab order too (WCAG 4.1.2).
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    agree = forms.BooleanField(label="本人承诺所填信息真实有效。")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):  # a field people never see: only robots fill it
            raise ValidationError("提交未通过校验，请刷新页面后重试。")
        error = challenge_error(cleaned.get("challenge_token"), cleaned.get("challenge_answer"))
        if error:
            self.add_error("challenge_answer", error)
        return cleaned


class StatusForm(forms.Form):
    """The tracking-code lookup: code and the phone number given in the application."""

    code = forms.CharField(label="查询码", max_length=20)
    phone = forms.CharField(label="申请时填写的联系电话", max_length=20)

    def find(self) -> DisclosureRequest | None:
        """The request matching both, or None; nothing is told about which one was wrong."""
        if not self.is_valid():
            return None
        code = self.cleaned_data["code"].strip().upper()
        phone_hash = keyed_hash(self.cleaned_data["phone"])
        return (
            DisclosureRequest.objects.filter(tracking_code=code, phone_hash=phone_hash)
            .select_related("department", "merged_into", "fee_notice")
            .first()
        )
