"""Validators for identifiers used across the platform."""

from django.core.exceptions import ValidationError
from django.db import models

# GB 32100-2015: the 31-character set (no I, O, Z, S, V) and the weights of positions 1-17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * weight for ch, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Validate an 18-character unified social credit code, check character included."""
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(length)s位。",
            code="length",
            params={"length": len(value or "")},
        )
    bad = sorted({ch for ch in value if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（只能使用数字和除 I、O、Z、S、V 以外的大写字母）。",
            code="charset",
            params={"chars": "、".join(bad)},
        )
    if not value[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3-8位应为行政区划码（6位数字）。", code="division")
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            "统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”。",
            code="check_digit",
            params={"expected": expected, "actual": value[17]},
        )


class CreditCodeField(models.CharField):
    """A unified social credit code; trims and upper-cases what people paste in."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)
        if validate_credit_code not in self.validators:
            self.validators.append(validate_credit_code)

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value
