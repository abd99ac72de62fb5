"""Requests for disclosure (依申请公开, Regulations arts. 27–45; domain.md §2–§3).

A request belongs to the department handling it (``department``: the agency applied to, then
the one it is assigned to); the disclosure office has model-level rights over all of them.
State changes happen only in ``disclosure.request_flow``; every one is recorded by
django-simple-history with the acting user and the step as the reason. Applicants' ID and
phone numbers are encrypted (``disclosure.pii``) and excluded from the history tables.
"""

from __future__ import annotations

import secrets

from django.core.validators import FileExtensionValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from permissions.models import DepartmentOwned

from .pii import EncryptedTextField, mask_id, mask_phone


class ApplicantType(models.TextChoices):
    """The applicant columns of the annual report (domain.md §3)."""

    PERSON = "person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他组织"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他证件"


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
    ONLINE = "online", "网上申请"
    KIOSK = "kiosk", "自助终端"
    IN_PERSON = "in_person", "当面申请"
    POST = "post", "信函申请"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "待登记"
    REGISTERED = "registered", "办理中"
    AMENDMENT = "amendment", "待补正"
    CONSULTATION = "consultation", "征求第三方意见"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已归档"


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.REGISTERED, RequestStatus.AMENDMENT, RequestStatus.CONSULTATION)
# Statuses in which the reply clock runs (待补正 stops it; 征求第三方意见 pauses it).
CLOCK_RUNNING = (RequestStatus.SUBMITTED, RequestStatus.REGISTERED)


class ReplyType(models.TextChoices):
    """三、本年度办理结果 of the annual report: the outcome of a request."""

    DISCLOSED = "disclosed", "予以公开"
    PARTIAL = "partial", "部分公开"
    REFUSED = "refused", "不予公开"
    UNABLE = "unable", "本机关不掌握相关政府信息，无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


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


def private_storage():
    """Where applicants' attachments go: the "private" storage, never served as public media."""
    from django.core.files.storage import storages

    return storages["private"]


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

    # ---- the clock (working days, cms.workdays)
    status = models.CharField(
        "状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, editable=False
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    received_date = models.DateField("收到申请日期", help_text="答复期限的起算日（补正后为收到补正申请之日）。")
    registered_at = models.DateTimeField("登记时间", null=True, blank=True, editable=False)
    paused_days = models.PositiveSmallIntegerField("暂停计时工作日", default=0, editable=False)
    pause_started = models.DateField("暂停开始日期", null=True, blank=True, editable=False)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0, editable=False)
    extension_approver = models.CharField("延期批准人", max_length=50, blank=True, editable=False)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True, editable=False)
    due_date = models.DateField("答复期限", null=True, blank=True, editable=False)
    amendment_note = models.TextField("补正告知内容", blank=True, editable=False)
    amendment_deadline = models.DateField("补正期限", null=True, blank=True, editable=False)
    amendment_requested_at = models.DateField("告知补正日期", null=True, blank=True, editable=False)
    third_party = models.CharField("第三方", max_length=200, blank=True, editable=False)

    # ---- the reply
    reply_type = models.CharField("答复类型", max_length=16, choices=ReplyType.choices, blank=True, editable=False)
    reply_subreason = models.CharField("具体情形", max_length=24, choices=SUBREASON_CHOICES, blank=True, editable=False)
    reply_date = models.DateField("答复日期", null=True, blank=True, editable=False)
    reply_letter = models.TextField("答复书", blank=True, editable=False)
    closed_at = models.DateTimeField("归档时间", null=True, blank=True, editable=False)

    history = HistoricalRecords(
        verbose_name="依申请公开办理记录",
        excluded_fields=["id_number", "id_number_hash", "phone", "phone_hash", "attachment"],
    )

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["received_date"])]
        default_permissions = ("add", "change", "view")  # requests are archived, never deleted
        permissions = [
            ("publish_disclosurerequest", "可以批准延期"),
            ("view_pii", "可以在导出和列表中查看申请人证件号码和电话"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code}（{self.masked_name}）"

    def save(self, *args, **kwargs) -> None:
        from .pii import keyed_hash

        self.id_number_hash = keyed_hash(self.id_number)
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

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        """Requests are never public: the permission policy's public part is empty."""
        return cls._default_manager.none()


class ReplyTemplate(models.Model):
    """An editable reply letter per reply type (and sub-reason), citing its article."""

    reply_type = models.CharField("答复类型", max_length=16, choices=ReplyType.choices)
    subreason = models.CharField("具体情形", max_length=24, choices=SUBREASON_CHOICES, blank=True)
    article = models.CharField(
        "依据条款", max_length=200, help_text="例如：《中华人民共和国政府信息公开条例》第三十六条第（二）项"
    )
    body = models.TextField(
        "正文模板",
        help_text="可用占位符：{name} 申请人，{received} 收到申请日期，{description} 申请内容，"
        "{code} 查询码，{article} 依据条款，{agency} 答复机关，{date} 答复日期。",
    )

    history = HistoricalRecords(verbose_name="答复书模板历史")

    class Meta:
        verbose_name = "答复书模板"
        verbose_name_plural = "答复书模板"
        ordering = ["reply_type", "subreason"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply_type", "subreason"],
                name="unique_reply_template",
                violation_error_message="该答复类型和具体情形已有模板。",
            )
        ]

    def __str__(self) -> str:
        label = ReplyType(self.reply_type).label
        return f"{label}·{SUBREASON_LABELS[self.subreason]}" if self.subreason else label


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
