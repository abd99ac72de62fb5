"""The second factor: TOTP authenticator apps and one-time backup codes (django-otp).

GB/T 22239-2019 8.1.4.1 d) (level 3): administrators are identified by two or more
authentication techniques, at least one of them cryptographic — the password, and a TOTP code
(RFC 6238, HMAC-SHA1 over a per-user 160-bit secret) or a backup code.

Backup codes are stored as keyed hashes (HMAC-SHA256 with ``SECRET_KEY``, see
``hash_backup_code``), not as otp_static stores them by default (plain text): a copy of the
database alone yields no usable code. Rotating ``SECRET_KEY`` therefore voids unused backup codes
(users print new ones after signing in with their authenticator). TOTP secrets must stay readable
to the server to check a code; they are as sensitive as the database itself.
"""

from __future__ import annotations

import base64
import re
import secrets

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import signals
from .sessions import end_all_sessions

TOTP_NAME = "身份验证器"
BACKUP_NAME = "备用验证码"
BACKUP_CODE_COUNT = 10
# No 0/O, 1/I/L: codes are copied from paper.
BACKUP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BACKUP_LENGTH = 8
TOTP_CODE = re.compile(r"^\d{6}$")


def has_factor(user) -> bool:
    """Whether ``user`` has enrolled a confirmed second factor."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped(secret: str, size: int = 4) -> str:
    """``ABCDEFGH…`` as ``ABCD EFGH …`` for typing into an authenticator app by hand."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code (no request, no data: URI for the CSP)."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title="身份验证器二维码"))  # noqa: S308


def normalise_backup_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def hash_backup_code(code: str) -> str:
    """What is stored for a backup code: a keyed hash (16 hex characters fit otp_static's field)."""
    return salted_hmac("accounts.backup-code", normalise_backup_code(code), algorithm="sha256").hexdigest()[:16]


def format_backup_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def new_backup_codes(user, codes: list[str] | None = None) -> list[str]:
    """Replace ``user``'s backup codes with ``codes`` (fresh random ones by default); the codes."""
    if codes is None:
        codes = [
            "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH)) for _ in range(BACKUP_CODE_COUNT)
        ]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=hash_backup_code(c)) for c in codes)
    return [format_backup_code(normalise_backup_code(c)) for c in codes]


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class Throttled(Exception):
    """Too many wrong codes: no code is checked until ``seconds`` have passed."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def verify(request, user, code: str):
    """The device that accepts ``code`` (and the session is marked verified), or None.

    Six digits are checked against the authenticator, anything else as a backup code; each
    wrong code doubles the wait before the next (django-otp's throttling, on by default).
    Raises ``Throttled`` while the wait lasts.
    """
    code = (code or "").strip().replace(" ", "")
    if TOTP_CODE.match(code):
        devices, token = list(TOTPDevice.objects.filter(user=user, confirmed=True)), code
    else:
        devices, token = list(StaticDevice.objects.filter(user=user, confirmed=True)), hash_backup_code(code)
    wait = _throttled_for(devices)
    if wait:
        signals.second_factor_failed.send(sender=verify, user=user, request=request, reason="throttled")
        raise Throttled(wait)
    with transaction.atomic():
        for device in devices:
            if device.verify_token(token):
                complete(request, device)
                signals.second_factor_verified.send(sender=verify, user=user, request=request, device=device)
                return device
    signals.second_factor_failed.send(sender=verify, user=user, request=request, reason="wrong_code")
    return None


def _throttled_for(devices) -> int:
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            until = (data or {}).get("locked_until")
            waits.append(max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1)
    # Every device throttled: wait for the first to open. One open device is enough to try.
    return min(waits) if devices and len(waits) == len(devices) else 0


def complete(request, device) -> None:
    """Mark the session as verified by ``device`` (a new session key: no fixation across steps)."""
    request.session.cycle_key()
    otp_login(request, device)


def confirm_enrolment(request, device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator being enrolled with its first code; True on success."""
    code = (code or "").strip().replace(" ", "")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise Throttled(_throttled_for([device]) or 1)
    if not TOTP_CODE.match(code) or not device.verify_token(code):
        signals.second_factor_failed.send(
            sender=confirm_enrolment, user=device.user, request=request, reason="wrong_code"
        )
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    complete(request, device)
    signals.second_factor_enrolled.send(sender=confirm_enrolment, user=device.user, request=request, device=device)
    return True


def may_reset(actor, user) -> bool:
    """A system administrator (who may change users) resets others' factors; a superuser's only
    by a superuser."""
    return bool(
        actor.is_authenticated
        and actor.pk != user.pk
        and actor.has_perm("auth.change_user")
        and (actor.is_superuser or not user.is_superuser)
    )


def reset(user, actor, request) -> None:
    """Remove every factor of ``user`` and end their sessions: they enrol again at next sign-in."""
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
        end_all_sessions(user)
    signals.second_factor_reset.send(sender=reset, user=user, actor=actor, request=request)
