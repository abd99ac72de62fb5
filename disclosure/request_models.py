"""Requests for disclosure (依申请公开, 《政府信息公开条例》 arts. 27–45; docs/requests.md).

A request belongs to the department handling it (``department``: the agency applied to, then
the one it is assigned to); the disclosure office has model-level rights over all of them.
State changes happen only in ``disclosure.request_flow``; every one is recorded by
django-simple-history with the acting user and the step as the reason. Applicants' ID and
phone numbers are encrypted (``core.pii``) and excluded from the history tables.

The clock (``disclosure.clock``) is derived from what is stored here — the day the application
arrived and its channel (art. 31), the amended application (art. 30), the consultations (art. 32),
the fee notice (国办函〔2020〕109号) and the extension (art. 33) — so it can be recomputed for every
request, open or closed, when the working-day calendar changes. Every notice to the applicant or a
third party is a ``Letter`` with its own number, PDF, attachments and delivery records.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.identity import IdType
from core.pii import EncryptedTextField, is_undecryptable, keyed_hash, mask_id, mask_phone
from core.uploads import private_storage
from permissions.models import DepartmentOwned


class ApplicantType(models.TextChoices):
    """The applicant columns of the annual report (domain.md §3)."""

    PERSON = "person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他组织"


class DeliveryForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子数据"
    READING = "reading", "查阅抄录"


class DeliveryChannel(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    FAX = "fax", "传真"
    PICKUP = "pickup", "自行领取"
    ON_SITE = "on_site", "当场阅读抄录"


class Channel(models.TextChoices):
    """How the application came in; it decides the receipt date (art. 31)."""

    ONLINE = "online", "网上申请"
    KIOSK = "kiosk", "自助终端"
    IN_PERSON = "in_person", "当面申请"
    POST = "post", "信函申请（需签收）"
    ORDINARY_MAIL = "ordinary_mail", "平常信函"
    FAX = "fax", "传真申请"


# What the arrival date means per channel (the label of the date staff enter).
ARRIVAL_LABELS = {
    Channel.ONLINE: "提交日期",
    Channel.KIOSK: "提交日期",
    Channel.IN_PERSON: "当面递交日期",
    Channel.POST: "签收日期",
    Channel.ORDINARY_MAIL: "与申请人确认日期",
    Channel.FAX: "传真收到日期",
}


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "待登记"
    REGISTERED = "registered", "办理中"
    AMENDMENT = "amendment", "待补正"
    CONSULTATION = "consultation", "征求第三方意见"
    FEE = "fee", "待缴费"
    REPLIED = "replied", "已答复"
    WITHDRAWN = "withdrawn", "已撤回"
    MERGED = "merged", "已合并处理"
    CLOSED = "closed", "已归档"


OPEN_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.REGISTERED,
    RequestStatus.AMENDMENT,
    RequestStatus.CONSULTATION,
    RequestStatus.FEE,
)
# Statuses in which the reply clock runs (待补正 stops it; 征求第三方意见 and 待缴费 pause it).
CLOCK_RUNNING = (RequestStatus.SUBMITTED, RequestStatus.REGISTERED)
FINISHED_STATUSES = (RequestStatus.REPLIED, RequestStatus.WITHDRAWN, RequestStatus.MERGED, RequestStatus.CLOSED)


class ReplyType(models.TextChoices):
    """三、本年度办理结果 of the annual report: the outcome of a request."""

    DISCLOSED = "disclosed", "予以公开"
    PARTIAL = "partial", "部分公开"
    REFUSED = "refused", "不予公开"
    UNABLE = "unable", "本机关不掌握相关政府信息，无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


# The rows of the annual report's 三、本年度办理结果, exactly as the 2021 template (国办公开办函〔2021〕30号)
# reads; the reply types' own labels above are what staff and applicants see.
REPORT_TYPE_LABELS = {
    ReplyType.DISCLOSED: "予以公开",
    ReplyType.PARTIAL: "部分公开（区分处理的，只计这一情形，不计其他情形）",
    ReplyType.REFUSED: "不予公开",
    ReplyType.UNABLE: "无法提供",
    ReplyType.NOT_PROCESSED: "不予处理",
    ReplyType.OTHER: "其他处理",
}

# Replies that refuse disclosure, in whole or in part: since 2024-01-01 the applicant must apply for
# administrative reconsideration before suing (《行政复议法》(2023) art. 23(1)(4)).
RECONSIDERATION_FIRST = (ReplyType.REFUSED, ReplyType.PARTIAL)

# The sub-reasons of the annual report, exactly as its rows read, by reply type.
REPLY_SUBREASONS: dict[str, list[tuple[str, str]]] = {
    ReplyType.REFUSED: [
        ("state_secret", "属于国家秘密"),
        ("prohibited", "其他法律行政法规禁止公开"),
        ("security", "危及“三安全一稳定”"),
        ("third_party", "保护第三方合法权益"),
        ("internal_affairs", "属于三类内部事务信息"),
        ("process_info", "属于四类过程性信息"),
        ("enforcement_file", "属于行政执法案卷"),
        ("query_service", "属于行政查询事项"),
    ],
    ReplyType.UNABLE: [
        ("not_held", "本机关不掌握相关政府信息"),
        ("needs_creation", "没有现成信息需要另行制作"),
        ("still_unclear", "补正后申请内容仍不明确"),
    ],
    ReplyType.NOT_PROCESSED: [
        ("petition", "信访举报投诉类申请"),
        ("repeated", "重复申请"),
        ("publication", "要求提供公开出版物"),
        ("excessive", "无正当理由大量反复申请"),
        ("confirmation", "要求行政机关确认或重新出具已获取信息"),
    ],
    ReplyType.OTHER: [
        ("no_amendment", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "其他"),
    ],
}
SUBREASON_LABELS = {key: label for rows in REPLY_SUBREASONS.values() for key, label in rows}
SUBREASON_CHOICES = [(key, label) for rows in REPLY_SUBREASONS.values() for key, label in rows]


TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def new_tracking_code() -> str:
    """YS + 10 unambiguous characters: unguessable, easy to read out on the phone."""
    return "YS" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


class DisclosureRequest(DepartmentOwned):
    """One application for government information, from receipt to archive."""

    tracking_code = models.CharField("查询码", max_length=12, unique=True, default=new_tracking_code, editable=False)
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices, default=Channel.ONLINE)

    # ---- applicant (art. 29); ID and phone encrypted, hashed for lookups
    applicant_type = models.CharField("申请人类型", max_length=16, choices=ApplicantType.choices)
    name = models.CharField("姓名/名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_number = EncryptedTextField("证件号码")
    id_number_hash = models.CharField("证件号码摘要", max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话")
    phone_hash = models.CharField("联系电话摘要", max_length=64, db_index=True, editable=False)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)

    # ---- what is sought and how it is to be delivered
    description = models.TextField("所需信息的内容描述", max_length=2000)
    document_hint = models.CharField("文件名称、文号等特征描述", max_length=200, blank=True)
    delivery_form = models.CharField("提供方式", max_length=16, choices=DeliveryForm.choices)
    delivery_channel = models.CharField("获取方式", max_length=16, choices=DeliveryChannel.choices)
    attachment = models.FileField(
        "附件",
        storage=private_storage,
        upload_to="disclosure-requests/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "doc", "docx", "ofd"])],
    )

    # ---- receipt (art. 31) and the clock (disclosure.clock, on the working-day calendar)
    status = models.CharField(
        "状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, editable=False
    )
    submitted_at = models.DateTimeField("录入时间", auto_now_add=True)
    arrived_date = models.DateField(
        "递交日期", help_text="网上提交之日、当面递交之日、信函签收之日或与申请人确认之日（按申请渠道）。"
    )
    received_date = models.DateField(
        "收到申请日期",
        editable=False,
        help_text="按《条例》第三十一条由申请渠道和递交日期确定；年度报告按此日期统计。",
    )
    received_provisional = models.BooleanField("收到日期为预计", default=False, editable=False)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True, editable=False)
    paused_days = models.PositiveSmallIntegerField("不计入期限工作日", default=0, editable=False)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0, editable=False)
    extension_approved_on = models.DateField("延期批准日期", null=True, blank=True, editable=False)
    extension_approver = models.CharField("延期批准人", max_length=50, blank=True, editable=False)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True, editable=False)
    due_date = models.DateField("答复期限", null=True, blank=True, editable=False)
    due_provisional = models.BooleanField("答复期限为预计", default=False, editable=False)
    amendment_note = models.TextField("补正告知内容", blank=True, editable=False)
    amendment_deadline = models.DateField("补正期限", null=True, blank=True, editable=False)
    amendment_requested_at = models.DateField("告知补正日期", null=True, blank=True, editable=False)
    amendment_received = models.DateField("收到补正日期", null=True, blank=True, editable=False)

    # ---- the outcome
    reply_type = models.CharField("答复类型", max_length=16, choices=ReplyType.choices, blank=True, editable=False)
    reply_subreason = models.CharField("具体情形", max_length=24, choices=SUBREASON_CHOICES, blank=True, editable=False)
    reply_date = models.DateField("答复日期", null=True, blank=True, editable=False)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True, editable=False)
    withdrawal_note = models.CharField("撤回说明", max_length=300, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_requests",
        editable=False,
    )
    merge_reason = models.CharField("合并理由", max_length=300, blank=True, editable=False)
    closed_at = models.DateTimeField("归档时间", null=True, blank=True, editable=False)

    history = HistoricalRecords(
        verbose_name="依申请公开办理记录",
        excluded_fields=["id_number", "id_number_hash", "phone", "phone_hash", "attachment"],
    )

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["received_date"]),
            models.Index(fields=["department", "id_number_hash", "received_date"]),
        ]
        default_permissions = ("add", "change", "view")  # requests are archived, never deleted
        permissions = [
            ("publish_disclosurerequest", "可以批准延期"),
            ("view_pii", "可以在导出和列表中查看申请人证件号码和电话"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code}（{self.masked_name}）"

    def save(self, *args, **kwargs) -> None:
        # An undecryptable number is written back as stored (core.pii): so is its hash.
        if not is_undecryptable(self.id_number):
            self.id_number_hash = keyed_hash(self.id_number)
        if not is_undecryptable(self.phone):
            self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

    # ---- what may be shown to whom
    @property
    def masked_id_number(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        if self.applicant_type != ApplicantType.PERSON or len(self.name) < 2:
            return self.name
        return self.name[0] + "*" * (len(self.name) - 1)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def subreason_label(self) -> str:
        return SUBREASON_LABELS.get(self.reply_subreason, "")

    @property
    def arrival_label(self) -> str:
        return ARRIVAL_LABELS.get(self.channel, "递交日期")

    @property
    def clock_start(self):
        """The day the reply period runs from: the amended application if there was one (art. 30)."""
        return self.amendment_received or self.received_date

    @property
    def finished_on(self):
        """The day the request stopped being handled (reply or withdrawal); None while open."""
        return self.reply_date or self.withdrawn_on

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        """Requests are never public: the permission policy's public part is empty."""
        return cls._default_manager.none()


