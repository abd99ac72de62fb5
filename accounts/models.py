"""What the second factor itself does not store: when a user's sessions were last ended."""

from django.conf import settings
from django.db import models


class SessionCutoff(models.Model):
    """Every session of the user that signed in before ``not_before`` is over (logout ends all)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_cutoff",
        verbose_name="用户",
    )
    not_before = models.FloatField("会话有效起点（时间戳）")

    class Meta:
        verbose_name = "会话失效记录"
        verbose_name_plural = "会话失效记录"

    def __str__(self) -> str:
        return f"{self.user}"
