"""好差评: what applicants say about a service, and what the department does about a 差评 (docs/ratings.md).

《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）and GB/T
39734-2020 《政务服务评价工作指南》:

- 一次一评、一事一评: a rating belongs to one case (办件), one per case and channel (the window's rating
  pad, the QR code on the papers, the progress page, a kiosk); a service used online without a case
  (查询、预约、咨询) is rated on its matter.
- Five levels, 非常满意 … 非常不满意; 不满意 and 非常不满意 are 差评 and must name reasons.
- 差评 are verified (核实) and rectified (整改) within a set period (``RATINGS_RECTIFY_DAYS`` working days,
  the 意见 says 15 at most), then the rater is called back (回访) — every real-name 差评 — and the
  rating is closed (办结). The 实名差评回访整改率 must reach 100%.
- A department may appeal (申诉) a malicious or mistaken rating; the 效能监察员 decides, and an upheld
  appeal excludes the rating from every figure, the reason kept.

The rating's department is the case's handling department (or the matter's); the one permission
policy (``DepartmentWidePolicy``) gives it to that department's roles and, through model-level
permissions, to the 效能监察员. Every step is a ``RatingStep`` with who, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.pii import EncryptedTextField, is_undecryptable, keyed_hash, mask_phone
from permissions.models import DepartmentOwned


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    FAIRLY_SATISFIED = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
GOOD_FROM = Level.FAIRLY_SATISFIED  # 基本满意 and better are 好评


class Reason(models.TextChoices):
    """Why a rating is a 差评: the items of the 好差评 evaluation index (GB/T 39734-2020, 5.3)."""

    UNCLEAR_GUIDE = "unclear_guide", "办事指南不清楚、不准确"
    MATERIALS = "materials", "材料要求多、重复提交"
    SLOW = "slow", "办理时间长、超时办结"
    ATTITUDE = "attitude", "服务态度不好"
    VISITS = "visits", "多次跑动、来回折腾"
    SYSTEM = "system", "网上办事系统不好用"
    FEES = "fees", "收费不合理"
    RESULT = "result", "办理结果不满意"
    OTHER = "other", "其他"


class RatingChannel(models.TextChoices):
    PAD = "pad", "窗口评价器"
    QR = "qr", "扫码评价"
    WEB = "web", "网上评价"
    KIOSK = "kiosk", "自助终端"


class Handling(models.TextChoices):
    """Where a 差评 stands (好评 need nothing: ``none``)."""

    NONE = "none", "无需整改"
    VERIFYING = "verifying", "待核实"
    RECTIFYING = "rectifying", "整改中"
    CALLBACK = "callback", "待回访"
    CLOSED = "closed", "已办结"


OPEN_HANDLING = (Handling.VERIFYING, Handling.RECTIFYING, Handling.CALLBACK)
RECTIFIED = (Handling.CALLBACK, Handling.CLOSED)


class Appeal(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", "申诉审核中"
    UPHELD = "upheld", "申诉成立（已剔除）"
    REJECTED = "rejected", "申诉不成立"


class CallbackAnswer(models.TextChoices):
    SATISFIED = "satisfied", "对整改满意"
    FAIRLY = "fairly", "对整改基本满意"
    DISSATISFIED = "dissatisfied", "对整改不满意"
    UNREACHABLE = "unreachable", "多次联系未接通"


class Rating(DepartmentOwned):
    """One rating of one service: a case, or a matter used online."""

    case = models.ForeignKey(
        "cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    matter = models.ForeignKey("matters.Matter", verbose_name="事项", on_delete=models.PROTECT, related_name="ratings")
    matter_name = models.CharField("事项名称", max_length=200)
    hall = models.ForeignKey(
        "halls.Hall", verbose_name="大厅", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    window = models.ForeignKey(
        "halls.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    channel = models.CharField("评价渠道", max_length=8, choices=RatingChannel.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    reasons = models.JSONField("差评原因", default=list, blank=True)
    comment = models.CharField("评价内容", max_length=500, blank=True)
    real_name = models.BooleanField("实名评价", default=False)
    contact_name = models.CharField("评价人", max_length=50, blank=True, help_text="实名评价的网上服务评价人。")
    contact_phone = EncryptedTextField("联系电话", blank=True)
    contact_phone_hash = models.CharField("联系电话摘要", max_length=64, blank=True, editable=False)
    rated_at = models.DateTimeField("评价时间", default=timezone.now, db_index=True)
    rated_on = models.DateField("评价日期")
    source = models.CharField("评价终端", max_length=100, blank=True, help_text="评价器或自助终端的名称。")

    # ---- a 差评's handling (核实 → 整改 → 回访 → 办结) on the working-day clock
    handling = models.CharField("整改状态", max_length=12, choices=Handling.choices, default=Handling.NONE)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    rectify_due_provisional = models.BooleanField("整改期限为预计", default=False)
    verification = models.CharField("核实情况", max_length=1000, blank=True)
    rectification = models.CharField("整改措施", max_length=1000, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    callback_due = models.DateField("回访期限", null=True, blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_answer = models.CharField("回访结果", max_length=12, choices=CallbackAnswer.choices, blank=True)
    callback_note = models.CharField("回访记录", max_length=500, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    # ---- 申诉: the department contests a rating; the 效能监察员 decides
    appeal = models.CharField("申诉状态", max_length=10, choices=Appeal.choices, blank=True, default="")
    appeal_reason = models.CharField("申诉理由", max_length=1000, blank=True)
    appeal_decision = models.CharField("申诉审核意见", max_length=500, blank=True)
    excluded = models.BooleanField("已剔除", default=False, help_text="申诉成立的评价不计入任何统计，理由保留。")

    revision = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务评价"
        verbose_name_plural = "服务评价"
        ordering = ["-rated_at", "-pk"]
        default_permissions = ("add", "change", "view")  # ratings are kept, never deleted
        permissions = [("decide_appeal", "可以审核差评申诉")]
        constraints = [
            # 一次一评: one rating per case and channel (a second one is refused, not overwritten).
            models.UniqueConstraint(
                fields=["case", "channel"], condition=models.Q(case__isnull=False), name="unique_rating_per_channel"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["department", "rated_on"]),
            models.Index(fields=["hall", "rated_on"]),
            models.Index(fields=["matter", "rated_on"]),
            models.Index(fields=["handling", "rectify_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.matter_name}"

    def save(self, *args, **kwargs) -> None:
        if not is_undecryptable(self.contact_phone):
            self.contact_phone_hash = keyed_hash(self.contact_phone) if self.contact_phone else ""
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        """No rating is public as a record; the public figures are counts only."""
        return cls._default_manager.none()

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [labels.get(key, key) for key in self.reasons or []]

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    def is_late(self, today) -> bool:
        """Past the 整改 or 回访 deadline and not done."""
        if self.excluded:
            return False
        if self.handling in (Handling.VERIFYING, Handling.RECTIFYING):
            return self.rectify_due is not None and today > self.rectify_due
        if self.handling == Handling.CALLBACK:
            return self.callback_due is not None and today > self.callback_due
        return False


class RatingStep(models.Model):
    """One step of a rating's handling: who did what, when and why."""

    rating = models.ForeignKey(Rating, verbose_name="评价", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("环节", max_length=20)
    label = models.CharField("环节名称", max_length=30)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("办理人（显示）", max_length=100, blank=True)
    note = models.CharField("说明", max_length=1000, blank=True)

    class Meta:
        verbose_name = "评价处理环节"
        verbose_name_plural = "评价处理环节"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.label


from .pages import RatingIndexPage  # noqa: E402,F401  (the portal column 好差评)
