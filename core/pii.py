"""Personal data at rest: field-level encryption, keyed hashes for lookups, masking.

Applicants' ID and phone numbers (and whatever personal data the next domains keep) are stored
encrypted with Fernet (keys from ``PII_ENCRYPTION_KEYS``: the first key encrypts, all decrypt, so
keys can be rotated with ``manage.py rotate_pii_keys``), with an HMAC-SHA256 of the normalised value
beside them (``PII_HASH_KEY``) for lookups that must not decrypt anything. This is the encryption
《个人信息保护法》第五十一条 asks of a personal-information handler, and the confidentiality and
integrity of important data in storage of GB/T 22239-2019 (level 3) 8.1.4.8 and 8.1.4.7.

A value that cannot be decrypted (wrong or missing key, damaged data) is never replaced by a
placeholder: ``decrypt`` raises ``UndecryptableError``, and ``EncryptedTextField`` loads it as an
``Undecryptable`` that keeps the stored ciphertext, writes it back unchanged when the instance is
saved, and refuses to be shown, masked, hashed or exported (docs/personal-data.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

OPERATOR_MESSAGE = "个人信息无法解密：加密密钥与数据不匹配，请联系系统管理员"

_KEY_SETTINGS = {"PII_ENCRYPTION_KEYS", "PII_HASH_KEY", "SECRET_KEY"}


class UndecryptableError(ValueError):
    """Stored personal data that none of the configured keys decrypts.

    A ``ValueError``, as ``UnicodeDecodeError`` is: bytes that do not decode to text. Its text is
    the operator's message in Chinese; ``where`` names the model field, never the value.
    """

    def __init__(self, where: str = "") -> None:
        super().__init__(OPERATOR_MESSAGE)
        self.where = where


class Undecryptable:
    """What an encrypted field holds when its stored value cannot be decrypted.

    It remembers the ciphertext so that a save writes exactly the stored bytes back, and refuses
    every use as text (``str()``, formatting, templates, masking, hashing): no placeholder can be
    shown, exported, or encrypted over the real data.
    """

    __slots__ = ("ciphertext", "where")

    def __init__(self, ciphertext: str, where: str = "") -> None:
        self.ciphertext = ciphertext
        self.where = where

    def __str__(self) -> str:
        raise UndecryptableError(self.where)

    def __format__(self, spec: str) -> str:
        raise UndecryptableError(self.where)

    def __repr__(self) -> str:
        return f"<Undecryptable {self.where or 'value'}>"  # never the ciphertext

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Undecryptable) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)


def is_undecryptable(value: object) -> bool:
    """Whether ``value`` is a field value that could not be decrypted (its ciphertext kept)."""
    return isinstance(value, Undecryptable)


def _readable(value: str | Undecryptable | None) -> str:
    if isinstance(value, Undecryptable):
        raise UndecryptableError(value.where)
    return value or ""


def _dev_key(purpose: str) -> bytes:
    """A throwaway key derived from SECRET_KEY; only reachable with DEBUG on (see settings)."""
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _keys() -> list[Fernet]:
    keys = settings.PII_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_dev_key("pii-encryption")).decode()]
    return [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(_keys())


@cache
def _current() -> Fernet:
    return _keys()[0]


@cache
def _hash_key() -> bytes:
    return settings.PII_HASH_KEY.encode() if settings.PII_HASH_KEY else _dev_key("pii-hash")


def clear_key_cache() -> None:
    """Forget the keys built from the settings (they are read once per process)."""
    _fernet.cache_clear()
    _current.cache_clear()
    _hash_key.cache_clear()


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    """``override_settings`` of a key (or SECRET_KEY, which derives the development keys) takes effect at once."""
    if setting in _KEY_SETTINGS:
        clear_key_cache()


def normalise(value: str) -> str:
    """What two spellings of the same number have in common: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-－—]", "", _readable(value)).upper()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised value (hex); empty for an empty value."""
    value = normalise(value)
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    """Ciphertext under the first key; empty for an empty value."""
    value = _readable(value)
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The plain text of ``token``; raises ``UndecryptableError`` if no configured key opens it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableError from None


def is_current(token: str) -> bool:
    """Whether ``token`` opens with the first key alone (nothing left to rotate)."""
    try:
        _current().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """``token`` re-encrypted under the first key; raises ``UndecryptableError`` if no key opens it."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableError from None


def decrypt_current(token: str) -> str:
    """The plain text of ``token`` using the first key only (verifies a rotation)."""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableError from None


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

    Not searchable or filterable by value: look up by the keyed hash stored beside it. A value no
    key opens is read as ``Undecryptable`` and saved back byte for byte, never re-encrypted.
    """

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else str(self.name or "")

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except UndecryptableError:
            return Undecryptable(value, self._where())

    def to_python(self, value):
        if isinstance(value, Undecryptable):
            return value
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            return value.ciphertext  # what was stored, unchanged
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every installed model with its own encrypted columns (history models included), so a new
    domain's personal data is found by ``rotate_pii_keys`` without editing anything here."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue  # its table is its concrete model's
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found
