"""Service halls (政务服务大厅), their windows (窗口) and the notices shown on hall screens.

Plain records with django-simple-history. Each is owned by the department that runs the
hall (the hall's manager edits the hall, its windows and its notices); the one permission
policy decides who may do what, as for every owned record.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from permissions.models import Department, DepartmentOwned, object_permission_models


class HallLevel(models.TextChoices):
    """The four levels of halls (domain.md §0)."""

    CITY = "city", "市政务服务中心"
    COUNTY = "county", "县（区）政务服务中心"
    TOWN = "town", "镇（街道）便民服务中心"
    COMMUNITY = "community", "村（社区）便民服务站"


class Hall(DepartmentOwned):
    """A place where citizens and businesses are served in person."""

    name = models.CharField("大厅名称", max_length=100, unique=True, error_messages={"unique": "已有同名大厅。"})
    code = models.SlugField(
        "大厅编码",
        max_length=40,
        unique=True,
        help_text="对接系统使用的固定编码（字母、数字、连字符），例如 city-center。",
        error_messages={"unique": "该大厅编码已被使用。"},
    )
    level = models.CharField("层级", max_length=16, choices=HallLevel.choices)
    address = models.CharField("地址", max_length=200)
    hours = models.TextField("办公时间", help_text="例如 工作日 9:00-12:00、13:30-17:00；周六上午延时服务。")
    phone = models.CharField("咨询电话", max_length=60, blank=True)
    directions = models.CharField("交通指引", max_length=300, blank=True)
    is_active = models.BooleanField("启用", default=True, help_text="停用后不再对外显示，也不再向终端提供。")
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name="大厅历史")

    class Meta:
        verbose_name = "服务大厅"
        verbose_name_plural = "服务大厅"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def public_queryset(cls) -> models.QuerySet[Hall]:
        return cls._default_manager.filter(is_active=True)


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合窗口（无差别受理）"
    DEPARTMENTAL = "departmental", "专业窗口"
    COLLECTION = "collection", "出件窗口"
    HELP = "help", "帮办代办窗口"


class Window(DepartmentOwned):
    """A service window of a hall; owned by the hall's department (set from the hall)."""

    hall = models.ForeignKey(Hall, verbose_name="所属大厅", on_delete=models.CASCADE, related_name="windows")
    number = models.CharField("窗口号", max_length=20, help_text="例如 A01。")
    name = models.CharField("窗口名称", max_length=100)
    kind = models.CharField("窗口类型", max_length=16, choices=WindowKind.choices, default=WindowKind.DEPARTMENTAL)
    departments = models.ManyToManyField(
        Department,
        verbose_name="进驻部门",
        blank=True,
        related_name="hall_windows",
        help_text="在该窗口派驻人员的部门。",
    )
    matters = models.ManyToManyField("matters.Matter", verbose_name="可办理事项", blank=True, related_name="windows")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="窗口工作人员",
        blank=True,
        related_name="hall_windows",
        help_text="在该窗口登记、受理办件的人员（需同时属于“窗口工作人员”用户组）。",
    )
    is_open = models.BooleanField("开放", default=True)
    closed_reason = models.CharField("暂停说明", max_length=200, blank=True, help_text="窗口暂停服务时显示给群众。")
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name="窗口历史", m2m_fields=[departments, staff])

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["hall__sort_order", "hall__code", "sort_order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"],
                name="unique_window_number",
                violation_error_message="同一大厅的窗口号不能重复。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.hall_id:
            self.department_id = self.hall.department_id
        if not self.is_open and not self.closed_reason.strip():
            raise ValidationError({"closed_reason": "窗口暂停服务时请填写暂停说明。"})

    def save(self, *args, **kwargs) -> None:
        if self.hall_id:
            # A window always belongs to whoever runs its hall.
            self.department_id = Hall.objects.values_list("department_id", flat=True).get(pk=self.hall_id)
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet[Window]:
        return cls._default_manager.filter(hall__is_active=True)


class NoticeLevel(models.TextChoices):
    INFO = "info", "一般"
    IMPORTANT = "important", "重要"
    URGENT = "urgent", "紧急"


class Notice(DepartmentOwned):
    """A notice for hall screens and kiosks, shown only within its validity window."""

    title = models.CharField("标题", max_length=100)
    text = models.TextField("内容", max_length=1000)
    level = models.CharField("级别", max_length=12, choices=NoticeLevel.choices, default=NoticeLevel.INFO)
    halls = models.ManyToManyField(Hall, verbose_name="发布大厅", related_name="notices")
    starts_at = models.DateTimeField("开始显示时间", default=timezone.now)
    ends_at = models.DateTimeField("结束显示时间", null=True, blank=True, help_text="留空表示一直显示，直到撤下。")
    is_active = models.BooleanField("发布", default=True, help_text="取消勾选即撤下公告。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name="公告历史", m2m_fields=[halls])

    class Meta:
        verbose_name = "大厅公告"
        verbose_name_plural = "大厅公告"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束显示时间必须晚于开始显示时间。"})

    @classmethod
    def public_queryset(cls, now=None) -> models.QuerySet[Notice]:
        """Notices on screens now: published and within their validity window."""
        now = now or timezone.now()
        return cls._default_manager.filter(is_active=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


HallUserObjectPermission, HallGroupObjectPermission = object_permission_models(Hall, "大厅", __name__)
WindowUserObjectPermission, WindowGroupObjectPermission = object_permission_models(Window, "窗口", __name__)
NoticeUserObjectPermission, NoticeGroupObjectPermission = object_permission_models(Notice, "公告", __name__)
