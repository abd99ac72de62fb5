"""One way to tell applicants what happened to their case: e-mail now, an SMS gateway pluggable.

Every message is logged as a ``CaseNotice`` (what, to whom — masked —, when, whether it went),
whatever carried it; the lookup page shows the notices of a case. Each is sent by a background
task (``cases.tasks.send_notice``, 发送办件通知) after the step that caused it commits. The e-mail goes through
Django's mail backend (the console in development). An SMS gateway is a class named by the
``CASES_SMS_GATEWAY`` setting with ``send(phone, text)``; none is configured by default, and
then only e-mail is sent (or, without an address, the notice is logged as 无可用联系方式).
"""

from __future__ import annotations

import functools
import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from core.pii import is_undecryptable, mask_phone

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
    """Log ``body`` to the applicant once per configured channel (待发送) and send each by a task.

    The tasks are enqueued once the caller's transaction commits: a step that is rolled back (or
    retried after a lock) sends nothing, and no e-mail or SMS gateway is waited on while the case
    is locked. Inline (TASKS_BACKEND=immediate) they run right after the commit, in the request;
    on the worker a moment later. Sending never fails the step: a failure is logged on the notice
    (发送失败) and retried by ``jobs``.
    """
    channels: list[tuple[str, str]] = []
    if case.phone and not is_undecryptable(case.phone) and settings.CASES_SMS_GATEWAY:
        channels.append(("sms", mask_phone(case.phone)))
    if case.email and not is_undecryptable(case.email):
        channels.append(("email", _mask_email(case.email)))
    if not channels:
        return [
            CaseNotice.objects.create(
                case=case, kind=kind, channel="none", subject=subject, body=body, status=NoticeStatus.NO_ADDRESS
            )
        ]
    notices = [
        CaseNotice.objects.create(
            case=case,
            kind=kind,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            status=NoticeStatus.QUEUED,
        )
        for channel, recipient in channels
    ]
    for notice in notices:
        transaction.on_commit(functools.partial(_enqueue, notice.pk), robust=True)
    return notices


def _enqueue(notice_id: int) -> None:
    from .tasks import send_notice

    send_notice.enqueue(notice_id)  # the id only: the contact stays encrypted on the case


def deliver(notice_id: int) -> str:
    """Send one logged notice by its channel, reading the contact from the case (decrypted here).

    Sets 已发送, or 发送失败 with the reason and raises so that the task is tried again. A notice
    already sent is not sent twice (a duplicate run, a 重试 after all). Returns a summary for staff.
    """
    notice = CaseNotice.objects.select_related("case").get(pk=notice_id)
    label = f"办件 {notice.case.number} 的通知（{notice.get_kind_display()}，{notice.channel}）"
    if notice.status == NoticeStatus.SENT:
        return f"{label}此前已发送"
    case = notice.case
    try:
        if notice.channel == "sms":
            gateway = sms_gateway()
            if gateway is None:
                raise RuntimeError("未配置短信网关（CASES_SMS_GATEWAY）")
            gateway.send(_contact(case.phone, "联系电话"), notice.body)
        elif notice.channel == "email":
            send_mail(notice.subject, notice.body, None, [_contact(case.email, "电子邮箱")], fail_silently=False)
        else:
            raise ValueError(f"未知的发送方式：{notice.channel}")
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        CaseNotice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED, error=error)
        logger.warning("case notice %s to %s failed: %s", case.number, notice.channel, type(exc).__name__)
        raise
    CaseNotice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENT, error="")
    return f"{label}已发送"


def _contact(value: object, name: str) -> str:
    if is_undecryptable(value) or not value:
        raise ValueError(f"申请人的{name}无法读取（已删除或密钥不符）")
    return str(value)
