from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        help_text="身份验证器显示的 6 位数字，或一个备用验证码。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=10,
        help_text="添加账号后，身份验证器显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}),
    )
