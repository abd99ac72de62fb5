"""The demo accounts' second factor: one printed authenticator secret and a few backup codes.

For ``make run`` only (``manage.py load_demo``): every demo account gets a TOTP device with the
secret ``DEMO_TOTP_SECRET`` (as every demo account has the printed ``DEMO_PASSWORD``), and the
same five backup codes, new each time the demo is loaded. Never for real accounts.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import demo

from . import factors

DEMO_DEVICE_NAME = "演示身份验证器"
DEMO_BACKUP_CODES = 5


def demo_key_hex() -> str:
    secret = settings.DEMO_TOTP_SECRET.replace(" ", "").upper()
    return binascii.hexlify(base64.b32decode(secret + "=" * (-len(secret) % 8))).decode("ascii")


def ensure_demo_factors(users) -> list[str]:
    """Give each of ``users`` the demo authenticator and today's demo backup codes; lines to print."""
    key = demo_key_hex()
    codes = ["".join(secrets.choice(factors.BACKUP_ALPHABET) for _ in range(8)) for _ in range(DEMO_BACKUP_CODES)]
    for user in users:
        device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
        if device is None:
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
        elif device.key != key or not device.confirmed:
            device.key, device.confirmed = key, True
            device.save(update_fields=["key", "confirmed"])
        factors.new_backup_codes(user, codes)
    secret = factors.grouped(settings.DEMO_TOTP_SECRET.replace(" ", "").upper())
    return [
        "",
        "双因素认证（仅演示）：登录后需输入动态验证码。所有演示账号共用一个身份验证器密钥，",
        f"  在手机身份验证器中手动添加（基于时间）：{secret}",
        "  或使用本次生成的备用验证码（每个账号各可用一次）：" + "  ".join(map(factors.format_backup_code, codes)),
    ]


@demo.register("accounts", "双因素认证", order=11)
def load(context: demo.DemoContext) -> dict[str, int]:
    """After the accounts (permissions, order 10): only the demo's own accounts, never others."""
    context.notes += ensure_demo_factors(context.users)
    return {"身份验证器": TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME).count()}
