"""Applicants' personal data: field-level encryption, keyed hashes for lookups, masking.

ID numbers and phone numbers are stored encrypted (Fernet, keys from ``PII_ENCRYPTION_KEYS``;
the first key encrypts, all decrypt, so keys can be rotated) with an HMAC-SHA256 of the
normalised value beside them (``PII_HASH_KEY``), which lets the public status page match a
phone number without decrypting anything. Everyone but the handlers sees masked values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _dev_key(purpose: str) -> bytes:
    """A throwaway key derived from SECRET_KEY; only reachable with DEBUG on (see settings)."""
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


@cache
def _fernet() -> MultiFernet:
    keys = settings.PII_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_dev_key("pii-encryption")).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


@cache
def _hash_key() -> bytes:
    return settings.PII_HASH_KEY.encode() if settings.PII_HASH_KEY else _dev_key("pii-hash")


def normalise(value: str) -> str:
    """What two spellings of the same number have in common: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised value (hex); empty for an empty value."""
    value = normalise(value)
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "（无法解密：密钥不匹配）"


def mask_id(value: str) -> str:
    """Keep the first 3 and last 4 characters of an ID number: 110***********1234."""
    value = normalise(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number: 138****5678."""
    value = normalise(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class EncryptedTextField(models.TextField):
    """A text field stored as Fernet ciphertext and read back as plain text.

    Not searchable or filterable by value: look up by the keyed hash stored beside it.
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
