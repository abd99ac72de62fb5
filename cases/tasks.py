"""The background tasks of cases (docs/tasks.md): sending the applicant's notices."""

from __future__ import annotations

import jobs


@jobs.task(label="发送办件通知")
def send_notice(notice_id: int) -> str:
    """Send one ``CaseNotice`` (待发送) by its channel; a failure is retried by ``jobs``.

    Only the notice's id is stored in the queue: the phone number or e-mail address is read from
    the case, encrypted at rest, when the task runs.
    """
    from .notify import deliver

    return deliver(notice_id)
