"""咨询、投诉、建议 (政民互动): a visitor's question, complaint or suggestion, routed to a department.

An item is owned by the department that must answer it (``DepartmentOwned``; a transfer moves it),
and the one permission policy decides who may act (``permissions.policy.DepartmentWidePolicy``:
内容维护员 handle and draft, 审核员 approve the reply — action ``publish`` — and the cross-department
效能监察员 reads). State changes happen only in ``interaction.flow``; each is an ``InteractionStep``
with who, when and why: the item's history. The reply clock runs in working days on the one
calendar (``workdays``), per kind (``INTERACTION_REPLY_DAYS``).

The visitor's phone number and e-mail address are encrypted at rest (``core.pii``, GB/T 39786-2021),
with a keyed hash of the phone for the progress lookup; the public Q&A shows the name masked and
never the contact details (《个人信息保护法》 arts. 6, 51; 《政府网站与政务新媒体检查指标》 on 互动交流).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Light, new_lookup_code
from core.identity import masked_person_name
from core.pii import EncryptedTextField, is_undecryptable, keyed_hash, mask_phone
from permissions.models import DepartmentOwned

__all__ = ["Light", "new_lookup_code"]

SUBJECT_LIMIT = 100
BODY_LIMIT = 2000
REPLY_LIMIT = 2000
NOTE_LIMIT = 500
NAME_LIMIT = 50


class Kind(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"


# The number's prefix per kind: ZX2026-000123 (咨询), TS… (投诉), JY… (建议).
PREFIXES = {Kind.CONSULTATION: "ZX", Kind.COMPLAINT: "TS", Kind.SUGGESTION: "JY"}


class State(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    TRANSFERRED = "transferred", "已转办（待接收）"
    HANDLING = "handling", "办理中"
    REVIEW = "review", "待审核"
    RETURNED = "returned", "退回修改"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"


# The reply clock runs until the reply is approved (已答复) or the item is refused.
CLOCK_STATES = (State.SUBMITTED, State.TRANSFERRED, State.HANDLING, State.REVIEW, State.RETURNED)
OPEN_STATES = CLOCK_STATES
ANSWERED_STATES = (State.ANSWERED, State.CLOSED)
FINAL_STATES = (State.CLOSED, State.REJECTED)


class Source(models.TextChoices):
    PORTAL = "portal", "门户网站"
    MATTER = "matter", "事项页面"
    GUIDE = "guide", "办事指南页面"
    HOTLINE = "hotline", "12345热线"


class Satisfaction(models.TextChoices):
    """回访结果 (12345 热线 回访 after the reply; GB/T 33358-2016 政府热线服务评价)."""

    NONE = "", "—"
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHABLE = "unreachable", "未回访成功"


class InteractionCounter(models.Model):
    """The last serial of a kind in a year (taken by one UPDATE … RETURNING)."""

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "互动编号"
        verbose_name_plural = "互动编号"
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="unique_interaction_counter")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}年 第{self.last}号"


class Interaction(DepartmentOwned):
    """One 咨询, 投诉 or 建议 and its answer."""

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    lookup_code = models.CharField("查询码", max_length=8, default=new_lookup_code, editable=False)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    subject = models.CharField("主题", max_length=SUBJECT_LIMIT)
    body = models.TextField("内容", max_length=BODY_LIMIT)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name="相关事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PORTAL)
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="来源页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # ---- the visitor
    name = models.CharField("姓名", max_length=NAME_LIMIT)
    phone = EncryptedTextField("联系电话")
    phone_hash = models.CharField("联系电话摘要", max_length=64, editable=False)
    email = EncryptedTextField("电子邮箱", blank=True)
    consent = models.BooleanField("同意公开", default=False, help_text="来信人同意在“问答公开”中公开（姓名隐去）。")

    # ---- where it stands
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    received_on = models.DateField("受理计时起算日")
    due_date = models.DateField("答复期限", db_index=True)
    due_provisional = models.BooleanField("期限为预计", default=False)
    reply_days = models.PositiveSmallIntegerField("答复时限（工作日）")
    transfers = models.PositiveSmallIntegerField("转办次数", default=0)
    light = models.CharField("监察状态", max_length=8, choices=Light.choices, blank=True, default="", db_index=True)
    light_since = models.DateField("监察状态起始", null=True, blank=True)

    # ---- the reply
    reply = models.TextField("答复内容", blank=True, max_length=REPLY_LIMIT)
    reply_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    refusal = models.CharField("不予受理理由", max_length=NOTE_LIMIT, blank=True)
    published = models.BooleanField("已公开", default=False, db_index=True)

    # ---- 12345
    hotline_ticket = models.CharField("12345工单号", max_length=40, blank=True, default="")
    hotline_client_id = models.PositiveIntegerField("创建的热线系统", null=True, blank=True, editable=False)
    satisfaction = models.CharField("回访结果", max_length=12, choices=Satisfaction.choices, blank=True, default="")

    revision = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "咨询投诉建议"
        verbose_name_plural = "咨询投诉建议"
        ordering = ["-submitted_at", "-pk"]
        default_permissions = ("add", "change", "view")  # kept as records, never deleted
        permissions = [("publish_interaction", "可以审核答复并公开")]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline_ticket"], condition=~models.Q(hotline_ticket=""), name="unique_interaction_ticket"
            )
        ]
        indexes = [
            models.Index(fields=["department", "state", "light"]),
            models.Index(fields=["phone_hash"]),
            models.Index(
                fields=["department", "kind", "answered_on"],
                condition=models.Q(published=True),
                name="interaction_public_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args, **kwargs) -> None:
        if not is_undecryptable(self.phone):
            self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        """The public Q&A: approved replies whose visitor agreed to publication."""
        return cls._default_manager.filter(published=True, state__in=ANSWERED_STATES)

    @property
    def masked_name(self) -> str:
        return masked_person_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class InteractionStep(models.Model):
    """One step: who did what, when and why (the item's full history)."""

    interaction = models.ForeignKey(Interaction, verbose_name="事项", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("环节", max_length=20)
    label = models.CharField("环节名称", max_length=30)
    from_state = models.CharField("原状态", max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=State.choices)
    from_department = models.ForeignKey(
        "permissions.Department",
        verbose_name="转出部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_department = models.ForeignKey(
        "permissions.Department",
        verbose_name="转入部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("办理人（显示）", max_length=100, blank=True)
    note = models.CharField("意见或理由", max_length=NOTE_LIMIT, blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.label}"


from .pages import InteractionIndexPage  # noqa: E402,F401  (the portal column 政民互动)
