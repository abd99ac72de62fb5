"""The catalog of service matters (事项): implementation records with every standard element.

domain.md §1 is the reference. A matter is a Wagtail snippet with drafts, revisions, locking
and workflow; its legal bases, materials, steps, fees, places and FAQ are inline children
edited with it and versioned in the same revisions. Enumerations whose codes differ between
provinces are editable ``Term`` lists; the rules refer to a term's stable ``key``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin, WorkflowMixin
from wagtail.search import index

from permissions.models import Department, DepartmentOwned
from sitesearch.indexing import KeywordParts, SearchKeywordsMixin, keywords_field

CODE_VALIDATOR = RegexValidator(r"^[0-9A-Za-z\-_.]+$", "编码只能包含字母、数字和 - _ . 符号。", code="code_charset")


class Vocabulary(models.TextChoices):
    """The editable enumerations of a matter (domain.md §1.1)."""

    POWER_SOURCE = "power_source", "权力来源"
    BODY_NATURE = "body_nature", "实施主体性质"
    LEVEL = "level", "行使层级"
    HANDLING_TYPE = "handling_type", "办件类型"
    HANDLING_FORM = "handling_form", "办理形式"
    ONLINE_DEPTH = "online_depth", "网上办理深度"
    SERVICE_OBJECT = "service_object", "服务对象"
    NATURAL_THEME = "natural_theme", "面向自然人主题分类"
    LEGAL_THEME = "legal_theme", "面向法人主题分类"
    RESULT_TYPE = "result_type", "审批结果类型"
    SERVICE_SCOPE = "service_scope", "通办范围"


class TermQuerySet(models.QuerySet):
    def of(self, vocabulary: str) -> TermQuerySet:
        return self.filter(vocabulary=vocabulary, is_active=True)


class Term(models.Model):
    """One value of an editable enumeration: a name users see, a code systems exchange.

    ``key`` is stable and never shown: the standardisation rules and statistics use it
    (``immediate`` for 即办件, ``depth_4`` for Ⅳ级, ``natural_person`` ...), so a province may
    rename or recode a value without breaking them.
    """

    vocabulary = models.CharField("所属列表", max_length=32, choices=Vocabulary.choices)
    key = models.SlugField("内部标识", max_length=40, blank=True, help_text="规则引用的固定标识，自建值可留空。")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("名称", max_length=60)
    aliases = models.CharField(
        "别名", max_length=200, blank=True, help_text="导入时也认这些写法，用“、”分隔，例如“法人”。"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    history = HistoricalRecords(verbose_name="列表值历史")
    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = "列表值"
        verbose_name_plural = "列表值"
        ordering = ["vocabulary", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "code"],
                name="unique_term_code",
                violation_error_message="同一列表中编码不能重复。",
            ),
            models.UniqueConstraint(
                fields=["vocabulary", "name"],
                name="unique_term_name",
                violation_error_message="同一列表中名称不能重复。",
            ),
            models.UniqueConstraint(
                fields=["vocabulary", "key"],
                condition=~models.Q(key=""),
                name="unique_term_key",
                violation_error_message="同一列表中内部标识不能重复。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Not auto_now: the history table needs a default for rows that existed before.
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace(",", "、").replace("，", "、").split("、") if a.strip()]


def _terms(vocabulary: str) -> dict:
    return {"vocabulary": vocabulary}


class MatterType(models.Model):
    """事项类型: an editable list, because codes differ between provinces (domain.md §1)."""

    code = models.CharField("编码", max_length=10, unique=True, error_messages={"unique": "已有相同编码的事项类型。"})
    name = models.CharField("名称", max_length=30, unique=True, error_messages={"unique": "已有同名的事项类型。"})
    key = models.SlugField("内部标识", max_length=40, blank=True, help_text="规则引用的固定标识，如 licensing。")
    applied_for = models.BooleanField(
        "依申请事项", default=False, help_text="由群众或企业申请办理的类型，这类事项有办事指南。"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = HistoricalRecords(verbose_name="事项类型历史")

    class Meta:
        verbose_name = "事项类型"
        verbose_name_plural = "事项类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class MatterStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_FORCE = "in_force", "在用"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "已取消"


class ChangeSignificance(models.TextChoices):
    MINOR = "minor", "一般变更（不公示）"
    MAJOR = "major", "重大变更（在变更公告中公示）"


class DelegationKind(models.TextChoices):
    DELEGATED = "delegated", "下放"
    ENTRUSTED = "entrusted", "委托"


VISITS_MAX = 3  # "3" means three or more visits (3+)


class Matter(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    DepartmentOwned,
    SearchKeywordsMixin,
    index.Indexed,
    ClusterableModel,
):
    """One implementation record (实施清单) of a service matter, owned by one department.

    ``status``, ``version`` and the delegation link belong to the record as a whole, not to a
    revision: they change only through the lifecycle actions (``matters.lifecycle``) and are
    kept when a revision is loaded or published.
    """

    # ---- identity
    implementation_code = models.CharField(
        "实施编码",
        max_length=50,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text="以实施主体的统一社会信用代码开头，最长50位；一经使用不再复用。",
        error_messages={"unique": "该实施编码已被其他事项使用。"},
    )
    basic_code = models.CharField(
        "基本编码",
        max_length=50,
        blank=True,
        validators=[CODE_VALIDATOR],
        help_text="基本目录中的编码（通常12位）；同一基本编码可有多个实施清单。",
    )
    business_item_code = models.CharField("业务办理项编码", max_length=50, blank=True, validators=[CODE_VALIDATOR])
    name = models.CharField("事项名称", max_length=200)
    version = models.PositiveIntegerField("事项版本", default=0, editable=False, help_text="每次发布变更加一。")
    matter_type = models.ForeignKey(
        MatterType, verbose_name="事项类型", on_delete=models.PROTECT, related_name="matters"
    )
    power_source = models.ForeignKey(
        Term,
        verbose_name="权力来源",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.POWER_SOURCE),
    )
    body_nature = models.ForeignKey(
        Term,
        verbose_name="实施主体性质",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.BODY_NATURE),
    )
    entrusting_department = models.ForeignKey(
        Department,
        verbose_name="委托部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entrusted_matters",
    )
    joint_bodies = models.CharField("联办机构", max_length=300, blank=True)
    exercise_levels = ParentalManyToManyField(
        Term,
        verbose_name="行使层级",
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.LEVEL),
    )

    # ---- conditions and process
    acceptance_conditions = models.TextField("受理条件", blank=True)
    no_materials_needed = models.BooleanField("无需提交材料", default=False, help_text="确实不需要任何申请材料时勾选。")
    process_description = models.TextField("办理流程", blank=True, help_text="线下和网上办理流程说明。")
    handling_type = models.ForeignKey(
        Term,
        verbose_name="办件类型",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.HANDLING_TYPE),
    )
    statutory_limit = models.PositiveSmallIntegerField(
        "法定办结时限（工作日）", null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    statutory_limit_note = models.CharField("法定办结时限说明", max_length=300, blank=True)
    promised_limit = models.PositiveSmallIntegerField(
        "承诺办结时限（工作日）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text="即办件填 0。",
    )
    promised_limit_note = models.CharField("承诺办结时限说明", max_length=300, blank=True)

    # ---- fees
    is_charged = models.BooleanField("是否收费", default=False)
    online_payment = models.BooleanField("支持网上支付", default=False)

    # ---- service channels
    visits = models.PositiveSmallIntegerField(
        "到办事现场次数",
        default=1,
        validators=[MaxValueValidator(VISITS_MAX)],
        choices=[(0, "0次"), (1, "1次"), (2, "2次"), (3, "3次及以上")],
    )
    visit_reason = models.CharField("必须现场办理原因说明", max_length=300, blank=True)
    handling_forms = ParentalManyToManyField(
        Term,
        verbose_name="办理形式",
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.HANDLING_FORM),
    )
    online_depth = models.ForeignKey(
        Term,
        verbose_name="网上办理深度",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.ONLINE_DEPTH),
    )
    online_url = models.URLField("网上办理地址", blank=True)
    appointment = models.BooleanField("支持预约办理", default=False)
    daily_appointments = models.PositiveIntegerField("每天可预约办理量", null=True, blank=True)
    express_delivery = models.BooleanField("支持物流快递", default=False)
    self_service = models.BooleanField("支持自助终端办理", default=False)
    in_hall = models.BooleanField("进驻政务大厅", default=True)
    service_scope = models.ForeignKey(
        Term,
        verbose_name="通办范围",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.SERVICE_SCOPE),
    )

    # ---- who it serves
    service_objects = ParentalManyToManyField(
        Term,
        verbose_name="服务对象",
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.SERVICE_OBJECT),
    )
    natural_themes = ParentalManyToManyField(
        Term,
        verbose_name="面向自然人主题分类",
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.NATURAL_THEME),
    )
    legal_themes = ParentalManyToManyField(
        Term,
        verbose_name="面向法人主题分类",
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.LEGAL_THEME),
    )

    # ---- where, when, whom to ask
    consultation = models.TextField("咨询方式", blank=True, help_text="电话、网址、邮箱、地址，一行一种。")
    complaint = models.TextField("监督投诉方式", blank=True, help_text="例如 12345 政务服务便民热线。")

    # ---- result
    result_type = models.ForeignKey(
        Term,
        verbose_name="审批结果类型",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=_terms(Vocabulary.RESULT_TYPE),
    )
    result_name = models.CharField("审批结果名称", max_length=200, blank=True)
    result_sample = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="审批结果样本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # ---- rights, limits, special procedures
    rights = models.TextField("依法享有的权利", blank=True)
    obligations = models.TextField("依法履行的义务", blank=True)
    remedies = models.TextField("行政复议和行政诉讼途径", blank=True)
    quantity_limit = models.TextField("数量限制", blank=True)
    special_procedures = models.TextField(
        "特别程序", blank=True, help_text="听证、专家评审、检验检测等及其时限（不计入办结时限）。"
    )
    intermediary_exists = models.BooleanField("存在中介服务", default=False)
    intermediary_name = models.CharField("中介服务名称", max_length=200, blank=True)
    intermediary_content = models.TextField("中介服务内容", blank=True)

    # ---- lifecycle (of the record as a whole; see the class docstring)
    status = models.CharField(
        "事项状态",
        max_length=16,
        choices=MatterStatus.choices,
        default=MatterStatus.DRAFT,
        editable=False,
    )
    planned_effective_date = models.DateField("计划生效日期", null=True, blank=True)
    planned_cancel_date = models.DateField("计划取消日期", null=True, blank=True)
    source_matter = models.ForeignKey(
        "self",
        verbose_name="上级事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_matters",
        editable=False,
        help_text="下放或委托时，本实施清单对应的上级实施清单。",
    )
    delegation_kind = models.CharField(
        "下放/委托", max_length=16, choices=DelegationKind.choices, blank=True, editable=False
    )

    # ---- this change (kept in the revision; see get_latest_revision_as_object)
    change_significance = models.CharField(
        "本次变更类型",
        max_length=8,
        choices=ChangeSignificance.choices,
        default=ChangeSignificance.MINOR,
    )
    change_note = models.CharField(
        "公开的变更说明", max_length=300, blank=True, help_text="重大变更必填，发布后显示在事项变更公告中。"
    )

    # ---- standardisation results of the saved record (see matters.standards)
    check_errors = models.PositiveSmallIntegerField("标准化错误数", default=0, editable=False)
    check_warnings = models.PositiveSmallIntegerField("标准化提醒数", default=0, editable=False)
    completeness = models.PositiveSmallIntegerField("要素完整度（%）", default=0, editable=False)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # Deleting a matter deletes its revisions and workflow states with it (as bakerydemo's Person).
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="matter")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="matter",
        for_concrete_model=False,
    )

    # Fields that describe the record as a whole and never come from a revision.
    RECORD_FIELDS = (
        "status",
        "version",
        "source_matter_id",
        "delegation_kind",
        "check_errors",
        "check_warnings",
        "completeness",
    )

    # The site search (docs/search.md): segmented name and result, codes; public ones are filtered.
    search_fields = [
        keywords_field(),
        index.FilterField("id"),
        index.FilterField("live"),
        index.FilterField("status"),
        index.FilterField("department"),
    ]

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["department__sort_order", "implementation_code"]
        permissions = [
            ("publish_matter", "可以发布事项"),
            ("lock_matter", "可以锁定事项"),
            ("unlock_matter", "可以解锁他人锁定的事项"),
        ]
        indexes = [
            models.Index(fields=["status", "live"]),
            models.Index(fields=["basic_code"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    # ---- Wagtail revisions --------------------------------------------------------------
    @property
    def revisions(self):
        return self._revisions

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for field in self.RECORD_FIELDS:
            setattr(obj, field, getattr(self, field))
        return obj

    def get_latest_revision_as_object(self):
        """The object to edit: a fresh "this change" when the latest revision is the live one."""
        obj = super().get_latest_revision_as_object()
        if self.live and self.latest_revision_id and self.latest_revision_id == self.live_revision_id:
            obj.change_significance = ChangeSignificance.MINOR
            obj.change_note = ""
        return obj

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.change_significance == ChangeSignificance.MAJOR and not self.change_note.strip():
            errors.setdefault("change_note", []).append("重大变更必须填写公开的变更说明。")
        if (
            self.planned_effective_date
            and self.planned_cancel_date
            and self.planned_cancel_date < self.planned_effective_date
        ):
            errors.setdefault("planned_cancel_date", []).append("计划取消日期不能早于计划生效日期。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # The standardisation results describe what is being saved (children included, as
        # they are in memory now), so they are computed here rather than after the fact.
        from .standards import apply_results

        apply_results(self)
        self._number_children()
        super().save(*args, **kwargs)

    def _number_children(self) -> None:
        """Number the child lists assigned in memory (API writes, imports, revisions) in the order given."""
        for relation in ORDERED_CHILDREN:
            manager = getattr(self, relation)
            if manager.is_deferring:
                for index, child in enumerate(manager.all()):
                    child.sort_order = index

    @classmethod
    def get_indexed_objects(cls):
        return super().get_indexed_objects().select_related("department", "matter_type")

    def search_keyword_parts(self) -> KeywordParts:
        return KeywordParts(
            title=self.name,
            names=[self.result_name, self.implementation_code, self.basic_code],
            body=[self.department.name, self.matter_type.name],
        )

    # ---- public visibility ---------------------------------------------------------------
    @classmethod
    def public_queryset(cls) -> models.QuerySet[Matter]:
        """What anyone may read: published matters that are in force."""
        return cls._default_manager.filter(live=True, status=MatterStatus.IN_FORCE)

    @property
    def is_public(self) -> bool:
        return self.live and self.status == MatterStatus.IN_FORCE

    @classmethod
    def with_elements(cls, queryset: models.QuerySet[Matter] | None = None) -> models.QuerySet[Matter]:
        """The queryset a page needs to show every public element of its matters.

        A fixed number of queries however many materials, steps or fees a matter has; the
        catalog's matter page, service guides and bundle guides all read through it.
        """
        queryset = cls._default_manager.all() if queryset is None else queryset
        return queryset.select_related(
            "department",
            "matter_type",
            "handling_type",
            "online_depth",
            "power_source",
            "body_nature",
            "entrusting_department",
            "service_scope",
            "result_type",
            "result_sample",
        ).prefetch_related(
            "legal_bases",
            "steps",
            "fees",
            "places",
            "faqs",
            "exercise_levels",
            "handling_forms",
            "service_objects",
            "natural_themes",
            "legal_themes",
            models.Prefetch("materials", queryset=Material.objects.select_related("blank_form", "sample")),
        )


# A matter's lists keep the order they were given in. The admin's forms number them; Matter.save
# numbers any list assigned in code (API writes, imports); rows older than that fall back to
# creation order instead of whatever order the database picks (a case's material i is the
# matter's material i, so the order must be one answer everywhere).
CHILD_ORDERING = ["sort_order", "pk"]
ORDERED_CHILDREN = ("legal_bases", "materials", "steps", "fees", "places", "faqs")


class LegalBasis(Orderable):
    """设定依据: one law or regulation article the matter rests on."""

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="legal_bases")
    law_name = models.CharField("法律法规名称", max_length=200)
    document_number = models.CharField("依据文号", max_length=100, blank=True)
    article = models.CharField("条款号", max_length=100, blank=True)
    text = models.TextField("条款内容", blank=True)

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "设定依据"
        verbose_name_plural = "设定依据"

    def __str__(self) -> str:
        return f"{self.law_name} {self.article}".strip()


class MaterialType(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    BOTH = "both", "原件和复印件"


class MaterialForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质和电子"


class Necessity(models.TextChoices):
    REQUIRED = "required", "必要"
    CONDITIONAL = "conditional", "非必要"
    DEFERRABLE = "deferrable", "容缺后补"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT = "government", "政府部门核发"
    INTERMEDIARY = "intermediary", "中介机构出具"
    OTHER = "other", "其他"


class PaperSpec(models.TextChoices):
    A4 = "A4", "A4"
    A3 = "A3", "A3"
    ANY = "any", "不限"


class Material(Orderable):
    """申请材料 (domain.md §1.2)."""

    # The standard elements of a material, in the order of the 实施清单: what the API reads and
    # writes (one list for both, so a new element cannot reach one and miss the other).
    ELEMENT_FIELDS = (
        "name",
        "material_type",
        "material_form",
        "original_copies",
        "copy_copies",
        "paper_spec",
        "necessity",
        "condition",
        "source",
        "source_note",
        "exempt",
        "fill_instructions",
        "acceptance_criteria",
        "basis",
        "note",
    )

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    material_type = models.CharField(
        "材料类型", max_length=12, choices=MaterialType.choices, default=MaterialType.ORIGINAL
    )
    material_form = models.CharField(
        "材料形式", max_length=12, choices=MaterialForm.choices, default=MaterialForm.PAPER
    )
    original_copies = models.PositiveSmallIntegerField("原件份数", default=1)
    copy_copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    paper_spec = models.CharField("纸质材料规格", max_length=4, choices=PaperSpec.choices, default=PaperSpec.A4)
    necessity = models.CharField("必要性", max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED)
    condition = models.CharField(
        "适用情形", max_length=300, blank=True, help_text="非必要或容缺材料在什么情况下需要提交。"
    )
    source = models.CharField(
        "来源渠道", max_length=16, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    source_note = models.CharField("来源渠道说明", max_length=200, blank=True, help_text="例如核发部门名称。")
    exempt = models.BooleanField("免提交", default=False, help_text="可通过部门间数据共享获取，申请人无需提交。")
    blank_form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="空白表格",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="示例样表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fill_instructions = models.TextField("填报须知", blank=True)
    acceptance_criteria = models.TextField("受理标准", blank=True)
    basis = models.CharField("要求提供材料的依据", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.necessity != Necessity.REQUIRED and not self.condition.strip():
            raise ValidationError({"condition": "非必要或容缺后补的材料须写明适用情形。"})


class ProcessStep(Orderable):
    """办理环节."""

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("环节名称", max_length=100)
    role = models.CharField("办理处室/岗位", max_length=100, blank=True)
    handler = models.CharField("办理人", max_length=100, blank=True)
    time_limit = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True)
    criteria = models.TextField("审查标准", blank=True)
    special_procedure = models.BooleanField("有特别程序", default=False)

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return self.name


class Fee(Orderable):
    """收费项目."""

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("收费项目名称", max_length=200)
    standard = models.CharField("收费标准", max_length=300)
    basis = models.CharField("收费依据", max_length=300)
    reducible = models.BooleanField("允许减免", default=False)
    reduction_basis = models.CharField("减免依据", max_length=300, blank=True)

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"

    def __str__(self) -> str:
        return self.name


class HandlingPlace(Orderable):
    """办理地点 and 办理时间 (per window or office)."""

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="places")
    name = models.CharField("地点名称", max_length=200, help_text="例如 市政务服务中心二楼 市场监管窗口。")
    address = models.CharField("地址", max_length=300)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    hours = models.CharField("办理时间", max_length=300, blank=True)
    directions = models.CharField("交通指引", max_length=300, blank=True)

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "办理地点"
        verbose_name_plural = "办理地点"

    def __str__(self) -> str:
        return self.name


class FAQ(Orderable):
    """常见问题解答."""

    matter = ParentalKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("解答")

    class Meta(Orderable.Meta):
        ordering = CHILD_ORDERING
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"

    def __str__(self) -> str:
        return self.question


class MatterUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key object permission table for users (faster than guardian's generic one)."""

    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "事项用户授权"
        verbose_name_plural = "事项用户授权"


class MatterGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-foreign-key object permission table for groups (department roles)."""

    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "事项用户组授权"
        verbose_name_plural = "事项用户组授权"


class ImportBatch(models.Model):
    """One confirmed workbook import: who, which file, what it did, and how to undo it.

    ``items`` records, per touched matter, the revisions before and after the import, so the
    whole batch can be reverted (matters.importing.revert_batch). The batch is the reason
    shown in each matter's history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=255)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    items = models.JSONField("导入明细", default=list, editable=False)
    reverted_at = models.DateTimeField("撤销时间", null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "事项导入批次"
        verbose_name_plural = "事项导入批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"导入批次 #{self.pk}（{self.file_name}）"

    @property
    def reason(self) -> str:
        return f"Excel导入：{self}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class MatterExport(models.Model):
    """An export of the catalog too large to render inside the request (matters.exports).

    ``params`` is the listing's query string: the task applies it again to what the requesting
    user may see when it runs. The file lives in ``STORAGES["private"]`` under ``file_name`` and
    is served only to ``user``; it is deleted with the record (``matters.prune_exports``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    params = models.TextField("筛选条件", blank=True)
    format = models.CharField("格式", max_length=8, choices=[("xlsx", "Excel"), ("csv", "CSV")], default="xlsx")
    status = models.CharField("状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    row_count = models.PositiveIntegerField("事项数", default=0)
    file_name = models.CharField("文件", max_length=255, blank=True, editable=False)
    error = models.CharField("错误", max_length=300, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "事项导出"
        verbose_name_plural = "事项导出"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="matters_export_user_created")]

    def __str__(self) -> str:
        return f"事项导出 #{self.pk}"

    @property
    def download_name(self) -> str:
        """The name the browser saves, as the instant download names it."""
        stamp = timezone.localtime(self.created_at).strftime("%Y%m%d-%H%M")
        return f"事项清单-{stamp}.{self.format}"


# The public catalog page lives in its own module; imported here so Django registers it.
from .pages import MatterCatalogPage  # noqa: E402,F401
