"""The forms of the public rating pages: rating a case (QR code, progress page) and a service used online."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.challenge import challenge_error

from . import flow
from .models import Level, Reason

LEVEL_CHOICES = sorted(Level.choices, reverse=True)  # 非常满意 first, as on the rating pads
# flow.RatingError.field -> the form field it belongs to
ERROR_FIELDS = {"level": "level", "reasons": "reasons", "comment": "comment"}


class RatingForm(forms.Form):
    """一次一评: the level, reasons for a 差评, a comment, and whether the rating is anonymous."""

    level = forms.TypedChoiceField(
        label="您对本次服务的评价",
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评价等级。", "invalid_choice": "请选择评价等级。"},
    )
    reasons = forms.MultipleChoiceField(
        label="不满意的原因（差评必选，可多选）",
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "差评原因不正确。"},
    )
    comment = forms.CharField(
        label="评价内容",
        required=False,
        max_length=flow.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": flow.COMMENT_MAX}),
        help_text=f"选填，不超过{flow.COMMENT_MAX}字；选择“其他”原因时必填。请勿填写身份证号等个人信息。",
    )
    anonymous = forms.BooleanField(
        label="匿名评价（部门将无法就差评回访您）",
        required=False,
    )
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    contact_needed = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):  # a field people never see: only robots fill it
            raise ValidationError("提交未通过校验，请刷新页面后重试。")
        if self.errors:
            return cleaned
        try:
            self.submission = flow.clean(self.as_submission(cleaned), contact_needed=self.contact_needed)
        except flow.RatingError as error:
            self.add_error(ERROR_FIELDS.get(error.field) or error.field or None, error.message)
        return cleaned

    def as_submission(self, cleaned: dict) -> flow.Submission:
        return flow.Submission(
            level=cleaned.get("level"),
            reasons=cleaned.get("reasons") or [],
            comment=cleaned.get("comment") or "",
            real_name=not cleaned.get("anonymous"),
        )


class ServiceRatingForm(RatingForm):
    """A service used online (no case): anonymous unless a name and phone are given; a challenge."""

    anonymous = None
    real_name = forms.BooleanField(
        label="实名评价（留下姓名和电话，差评将由部门回访）",
        required=False,
    )
    contact_name = forms.CharField(label="姓名", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    challenge_answer = forms.IntegerField(label="验证问题", min_value=0, max_value=99)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    contact_needed = True

    field_order = ["level", "reasons", "comment", "real_name", "contact_name", "contact_phone", "challenge_answer"]

    def clean(self):
        cleaned = super().clean()
        error = challenge_error(cleaned.get("challenge_token"), cleaned.get("challenge_answer"))
        if error:
            self.add_error("challenge_answer", error)
        return cleaned

    def as_submission(self, cleaned: dict) -> flow.Submission:
        return flow.Submission(
            level=cleaned.get("level"),
            reasons=cleaned.get("reasons") or [],
            comment=cleaned.get("comment") or "",
            real_name=bool(cleaned.get("real_name")),
            contact_name=cleaned.get("contact_name") or "",
            contact_phone=cleaned.get("contact_phone") or "",
        )