class ConsultationOutcome(models.TextChoices):
    AGREED = "agreed", "同意公开"
    OBJECTED = "objected", "不同意公开"
    NO_ANSWER = "no_answer", "逾期未提出意见"


class Consultation(models.Model):
    """征求第三方意见 (art. 32): the third party answers within 15 working days; that time, within
    the reply period and up to ``DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS``, is not counted."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="consultations"
    )
    third_party = models.CharField("第三方", max_length=200)
    sent_on = models.DateField("发出征求意见书日期")
    deadline = models.DateField("第三方答复期限", editable=False)
    deadline_provisional = models.BooleanField("答复期限为预计", default=False, editable=False)
    answered_on = models.DateField("结束日期", null=True, blank=True, help_text="收到第三方意见之日，或期满之日。")
    outcome = models.CharField("第三方意见", max_length=16, choices=ConsultationOutcome.choices, blank=True)
    excluded_days = models.PositiveSmallIntegerField("不计入期限工作日", default=0, editable=False)
    letter = models.OneToOneField(
        "disclosure.Letter",
        verbose_name="征求意见书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="征求第三方意见历史")

    class Meta:
        verbose_name = "征求第三方意见"
        verbose_name_plural = "征求第三方意见"
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"征求{self.third_party}意见（{self.sent_on:%Y-%m-%d}）"

    @property
    def is_open(self) -> bool:
        return self.answered_on is None


class FeeMethod(models.TextChoices):
    PER_REQUEST = "per_request", "按件计收"
    PER_PAGE = "per_page", "按量计收"


class FeeStatus(models.TextChoices):
    PENDING = "pending", "待缴费"
    PAID = "paid", "已缴费"
    WAIVED = "waived", "已减免"
    UNPAID = "unpaid", "逾期未缴费"


class FeeNotice(models.Model):
    """信息处理费 (art. 42; 《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号): charged per request
    or per page, never both; from the notice to the payment the reply period does not run."""

    request = models.OneToOneField(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="fee_notice"
    )
    method = models.CharField("计收方式", max_length=16, choices=FeeMethod.choices)
    position_in_month = models.PositiveSmallIntegerField(
        "本月第几件", help_text="同一申请人当月向本机关提出的第几件申请（按证件号码摘要统计）。"
    )
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    amount = models.DecimalField("应缴金额（元）", max_digits=10, decimal_places=2)
    issued_on = models.DateField("发出收费通知日期")
    payment_deadline = models.DateField("缴费期限", editable=False)
    deadline_provisional = models.BooleanField("缴费期限为预计", default=False, editable=False)
    status = models.CharField("缴费状态", max_length=16, choices=FeeStatus.choices, default=FeeStatus.PENDING)
    settled_on = models.DateField("缴费或减免日期", null=True, blank=True)
    paid_amount = models.DecimalField("实缴金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    receipt_number = models.CharField("缴款凭证号", max_length=50, blank=True)
    waiver_reason = models.CharField("减免理由", max_length=300, blank=True)
    letter = models.OneToOneField(
        "disclosure.Letter",
        verbose_name="收费通知书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="信息处理费历史")

    class Meta:
        verbose_name = "信息处理费"
        verbose_name_plural = "信息处理费"

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}元（{self.get_status_display()}）"


class LetterKind(models.TextChoices):
    AMENDMENT = "amendment", "补正申请告知书"
    EXTENSION = "extension", "延长答复期限告知书"
    CONSULTATION = "consultation", "征求第三方意见书"
    FEE = "fee", "收取信息处理费通知书"
    REPLY = "reply", "政府信息公开申请答复书"
    MERGE = "merge", "合并处理告知书"


# Letters to the applicant (shown on the public status page); 征求意见书 go to the third party.
APPLICANT_LETTERS = (
    LetterKind.AMENDMENT,
    LetterKind.EXTENSION,
    LetterKind.FEE,
    LetterKind.REPLY,
    LetterKind.MERGE,
)


class Letter(models.Model):
    """A notice sent about a request: numbered per department and year, rendered from its template,
    kept as issued (never edited), with the documents released and how it was served."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name="申请", on_delete=models.CASCADE, related_name="letters"
    )
    kind = models.CharField("文书类型", max_length=16, choices=LetterKind.choices)
    number = models.CharField("文号", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    issued_on = models.DateField("发文日期")
    recipient = models.CharField("收件人", max_length=200)
    body = models.TextField("正文")
    agency = models.CharField("发文机关", max_length=100)
    provisional = models.BooleanField("含预计日期", default=False)
    created_at = models.DateTimeField("制作时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="文书历史")

    class Meta:
        verbose_name = "依申请公开文书"
        verbose_name_plural = "依申请公开文书"
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.number}）"

    @property
    def to_applicant(self) -> bool:
        return self.kind in APPLICANT_LETTERS


class LetterAttachment(models.Model):
    """A document released with a letter (e.g. the information disclosed), checked by content."""

    letter = models.ForeignKey(Letter, verbose_name="文书", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", storage=private_storage, upload_to="disclosure-letters/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书附件"
        verbose_name_plural = "文书附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class DeliveryMethod(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    IN_PERSON = "in_person", "当面送达"
    FAX = "fax", "传真"
    ONLINE = "online", "网上查询告知"


class LetterDelivery(models.Model):
    """How, when and to whom a letter was served."""

    letter = models.ForeignKey(Letter, verbose_name="文书", on_delete=models.CASCADE, related_name="deliveries")
    method = models.CharField("送达方式", max_length=16, choices=DeliveryMethod.choices)
    delivered_on = models.DateField("送达日期")
    recipient = models.CharField("签收人/收件人", max_length=100)
    reference = models.CharField("邮件单号或地址", max_length=200, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="送达记录历史")

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.delivered_on:%Y-%m-%d}"


class LetterCounter(models.Model):
    """The last letter number of a department in a year (taken under a row lock)."""

    department = models.ForeignKey(
        "permissions.Department", verbose_name="部门", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "文书编号"
        verbose_name_plural = "文书编号"
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="unique_letter_counter")]

    def __str__(self) -> str:
        return f"{self.year}年 第{self.last}号"


