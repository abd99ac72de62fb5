"""Terminals (接入终端), their API keys and the feeds staff define (数据订阅).

- ``Terminal`` and ``TerminalKey``: registered hall terminals, portals and department systems
  with their API keys (djangorestframework-api-key: only a hash is stored). A key's terminal is
  the API's client: ``api.clients`` asks it for scopes without knowing this app.
- ``Feed``: a named, low-code feed defined by staff in the admin.

The receivers at the end forget cached key lookups (``terminals.auth``) when a key, its
terminal or the terminal's service user changes.

These models lived in the ``api`` app until the API became a framework that knows no domain;
they keep their tables (``db_table``) and rows, see ``docs/upgrades.md``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from api import scopes
from core.signals import records_changed
from permissions.models import Department, DepartmentOwned, object_permission_models


class _MovedHistoricalRecords(HistoricalRecords):
    """History whose many-to-many history tables keep the names they had in the ``api`` app."""

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["db_table"] = f"api_{self.get_history_model_name(through_model).lower()}"
        return options


class TerminalKind(models.TextChoices):
    QUEUE = "queue", "排队叫号机"
    KIOSK = "kiosk", "自助服务终端"
    SCREEN = "screen", "LED 显示屏"
    HALL_SYSTEM = "hall_system", "大厅办件系统"
    PORTAL = "portal", "门户网站"
    DEPARTMENT_SYSTEM = "department_system", "部门业务系统"


class Terminal(DepartmentOwned):
    """A system that pulls the API with a key: a hall machine, a portal or a department system.

    Keys with ``read_drafts`` or ``write_matters`` act as the terminal's service user, a
    member of the terminal's department, so the one permission policy decides what they may
    read and write and history names the terminal.
    """

    name = models.CharField("终端名称", max_length=100)
    kind = models.CharField("终端类型", max_length=20, choices=TerminalKind.choices)
    hall = models.ForeignKey(
        "halls.Hall", verbose_name="所在大厅", null=True, blank=True, on_delete=models.PROTECT, related_name="terminals"
    )
    scopes = models.JSONField("授权范围", default=list, blank=True)
    expected_interval = models.PositiveIntegerField(
        "预期拉取间隔（分钟）", default=15, help_text="超过该间隔的三倍仍未访问，即列为失联终端。"
    )
    contact = models.CharField("运维联系人", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True, help_text="停用后该终端的所有密钥立即失效。")
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="接口账号",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="terminal",
    )
    last_seen_at = models.DateTimeField("最后访问时间", null=True, blank=True, editable=False)
    last_seen_ip = models.GenericIPAddressField("最后访问地址", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        verbose_name="终端历史", excluded_fields=["last_seen_at", "last_seen_ip"], table_name="api_historicalterminal"
    )

    class Meta:
        db_table = "api_terminal"
        verbose_name = "接入终端"
        verbose_name_plural = "接入终端"
        ordering = ["department__sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def scope_labels(self) -> str:
        return scopes.labels(self.scopes)

    @property
    def is_stale(self) -> bool:
        """Has not polled within three expected intervals (or never)."""
        if not self.is_active:
            return False
        if self.last_seen_at is None:
            return True
        return timezone.now() - self.last_seen_at > datetime.timedelta(minutes=3 * self.expected_interval)

    @classmethod
    def public_queryset(cls) -> models.QuerySet[Terminal]:
        return cls._default_manager.none()


class TerminalKey(AbstractAPIKey):
    """An API key of a terminal; only its hash is stored, the key is shown once."""

    @property
    def client(self) -> Terminal:
        """The API client this key stands for (``api.clients.request_client``)."""
        return self.terminal

    terminal = models.ForeignKey(Terminal, verbose_name="终端", on_delete=models.CASCADE, related_name="keys")

    class Meta(AbstractAPIKey.Meta):
        db_table = "api_terminalkey"
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"


class FeedSource(models.TextChoices):
    MATTERS = "matters", "事项"
    GUIDES = "guides", "办事指南"
    DOCUMENTS = "disclosure_documents", "政府信息公开文件"
    NOTICES = "notices", "大厅公告"
    WINDOWS = "windows", "窗口"


class Feed(DepartmentOwned):
    """A named feed staff define in the admin: a source, filters, fields, ordering and size."""

    slug = models.SlugField(
        "接口标识",
        max_length=50,
        unique=True,
        help_text="出现在网址中：/api/v1/feeds/<标识>/。",
        error_messages={"unique": "该接口标识已被使用。"},
    )
    title = models.CharField("名称", max_length=100)
    description = models.CharField("用途说明", max_length=300, blank=True)
    source = models.CharField("数据来源", max_length=24, choices=FeedSource.choices)
    departments = models.ManyToManyField(
        Department, verbose_name="限定部门", blank=True, related_name="+", help_text="不选表示不限部门。"
    )
    halls = models.ManyToManyField(
        "halls.Hall",
        verbose_name="限定大厅",
        blank=True,
        related_name="+",
        help_text="用于公告、窗口和事项（进驻该大厅窗口的事项）。",
    )
    terms = models.ManyToManyField(
        "matters.Term",
        verbose_name="限定分类",
        blank=True,
        related_name="+",
        help_text="事项的主题分类、办件类型、网上办理深度等；同一列表内任一匹配即可，不同列表须同时满足。",
    )
    matter_types = models.ManyToManyField(
        "matters.MatterType", verbose_name="限定事项类型", blank=True, related_name="+"
    )
    classifications = models.ManyToManyField(
        "disclosure.Classification", verbose_name="限定公开分类", blank=True, related_name="+"
    )
    keyword = models.CharField("关键词", max_length=50, blank=True, help_text="标题或名称包含该词。")
    fields = models.JSONField("输出字段", default=list, blank=True, help_text="不选表示输出该来源的全部字段。")
    ordering = models.CharField("排序", max_length=24, default="-updated")
    size = models.PositiveSmallIntegerField("条数", default=20, help_text="每页最多返回的条数（1-200）。")
    requires_key = models.BooleanField("需要接口密钥", default=False)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = _MovedHistoricalRecords(
        verbose_name="数据接口历史", m2m_fields=[departments, halls, terms], table_name="api_historicalfeed"
    )

    class Meta:
        db_table = "api_feed"
        verbose_name = "数据订阅"
        verbose_name_plural = "数据订阅"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def public_queryset(cls) -> models.QuerySet[Feed]:
        return cls._default_manager.filter(is_active=True)


TerminalUserObjectPermission, TerminalGroupObjectPermission = object_permission_models(
    Terminal, "终端", __name__, table_prefix="api_terminal"
)
FeedUserObjectPermission, FeedGroupObjectPermission = object_permission_models(
    Feed, "数据订阅", __name__, table_prefix="api_feed"
)


# ---- cached key lookups (terminals.auth): forgotten after the commit of whatever they answer ----


def _forget(keys: models.QuerySet[TerminalKey]) -> None:
    if settings.API_SHARED_CACHE:
        from .auth import forget_keys

        forget_keys(keys.values_list("prefix", flat=True))


@receiver([post_save, post_delete], sender=TerminalKey, dispatch_uid="terminals-forget-key")
def _key_changed(sender, instance: TerminalKey, raw: bool = False, **kwargs) -> None:
    if settings.API_SHARED_CACHE and not raw:
        from .auth import forget_keys

        forget_keys([instance.prefix])


@receiver([post_save, post_delete], sender=Terminal, dispatch_uid="terminals-forget-terminal-keys")
def _terminal_changed(sender, instance: Terminal, raw: bool = False, **kwargs) -> None:
    """Deactivated, new scopes or hall, another department: its keys answer differently."""
    if not raw:
        _forget(TerminalKey.objects.filter(terminal_id=instance.pk))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="terminals-forget-service-user-keys")
def _user_changed(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A terminal's service user deactivated or changed (a sign-in's ``last_login`` is no change of ours)."""
    if not raw and set(update_fields or ()) != {"last_login"}:
        _forget(TerminalKey.objects.filter(terminal__service_user_id=instance.pk))


@receiver(records_changed, dispatch_uid="terminals-forget-bulk-changes")
def _records_changed(sender, pks, **kwargs) -> None:
    """Bulk writes (``terminals.service``: revoking, rotating, linking a service user)."""
    if sender is Terminal:
        _forget(TerminalKey.objects.filter(terminal_id__in=pks))
    elif sender is TerminalKey:
        _forget(TerminalKey.objects.filter(pk__in=pks))
