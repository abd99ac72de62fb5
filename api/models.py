"""What the JSON API keeps besides the content itself.

- ``CollectionVersion``: one counter per collection (matters, guides, windows ...), bumped in
  the same transaction as any change a terminal could see, so a revalidation is answered
  from one row without serialising anything. It also remembers the next time the collection
  changes by the clock alone (a notice starting, a scheduled go-live) so caches never keep a
  response past it.
- ``Tombstone``: a record that left a collection (deleted, or withdrawn: cancelled,
  unpublished, deactivated) so incremental sync can tell terminals to drop it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CollectionVersion(models.Model):
    """The version of one API collection; bumped on every change its readers could see."""

    name = models.CharField("数据集", max_length=40, primary_key=True)
    version = models.BigIntegerField("版本", default=0)
    changed_at = models.DateTimeField("最后变化时间", default=timezone.now)
    next_transition_at = models.DateTimeField(
        "下次定时变化时间", null=True, blank=True, help_text="到点自动生效或失效的最早时间，缓存不能跨过它。"
    )
    transition_checked = models.BooleanField("已计算定时变化", default=False)

    class Meta:
        verbose_name = "数据集版本"
        verbose_name_plural = "数据集版本"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", "已删除"
    WITHDRAWN = "withdrawn", "已撤下"


class Tombstone(models.Model):
    """A record that left a public collection; kept for ``API_TOMBSTONE_RETENTION_DAYS``."""

    kind = models.CharField("数据集", max_length=40)
    object_id = models.CharField("记录标识", max_length=64)
    reason = models.CharField("原因", max_length=12, choices=TombstoneReason.choices)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "删除标记"
        verbose_name_plural = "删除标记"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_tombstone")]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.get_reason_display()}"
