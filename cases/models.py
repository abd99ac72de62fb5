"""Cases (办件): one application for one matter, from 申请 to 出件 (docs/cases.md).

A case is owned by its handling department (``DepartmentOwned``); the one permission policy
(``cases.policy``) adds the window staff of the window it came in at and the cross-department
效能监察员. State changes happen only in ``cases.flow``; each is a ``CaseStep`` with who, when and
why. What the matter promised when the case was applied for (its limits and its materials list)
is frozen on the case, so a later change to the matter never moves a running clock.

Applicants' ID numbers, phone numbers and e-mail addresses are encrypted at rest (``core.pii``,
GB/T 39786-2021 level 3), with keyed hashes beside them for the progress lookup.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.identity import IdType, masked_person_name
from core.pii import EncryptedTextField, is_undecryptable, keyed_hash, mask_id, mask_phone
from core.uploads import private_storage
from permissions.models import DepartmentOwned


class CaseState(models.TextChoices):
    APPLIED = "applied", "已申请"
    PREREVIEW = "prereview", "预审中"
    AMENDMENT = "amendment", "待补正"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    HANDLING = "handling", "办理中"
    SPECIAL = "special", "特别程序中"
    APPROVED = "approved", "办结（准予）"
    DENIED = "denied", "办结（不予许可）"
    DELIVERED = "delivered", "已出件送达"
    WITHDRAWN = "withdrawn", "已撤回"


# The clock runs in these states (补正 stops it, 特别程序 is not counted; 行政许可法 arts. 32, 45).
CLOCK_STATES = (CaseState.ACCEPTED, CaseState.HANDLING)
IN_PROGRESS = (CaseState.ACCEPTED, CaseState.HANDLING, CaseState.SPECIAL)
BEFORE_ACCEPTANCE = (CaseState.APPLIED, CaseState.PREREVIEW, CaseState.AMENDMENT)
COMPLETED = (CaseState.APPROVED, CaseState.DENIED, CaseState.DELIVERED)
CLOSED = (*COMPLETED, CaseState.REJECTED, CaseState.WITHDRAWN)


class Channel(models.TextChoices):
    WINDOW = "window", "窗口"
    ONLINE = "online", "网上"
    KIOSK = "kiosk", "自助终端"
    MOBILE = "mobile", "移动端"
    PUSHED = "pushed", "业务系统推送"


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class Light(models.TextChoices):
    """电子监察: green in time, yellow close to the due date, red overdue; none when not running."""

    NONE = "", "—"
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯预警"
    RED = "red", "红灯超期"


def new_lookup_code() -> str:
    """8 unambiguous characters, read out over the phone (no 0/O, 1/I)."""
    return "".join(secrets.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))


class CaseCounter(models.Model):
    """The last case number of a department in a year (taken under a row lock)."""

    department = models.ForeignKey("permissions.Department", verbose_name="部门", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "办件编号"
        verbose_name_plural = "办件编号"
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="unique_case_counter")]

    def __str__(self) -> str:
        return f"{self.year}年 第{self.last}号"


class Case(DepartmentOwned):
    """One application for one matter (办件)."""

    number = models.CharField("办件编号", max_length=32, unique=True, editable=False)
    lookup_code = models.CharField("查询码", max_length=8, default=new_lookup_code, editable=False)
    matter = models.ForeignKey("matters.Matter", verbose_name="事项", on_delete=models.PROTECT, related_name="cases")
    # ---- the matter as it was when applied for (frozen)
    matter_name = models.CharField("事项名称", max_length=200, editable=False)
    matter_code = models.CharField("实施编码", max_length=50, editable=False)
    matter_revision = models.PositiveIntegerField("事项版本（修订号）", null=True, blank=True, editable=False)
    promised_limit = models.PositiveSmallIntegerField("承诺办结时限（工作日）", editable=False)
    statutory_limit = models.PositiveSmallIntegerField("法定办结时限（工作日）", null=True, blank=True, editable=False)
    immediate = models.BooleanField("即办件", default=False, editable=False)
    level = models.CharField("行使层级", max_length=30, blank=True, editable=False)

    # ---- the applicant
    applicant_kind = models.CharField("申请人类型", max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人姓名/名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_number = EncryptedTextField("证件号码")
    id_number_hash = models.CharField("证件号码摘要", max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话")
    phone_hash = models.CharField("联系电话摘要", max_length=64, editable=False)
    email = EncryptedTextField("电子邮箱", blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)

    # ---- where it came in
    channel = models.CharField("申请渠道", max_length=8, choices=Channel.choices)
    hall = models.ForeignKey(
        "halls.Hall", verbose_name="大厅", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    window = models.ForeignKey(
        "halls.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推送系统账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="推送办件的大厅或审批系统（其接口密钥的服务账号）。",
    )
    external_id = models.CharField("业务系统办件号", max_length=64, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # ---- where it stands
    state = models.CharField("状态", max_length=12, choices=CaseState.choices, default=CaseState.APPLIED)
    outcome_note = models.CharField("办理意见", max_length=500, blank=True)
    applied_at = models.DateTimeField("申请时间", default=timezone.now, db_index=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    delivered_on = models.DateField("出件日期", null=True, blank=True)
    closed_on = models.DateField("终止日期", null=True, blank=True, help_text="不予受理或撤回之日。")
    amendments = models.PositiveSmallIntegerField("补正次数", default=0)
    visits = models.PositiveSmallIntegerField("到现场次数", default=0)

    # ---- the clock (cases.clock); recomputed from the steps and special procedures
    due_date = models.DateField("承诺办结日期", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("期限为预计", default=False)
    special_days = models.PositiveSmallIntegerField("特别程序工作日", default=0)
    used_days = models.PositiveSmallIntegerField("已用工作日", null=True, blank=True)
    on_the_spot = models.BooleanField("当场办结", default=False)
    light = models.CharField("监察状态", max_length=8, choices=Light.choices, blank=True, default="", db_index=True)
    light_since = models.DateField("监察状态起始", null=True, blank=True)
    # 好差评: the level of the case's rating in force (1 非常不满意 … 5 非常满意), kept by the ratings app
    # (the latest rating not excluded by an upheld appeal), so 满意率 is one more count in the rates query.
    satisfaction = models.PositiveSmallIntegerField("服务评价", null=True, blank=True, editable=False)

    revision = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-applied_at", "-pk"]
        default_permissions = ("add", "change", "view")  # cases are archived, never deleted
        permissions = [
            ("view_pii", "可以查看申请人证件号码和联系方式"),
            ("supervise_case", "可以开展电子监察和督办"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_user", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_case_external_id",
            )
        ]
        indexes = [
            # 电子监察: the running cases (a few per cent of all) by department, hall, window and light,
            # and the warned ones in due-date order, each served from a small partial index.
            models.Index(
                fields=["department", "light", "hall", "window"],
                condition=models.Q(state__in=("accepted", "handling")),
                name="cases_running_idx",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(state__in=("accepted", "handling"), light__in=("yellow", "red")),
                name="cases_warned_idx",
            ),
            models.Index(fields=["department", "applied_at"]),
            models.Index(fields=["department", "completed_on"]),
            models.Index(fields=["state", "light"]),
            models.Index(fields=["phone_hash"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.matter_name}"

    def save(self, *args, **kwargs) -> None:
        if not is_undecryptable(self.id_number):
            self.id_number_hash = keyed_hash(self.id_number)
        if not is_undecryptable(self.phone):
            self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        """No case is public as a record; the 办件公示 list shows masked columns only."""
        return cls._default_manager.none()

    @property
    def masked_name(self) -> str:
        if self.applicant_kind == ApplicantKind.PERSON:
            return masked_person_name(self.applicant_name)
        return self.applicant_name

    @property
    def masked_id_number(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED


class CaseMaterial(models.Model):
    """A material of the case: what the matter asks for (frozen), whether it came, its file."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    necessity = models.CharField("必要性", max_length=12, default="required")
    formats = models.CharField("接受格式", max_length=100, blank=True)
    received = models.BooleanField("已收取", default=False)
    deferred = models.BooleanField("容缺受理", default=False, help_text="容缺后补：先受理，材料限期补齐。")
    defect = models.CharField("需补正内容", max_length=300, blank=True)
    file = models.FileField("电子材料", storage=private_storage, upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class CaseStep(models.Model):
    """One step of a case: who did what, when and why (the case's full history)."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("环节", max_length=20)
    label = models.CharField("环节名称", max_length=30)
    from_state = models.CharField("原状态", max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=CaseState.choices)
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
    note = models.CharField("意见或理由", max_length=500, blank=True)
    external_id = models.CharField("业务系统环节号", max_length=64, blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "external_id"], condition=~models.Q(external_id=""), name="unique_case_step_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.label}"


class SpecialKind(models.TextChoices):
    """特别程序 not counted in the time limit (《行政许可法》 art. 45)."""

    INSPECTION = "inspection", "检验"
    TESTING = "testing", "检测"
    QUARANTINE = "quarantine", "检疫"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    HEARING = "hearing", "听证"
    PUBLICITY = "publicity", "公示"


class SpecialProcedure(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="special_procedures")
    kind = models.CharField("特别程序", max_length=16, choices=SpecialKind.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class NoticeKind(models.TextChoices):
    RECEIVED = "received", "申请已收到"
    ACCEPTED = "accepted", "受理通知"
    AMENDMENT = "amendment", "补正告知"
    REJECTED = "rejected", "不予受理通知"
    SPECIAL = "special", "特别程序告知"
    COMPLETED = "completed", "办结通知"
    DELIVERED = "delivered", "出件通知"
    WITHDRAWN = "withdrawn", "撤回确认"


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", "待发送"  # written with the step; the task (cases.tasks.send_notice) sends it
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    NO_ADDRESS = "no_address", "无可用联系方式"


class CaseNotice(models.Model):
    """A message to the applicant, whatever carried it (e-mail, SMS): every one is logged.

    Written 待发送 with the step that causes it; a background task sends it once that step has
    committed and sets 已发送 or 发送失败 (retried by ``jobs``). 无可用联系方式 needs no task.
    """

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("通知类型", max_length=12, choices=NoticeKind.choices)
    channel = models.CharField("发送方式", max_length=12)
    recipient = models.CharField("收件（脱敏）", max_length=100, blank=True)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    status = models.CharField("发送结果", max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED)
    error = models.CharField("失败原因", max_length=300, blank=True)
    sent_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办件通知"
        verbose_name_plural = "办件通知"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class CaseAlert(models.Model):
    """A warning raised by the clock (cases.supervision): the day a case turned yellow or red."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="alerts")
    light = models.CharField("监察状态", max_length=8, choices=Light.choices)
    raised_on = models.DateField("预警日期")
    due_date = models.DateField("当时的办结期限")

    class Meta:
        verbose_name = "监察预警"
        verbose_name_plural = "监察预警"
        ordering = ["-raised_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "light", "due_date"], name="unique_case_alert")]

    def __str__(self) -> str:
        return f"{self.get_light_display()} {self.raised_on:%Y-%m-%d}"


class OrderState(models.TextChoices):
    OPEN = "open", "待回复"
    ANSWERED = "answered", "已回复"
    CLOSED = "closed", "已办结"


class SupervisionOrder(models.Model):
    """督办: a supervisor's order on one case, with its own deadline and the department's response."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="orders")
    reason = models.CharField("督办事由", max_length=500)
    deadline = models.DateField("回复期限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("督办时间", default=timezone.now)
    state = models.CharField("督办状态", max_length=10, choices=OrderState.choices, default=OrderState.OPEN)
    response = models.TextField("部门回复", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "pk"]

    def __str__(self) -> str:
        return f"督办 {self.case.number}"


from .pages import CaseIndexPage  # noqa: E402,F401  (the portal column 办件服务)
