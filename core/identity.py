"""Who an applicant is: identity documents and phone numbers, checked the same way everywhere.

Shared by every domain that takes applications (disclosure requests, cases); the unified social
credit code of an organisation is checked by ``permissions.validators`` (GB 32100-2015).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8}(\d{1,5})?)$")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他证件"


def resident_id_check_char(first17: str) -> str:
    """The check character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def valid_resident_id(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    return resident_id_check_char(value[:17]) == value[17]


# Documents other than the resident ID card (after ``normalise``: no spaces or dashes, upper case).
# 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and 8 digits (cards since 2013) or 10 (booklets);
# 台湾居民来往大陆通行证: 8 digits (cards since 2015); passports: 5 to 17 letters and digits (ICAO 9303
# allows up to 9 in the machine-readable zone; some issuers print longer numbers); other
# documents (e.g. 外国人永久居留身份证, 15 characters or 18 digits): letters and digits, 5 to 20.
ID_FORMATS = {
    IdType.HK_MACAO: (re.compile(r"[HM]\d{8}(\d{2})?"), "港澳居民来往内地通行证号码应为H或M加8位或10位数字"),
    IdType.TAIWAN: (re.compile(r"\d{8}"), "台湾居民来往大陆通行证号码应为8位数字"),
    IdType.PASSPORT: (re.compile(r"[A-Z0-9]{5,17}"), "护照号码应为5至17位字母或数字"),
    IdType.OTHER: (re.compile(r"[A-Z0-9]{5,20}"), "证件号码应为5至20位字母或数字"),
}


def check_personal_id(id_type: str, number: str) -> None:
    """Raise a ValidationError in Chinese when a personal document number is malformed.

    ``number`` is normalised (``core.pii.normalise``). Credit codes are not checked here.
    """
    if id_type == IdType.RESIDENT_ID and not valid_resident_id(number):
        raise ValidationError("居民身份证号码不正确，请核对（18位，最后一位可能是X）。")
    if id_type in ID_FORMATS:
        pattern, rule = ID_FORMATS[id_type]
        if not pattern.fullmatch(number):
            raise ValidationError(f"证件号码不正确：{rule}，请核对。")


def check_phone(phone: str) -> None:
    """A mobile number (11 digits) or a fixed line with its area code."""
    if not PHONE.match(phone):
        raise ValidationError("请填写正确的手机号码（11位）或带区号的固定电话。")


def masked_person_name(name: str) -> str:
    """张三 → 张*: how a person's name may appear on a public page."""
    return name if len(name) < 2 else name[0] + "*" * (len(name) - 1)