class ReplyTemplate(models.Model):
    """An editable template of a letter: a reply per reply type (and sub-reason), or a notice.

    (The name is historical: it also holds the 补正/延期/征求意见/收费/合并 notices, ``kind``.)
    The appeal sentence is not part of the text: ``{remedy}`` is filled in by the law
    (《行政复议法》 art. 23), so no template can tell an applicant the wrong way to appeal.
    """

    kind = models.CharField("文书类型", max_length=16, choices=LetterKind.choices, default=LetterKind.REPLY)
    reply_type = models.CharField("答复类型", max_length=16, choices=ReplyType.choices, blank=True)
    subreason = models.CharField("具体情形", max_length=24, choices=SUBREASON_CHOICES, blank=True)
    article = models.CharField(
        "依据条款", max_length=200, blank=True, help_text="例如：《中华人民共和国政府信息公开条例》第三十六条第（二）项"
    )
    body = models.TextField(
        "正文模板",
        help_text="可用占位符：{name} 申请人，{received} 收到申请日期，{description} 申请内容，"
        "{code} 查询码，{article} 依据条款，{agency} 答复机关，{date} 发文日期，{remedy} 救济途径（答复书），"
        "{items} 补正内容，{deadline} 补正或答复期限，{days} 延长天数，{due} 延长后的答复期限，{reason} 理由，"
        "{third_party} 第三方，{amount} 金额，{basis} 计收依据，{pay_deadline} 缴费期限，{primary} 合并的申请。",
    )

    history = HistoricalRecords(verbose_name="文书模板历史")

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["kind", "reply_type", "subreason"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reply_type", "subreason"],
                name="unique_letter_template",
                violation_error_message="该文书类型和答复情形已有模板。",
            )
        ]

    def __str__(self) -> str:
        if self.kind != LetterKind.REPLY:
            return LetterKind(self.kind).label
        label = ReplyType(self.reply_type).label if self.reply_type else "答复书"
        return f"{label}·{SUBREASON_LABELS[self.subreason]}" if self.subreason else label

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == LetterKind.REPLY and not self.reply_type:
            raise ValidationError({"reply_type": "答复书模板须选择答复类型。"})
        if self.kind == LetterKind.REPLY and "{remedy}" not in (self.body or ""):
            raise ValidationError(
                {"body": "答复书模板须包含 {remedy}（救济途径）：系统按《行政复议法》第二十三条填写复议、诉讼的告知。"}
            )
        if self.kind != LetterKind.REPLY and (self.reply_type or self.subreason):
            raise ValidationError({"reply_type": "告知书模板不区分答复类型，请留空。"})
        allowed = [key for key, _ in REPLY_SUBREASONS.get(self.reply_type, [])]
        if self.subreason and self.subreason not in allowed:
            raise ValidationError({"subreason": "该具体情形不属于所选答复类型。"})


class DisclosureRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "依申请公开用户授权"
        verbose_name_plural = "依申请公开用户授权"


class DisclosureRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "依申请公开用户组授权"
        verbose_name_plural = "依申请公开用户组授权"
