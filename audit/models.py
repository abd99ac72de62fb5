"""The security audit log (安全审计记录): one row per event, append-only.

GB/T 22239-2019 level 3, 8.1.4.3 安全审计:
a) every user's security-relevant actions are recorded (see ``audit.receivers`` and the domains);
b) each row holds the date and time, the user, the kind of event, its result and the object;
c) rows are protected from change and deletion: ``save()`` refuses to update, ``delete()``
   refuses, the queryset refuses ``update()`` and ``delete()``, no permission to add, change or
   delete exists (``default_permissions``), and on PostgreSQL a trigger refuses UPDATE and DELETE
   (migration 0002) except the deletion of rows older than the 180 days 《网络安全法》第二十一条
   requires to be kept, done by ``manage.py purge_audit_events``.
A row never holds personal data (《个人信息保护法》第五十一条): the object is named by its type and
id, ``object_repr`` is a page title, user name, group name or "类型#编号", and ``detail`` is
checked by ``audit.log.record``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import kinds

# 《网络安全法》第二十一条（三）: network logs are kept no less than six months.
MINIMUM_RETENTION_DAYS = 180


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row (GB/T 22239-2019 8.1.4.3 c))."""


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk changes; the only deletion is ``purge_before`` of rows past retention."""

    def update(self, **kwargs):
        # Deleting a user sets its rows' actor to NULL (Django's SET_NULL goes through here); the
        # row keeps ``actor_username``, so nothing recorded is lost. Nothing else may change.
        if set(kwargs) == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise AppendOnlyError("安全审计记录不可修改。")

    def delete(self):
        raise AppendOnlyError("安全审计记录不可删除，过期记录只能由 purge_audit_events 清理。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("安全审计记录不可修改。")

    def purge_before(self, cutoff: datetime.datetime) -> int:
        """Delete the rows recorded before ``cutoff``, which must be at least 180 days ago."""
        floor = timezone.now() - datetime.timedelta(days=MINIMUM_RETENTION_DAYS)
        if cutoff > floor:
            raise AppendOnlyError(f"安全审计记录至少保存 {MINIMUM_RETENTION_DAYS} 天（《网络安全法》第二十一条）。")
        deleted, _ = models.QuerySet.delete(self.filter(occurred_at__lt=cutoff))
        return deleted


class AuditEvent(models.Model):
    """One security-relevant event: who, what, on which object, when, from where, with what result."""

    occurred_at = models.DateTimeField("时间", default=timezone.now, db_index=True, editable=False)
    kind = models.CharField("事件类型", max_length=64, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor_username = models.CharField(
        "操作人用户名",
        max_length=150,
        blank=True,
        editable=False,
        help_text="记录时的用户名（登录失败时为输入的用户名）；用户删除后仍保留。",
    )
    client_address = models.GenericIPAddressField("客户端地址", null=True, blank=True, editable=False)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True, editable=False)
    object_id = models.CharField("对象编号", max_length=64, blank=True, editable=False)
    object_repr = models.CharField("对象", max_length=200, blank=True, editable=False)
    result = models.CharField(
        "结果", max_length=8, choices=Result.choices, default=Result.SUCCESS, db_index=True, editable=False
    )
    detail = models.JSONField("详情", default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "安全审计记录"
        verbose_name_plural = "安全审计记录"
        ordering = ["-occurred_at", "-pk"]
        # Only "view": no role can be given the right to add, change or delete a row.
        default_permissions = ("view",)
        # Django's deletion collector and related managers use the guarded queryset too.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["kind", "occurred_at"], name="audit_kind_time")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M:%S} {self.kind_label} {self.actor_username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("安全审计记录不可修改。")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("安全审计记录不可删除。")

    @property
    def kind_label(self) -> str:
        return kinds.label_of(self.kind)

    def get_kind_display(self) -> str:
        return kinds.label_of(self.kind)
