"""One way to tell applicants what happened to their case: e-mail now, an SMS gateway pluggable.

Every message is logged as a ``CaseNotice`` (what, to whom — masked —, when, whether it went),
whatever carried it; the lookup page shows the notices of a case. The e-mail goes through
Django's mail backend (the console in development). An SMS gateway is a class named by the
``CASES_SMS_GATEWAY`` setting with ``send(phone, text)``; none is configured by default, and
then only e-mail is sent (or, without an address, the notice is logged as 无可用联系方式).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.pii import mask_phone

from .models import Case, CaseNotice, NoticeStatus

logger = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def _mask_email(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def sms_gateway() -> SmsGateway | None:
    path = settings.CASES_SMS_GATEWAY
    return import_string(path)() if path else None


def notify(case: Case, kind: str, subject: str, body: str) -> list[CaseNotice]:
    """Send ``body`` to the applicant by every configured channel and log each attempt.

    Sending never fails the step that caused it: a failure is logged on the notice (发送失败).
    """
    notices: list[CaseNotice] = []
    gateway = sms_gateway()
    if gateway is not None and case.phone:
        notices.append(
            _attempt(case, kind, "sms", mask_phone(case.phone), subject, body, lambda: gateway.send(case.phone, body))
        )
    if case.email:
        notices.append(
            _attempt(
                case,
                kind,
                "email",
                _mask_email(case.email),
                subject,
                body,
                lambda: send_mail(subject, body, None, [case.email], fail_silently=False),
            )
        )
    if not notices:
        notices.append(
            CaseNotice.objects.create(
                case=case, kind=kind, channel="none", subject=subject, body=body, status=NoticeStatus.NO_ADDRESS
            )
        )
    return notices


def _attempt(case: Case, kind: str, channel: str, recipient: str, subject: str, body: str, send) -> CaseNotice:
    status, error = NoticeStatus.SENT, ""
    try:
        send()
    except Exception as exc:
        status, error = NoticeStatus.FAILED, f"{type(exc).__name__}: {exc}"[:300]
        logger.warning("case notice %s to %s failed: %s", case.number, channel, type(exc).__name__)
    return CaseNotice.objects.create(
        case=case,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        status=status,
        error=error,
    )
