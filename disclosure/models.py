"""Government information disclosure (政府信息公开): the proactive-disclosure catalog.

domain.md §2 and §4 are the reference. Each department's disclosure section holds its
documents (``DisclosureDocumentPage``); a document gets its index number (索引号) on first
publication, never changed or reused. Classifications are editable taxonomies on three facets
(主题 / 体裁 / 组配); the statutory categories are also pages that list their documents across
departments. The column's index page serves the catalog with filters.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from simple_history.models import HistoricalRecords
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from permissions.models import Department, DepartmentSectionPage
from sitesearch.indexing import KeywordParts, SearchKeywordsMixin, keywords_field, plain_text

# ---- taxonomies --------------------------------------------------------------------------


class Facet(models.TextChoices):
    TOPIC = "topic", "主题分类"
    GENRE = "genre", "体裁分类"
    CATEGORY = "category", "组配分类（法定公开内容）"


class ClassificationQuerySet(models.QuerySet):
    def of(self, facet: str) -> ClassificationQuerySet:
        return self.filter(facet=facet, is_active=True)


class Classification(models.Model):
    """One value of a disclosure taxonomy; ``key`` is stable for the rules and the annual report."""

    facet = models.CharField("分类维度", max_length=16, choices=Facet.choices)
    key = models.SlugField("内部标识", max_length=40, blank=True, help_text="年度报告等引用的固定标识，自建值可留空。")
    code = models.CharField("编码", max_length=20, blank=True)
    name = models.CharField("名称", max_length=60)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = HistoricalRecords(verbose_name="公开分类历史")
    objects = ClassificationQuerySet.as_manager()

    class Meta:
        verbose_name = "信息公开分类"
        verbose_name_plural = "信息公开分类"
        ordering = ["facet", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "name"],
                name="unique_classification_name",
                violation_error_message="同一维度中名称不能重复。",
            ),
            models.UniqueConstraint(
                fields=["facet", "key"],
                condition=~models.Q(key=""),
                name="unique_classification_key",
                violation_error_message="同一维度中内部标识不能重复。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---- index numbers -----------------------------------------------------------------------


class IndexCounter(models.Model):
    """The last serial used for an issuing body in a year (never goes back: numbers are not reused)."""

    issuing_body = models.ForeignKey(Department, verbose_name="发布机构", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    last_serial = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "索引号计数器"
        verbose_name_plural = "索引号计数器"
        constraints = [models.UniqueConstraint(fields=["issuing_body", "year"], name="unique_index_counter")]

    def __str__(self) -> str:
        return f"{self.issuing_body_id}/{self.year}: {self.last_serial}"


# ---- pages -------------------------------------------------------------------------------


class Validity(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


class DisclosureIndexPage(RoutablePageMixin, Page):
    """政府信息公开: the disclosure column, with the catalog across departments."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]  # the site's home page, named by the site
    subpage_types = [
        "disclosure.DisclosureSectionPage",
        "disclosure.DisclosureCategoryPage",
        "disclosure.DisclosureGuidePage",
        "disclosure.AnnualReportIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "政府信息公开首页"
        verbose_name_plural = "政府信息公开首页"

    @path("")
    def index(self, request):
        from permissions.regions import in_region, request_region

        region = request_region(request)  # the visitor's 区划: its departments' sections and documents
        context = {
            "sections": in_region(DisclosureSectionPage.objects.child_of(self), region)
            .live()
            .public()
            .select_related("department")
            .order_by("department__sort_order", "title"),
            "categories": DisclosureCategoryPage.objects.child_of(self).live().public().order_by("path"),
            "guides": DisclosureGuidePage.objects.child_of(self).live().public(),
            "reports": AnnualReportPage.objects.descendant_of(self)
            .live()
            .public()
            .filter(scope__isnull=True)
            .order_by("-year"),
            "report_index": AnnualReportIndexPage.objects.child_of(self).live().public().first(),
            "latest": in_region(DisclosureDocumentPage.catalog_queryset(), region, field="issuing_body")[:10],
        }
        return self.render(request, context_overrides=context)

    @path("apply/", name="apply")
    def apply(self, request):
        from .request_views import apply

        return apply(self, request)

    @path("apply/submitted/", name="apply_submitted")
    def apply_submitted(self, request):
        from .request_views import submitted

        return submitted(self, request)

    @path("status/", name="request_status")
    def request_status(self, request):
        from .request_views import status

        return status(self, request)

    @path("status/letters/<int:letter_id>/", name="request_letter")
    def request_letter(self, request, letter_id: int):
        from .request_views import letter_pdf

        return letter_pdf(self, request, letter_id)

    @path("status/letters/<int:letter_id>/files/<int:attachment_id>/", name="request_letter_file")
    def request_letter_file(self, request, letter_id: int, attachment_id: int):
        from .request_views import letter_attachment

        return letter_attachment(self, request, letter_id, attachment_id)

    @path("catalog/", name="catalog")
    def catalog(self, request):
        from .catalog import catalog_context

        return self.render(request, context_overrides=catalog_context(request), template="disclosure/catalog.html")


class AnnualReportIndexPage(Page):
    """政府信息公开工作年度报告: the column of annual reports (国办公开办函〔2019〕61号), one of the four
    first-level sections of the disclosure column.

    The government's own reports are its children, edited and published by the disclosure office
    (政务公开办编辑 has page rights on this page only, granted by ``permissions.grants``); each
    department publishes its report in its own section, listed here too.
    """

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["disclosure.DisclosureIndexPage"]
    subpage_types = ["disclosure.AnnualReportPage"]
    max_count = 1

    class Meta:
        verbose_name = "年度报告栏目"
        verbose_name_plural = "年度报告栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        index = self.get_parent()
        reports = (
            AnnualReportPage.objects.descendant_of(index)
            .live()
            .public()
            .select_related("scope")
            .order_by("-year", "scope__sort_order", "title")
        )
        context["government_reports"] = [r for r in reports if r.scope_id is None]
        context["department_reports"] = [r for r in reports if r.scope_id is not None]
        return context


class DisclosureSectionPage(DepartmentSectionPage):
    """One department's disclosure column; its role groups may edit everything below it."""

    parent_page_types = ["disclosure.DisclosureIndexPage"]
    subpage_types = [
        "disclosure.DisclosureDocumentPage",
        "disclosure.DisclosureGuidePage",
        "disclosure.AnnualReportPage",
    ]

    class Meta:
        verbose_name = "部门信息公开栏目"
        verbose_name_plural = "部门信息公开栏目"

    def get_context(self, request, *args, **kwargs):
        from .catalog import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request, section=self))
        context["guides"] = DisclosureGuidePage.objects.child_of(self).live().public()
        return context


class DisclosureCategoryPage(Page):
    """A statutory proactive-disclosure category (法定主动公开内容) listing its documents."""

    category = models.ForeignKey(
        Classification,
        verbose_name="组配分类",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"facet": Facet.CATEGORY},
    )
    intro = RichTextField("说明", blank=True, features=["bold", "link", "ol", "ul"])
    content_panels = Page.content_panels + [FieldPanel("category"), FieldPanel("intro")]
    parent_page_types = ["disclosure.DisclosureIndexPage", "disclosure.DisclosureCategoryPage"]
    subpage_types = ["disclosure.DisclosureCategoryPage"]

    class Meta:
        verbose_name = "法定公开内容栏目"
        verbose_name_plural = "法定公开内容栏目"

    def get_context(self, request, *args, **kwargs):
        from .catalog import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request, category=self.category))
        context["subcategories"] = DisclosureCategoryPage.objects.child_of(self).live().public()
        return context


class DisclosureGuidePage(Page):
    """政府信息公开指南: what is published and where, how to apply, deadlines, fees, remedies."""

    body_scope = RichTextField("主动公开的内容和渠道", features=["bold", "link", "ol", "ul", "h3"])
    how_to_apply = RichTextField("依申请公开的受理渠道和方式", features=["bold", "link", "ol", "ul", "h3"])
    office = models.CharField("受理机构", max_length=200)
    address = models.CharField("地址", max_length=200)
    hours = models.CharField("办公时间", max_length=200)
    phone = models.CharField("咨询电话", max_length=60)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    processing = RichTextField("处理程序和答复期限", features=["bold", "link", "ol", "ul", "h3"])
    fees = RichTextField("收费", features=["bold", "link", "ol", "ul"])
    remedies = RichTextField("监督和救济", features=["bold", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        FieldPanel("body_scope"),
        FieldPanel("how_to_apply"),
        MultiFieldPanel(
            [
                FieldPanel("office"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("hours"), FieldPanel("phone")]),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("email")]),
            ],
            heading="受理机构",
        ),
        FieldPanel("processing"),
        FieldPanel("fees"),
        FieldPanel("remedies"),
    ]
    parent_page_types = ["disclosure.DisclosureIndexPage", "disclosure.DisclosureSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政府信息公开指南"
        verbose_name_plural = "政府信息公开指南"


INTERPRETATION_KEY = "policy_interpretation"  # the 组配分类 政策解读 (seeded by migration 0012)


class DisclosureDocumentForm(WagtailAdminPageForm):
    """The issuing body defaults to the department whose section the document is in; a 政策解读
    names the documents it explains, and only a 政策解读 does (checked here, where the form sees
    both the categories and the chosen documents)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department = getattr(getattr(self.parent_page, "specific", None), "department", None)
        if department is not None and not self.instance.issuing_body_id and "issuing_body" in self.fields:
            self.initial["issuing_body"] = department.pk

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("interpreted_links") if hasattr(self, "formsets") else None
        if formset is None or "categories" not in self.fields or not formset.is_valid():
            return cleaned
        chosen = []
        for form in formset.forms:
            if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("document"):
                continue
            document = form.cleaned_data["document"]
            if self.instance.pk and document.pk == self.instance.pk:
                form.add_error("document", "解读的文件不能是本文件自己。")
            elif document.pk in {d.pk for d in chosen}:
                form.add_error("document", f"“{document.title}”已经选过一次。")
            else:
                chosen.append(document)
        # A 解读 explains policy documents, not other 解读 (one query, whatever the number chosen).
        explaining = set(
            DisclosureDocumentPage.objects.filter(
                pk__in=[d.pk for d in chosen], categories__key=INTERPRETATION_KEY
            ).values_list("pk", flat=True)
        )
        for form in formset.forms:
            document = form.cleaned_data.get("document")
            if document is not None and document.pk in explaining and not form.errors:
                form.add_error("document", f"“{document.title}”本身是政策解读，请选择它所解读的政策文件。")
                chosen = [d for d in chosen if d.pk != document.pk]
        categories = cleaned.get("categories")
        is_interpretation = categories is not None and any(c.key == INTERPRETATION_KEY for c in categories)
        if chosen and not is_interpretation and "categories" not in self.errors:
            self.add_error("categories", "已选择“解读的文件”，请在组配分类中勾选“政策解读”。")
        if is_interpretation and not chosen and not any(f.errors for f in formset.forms):
            self.add_error("categories", "勾选“政策解读”时，请在“解读的文件”中选择所解读的政策文件。")
        return cleaned


class DisclosureDocumentPage(SearchKeywordsMixin, Page):
    """One item of the proactive-disclosure catalog (公开目录, domain.md §4).

    ``index_number`` and ``publication_date`` are assigned on first publication
    (``disclosure.index_numbers``) and belong to the record, not to a revision: loading or
    publishing an older revision keeps them.
    """

    index_number = models.CharField("索引号", max_length=60, unique=True, null=True, blank=True, editable=False)
    publication_date = models.DateField("发布日期", null=True, blank=True, editable=False)
    published_late = models.BooleanField(
        "超期发布", null=True, editable=False, help_text="发布日期晚于成文日期20个工作日以上；无法判定时为空。"
    )
    issuing_body = models.ForeignKey(
        Department,
        verbose_name="发布机构",
        on_delete=models.PROTECT,
        related_name="disclosure_documents",
        help_text="默认为本栏目所属部门。索引号按发布机构的统一社会信用代码编制。",
    )
    document_number = models.CharField("文号", max_length=60, blank=True, help_text="例如：示政办发〔2026〕12号")
    written_date = models.DateField("成文日期")
    summary = models.TextField("内容概述", max_length=500)
    keywords = models.CharField("主题词", max_length=120, blank=True, help_text="用空格或“、”分隔。")
    topic = models.ForeignKey(
        Classification,
        verbose_name="主题分类",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"facet": Facet.TOPIC, "is_active": True},
    )
    genre = models.ForeignKey(
        Classification,
        verbose_name="体裁分类",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"facet": Facet.GENRE, "is_active": True},
    )
    categories = ParentalManyToManyField(
        Classification,
        verbose_name="组配分类",
        related_name="+",
        blank=True,
        limit_choices_to={"facet": Facet.CATEGORY, "is_active": True},
    )
    scope = models.CharField("公开范围", max_length=40, default="面向社会")
    validity = models.CharField("有效性", max_length=16, choices=Validity.choices, default=Validity.IN_FORCE)
    validity_date = models.DateField("有效性变更日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替代文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    body = RichTextField("正文", features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image"])

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("written_date")]),
                FieldPanel("issuing_body"),
                FieldPanel("summary"),
                FieldPanel("keywords"),
            ],
            heading="公开目录要素",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("topic"), FieldPanel("genre")]),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                FieldPanel("scope"),
            ],
            heading="信息分类",
        ),
        InlinePanel(
            "interpreted_links",
            heading="解读的文件",
            label="解读的文件",
            help_text="本文件是政策解读时，选择它所解读的政策文件（可多个），并在组配分类中勾选“政策解读”；其他文件留空。",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_date")]), FieldPanel("replaced_by")],
            heading="有效性",
        ),
        FieldPanel("body"),
        InlinePanel("attachments", heading="附件", label="附件"),
    ]
    base_form_class = DisclosureDocumentForm
    parent_page_types = ["disclosure.DisclosureSectionPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [
        index.SearchField("document_number"),
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("validity"),
        index.FilterField("issuing_body"),
        keywords_field(),
    ]

    RECORD_FIELDS = ("index_number", "publication_date", "published_late")

    def search_keyword_parts(self) -> KeywordParts:
        issuing_body = self.issuing_body.name if self.issuing_body_id else ""
        return KeywordParts(
            title=self.title,
            names=[self.keywords, self.document_number],
            body=[self.summary, issuing_body, plain_text(self.body)],
        )

    class Meta:
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"
        indexes = [models.Index(fields=["publication_date"]), models.Index(fields=["validity"])]

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for field in self.RECORD_FIELDS:
            setattr(obj, field, getattr(self, field))
        return obj

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.validity != Validity.IN_FORCE and not self.validity_date:
            errors.setdefault("validity_date", []).append("文件已修改、废止或失效时，请填写变更日期。")
        if self.validity == Validity.IN_FORCE and (self.validity_date or self.replaced_by_id):
            errors.setdefault("validity", []).append("有效的文件不填写变更日期和替代文件。")
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors.setdefault("replaced_by", []).append("替代文件不能是本文件。")
        if self.written_date and self.publication_date and self.written_date > self.publication_date:
            errors.setdefault("written_date", []).append("成文日期不能晚于发布日期。")
        if errors:
            raise ValidationError(errors)

    def interpreted_documents(self) -> list[DisclosureDocumentPage]:
        """解读的文件: the live, public documents this 政策解读 explains, in the editor's order.

        Read from the page's own links (the revision shown, so a preview shows its draft's
        choices); one query for the view restrictions and one for the documents."""
        ids = [link.document_id for link in self.interpreted_links.all() if link.document_id]
        if not ids:
            return []
        found = DisclosureDocumentPage.objects.live().public().filter(pk__in=ids).in_bulk()
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def interpretations(self):
        """政策解读: the live, public 解读 that name this document (their published links)."""
        if not self.pk:
            return DisclosureDocumentPage.objects.none()
        return (
            DisclosureDocumentPage.objects.live()
            .public()
            .filter(pk__in=DocumentInterpretation.objects.filter(document=self).values("page"))
            .order_by("-publication_date", "-pk")
        )

    @classmethod
    def catalog_queryset(cls):
        """What the public catalog lists: live, public, numbered documents, newest first."""
        return (
            cls.objects.live()
            .public()
            .filter(index_number__isnull=False)
            .select_related("issuing_body", "topic", "genre")
            .order_by("-publication_date", "-index_number")
        )


class DocumentAttachment(Orderable):
    """附件: a Wagtail document attached to a disclosure document."""

    page = ParentalKey(
        DisclosureDocumentPage, verbose_name="公开信息", on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("附件名称", max_length=200, blank=True, help_text="留空时使用文件标题。")

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.title or self.document.title


class DocumentInterpretation(Orderable):
    """A 政策解读 names a policy document it explains (both pages show the link).

    Kept with the 解读's revisions (a ParentalKey child): a draft's choice goes public when the
    解读 is published. Only documents can be chosen (the chooser and the foreign key), not the
    解读 itself (``DisclosureDocumentForm.clean``)."""

    page = ParentalKey(
        DisclosureDocumentPage, verbose_name="政策解读", on_delete=models.CASCADE, related_name="interpreted_links"
    )
    document = models.ForeignKey(
        DisclosureDocumentPage,
        verbose_name="解读的文件",
        on_delete=models.CASCADE,
        related_name="interpretation_links",
    )

    panels = [PageChooserPanel("document", page_type="disclosure.DisclosureDocumentPage")]

    class Meta(Orderable.Meta):
        verbose_name = "解读的文件"
        verbose_name_plural = "解读的文件"

    def __str__(self) -> str:
        return f"{self.page_id} → {self.document_id}"


# Section 四: (prefix, heading) x (suffix, column); the 总计 columns are computed.
REVIEW_GROUPS = [
    ("rec", "行政复议"),
    ("lit_direct", "行政诉讼·未经复议直接起诉"),
    ("lit_after", "行政诉讼·复议后起诉"),
]
REVIEW_RESULTS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")]


def _review_field(group: str, result: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(f"{dict(REVIEW_GROUPS)[group]}：{dict(REVIEW_RESULTS)[result]}", default=0)


class AnnualReportPage(RoutablePageMixin, Page):
    """政府信息公开工作年度报告, in the official sections and tables (domain.md §3).

    Section 二 (rules and normative documents) and 三 (requests) are computed from the records
    into ``tables`` when the report is created or regenerated (政务公开 › 年度报告 › 重新生成);
    they are page content, so the published revision keeps the numbers it was published with.
    The rest is entered by staff.
    """

    year = models.PositiveSmallIntegerField("报告年度")
    scope = models.ForeignKey(
        Department,
        verbose_name="报告机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为本级人民政府（全部部门）。",
    )
    overview = RichTextField("一、总体情况", features=["bold", "ol", "ul", "link"])
    licensing_decisions = models.PositiveIntegerField("行政许可本年处理决定数量", default=0)
    punishment_decisions = models.PositiveIntegerField("行政处罚本年处理决定数量", default=0)
    enforcement_decisions = models.PositiveIntegerField("行政强制本年处理决定数量", default=0)
    fees_amount = models.DecimalField("行政事业性收费本年收费金额（万元）", max_digits=12, decimal_places=2, default=0)
    rec_upheld = _review_field("rec", "upheld")
    rec_corrected = _review_field("rec", "corrected")
    rec_other = _review_field("rec", "other")
    rec_pending = _review_field("rec", "pending")
    lit_direct_upheld = _review_field("lit_direct", "upheld")
    lit_direct_corrected = _review_field("lit_direct", "corrected")
    lit_direct_other = _review_field("lit_direct", "other")
    lit_direct_pending = _review_field("lit_direct", "pending")
    lit_after_upheld = _review_field("lit_after", "upheld")
    lit_after_corrected = _review_field("lit_after", "corrected")
    lit_after_other = _review_field("lit_after", "other")
    lit_after_pending = _review_field("lit_after", "pending")
    problems = RichTextField("五、存在的主要问题及改进情况", features=["bold", "ol", "ul", "link"])
    other_matters = RichTextField(
        "六、其他需要报告的事项",
        features=["bold", "ol", "ul", "link"],
        blank=True,
        help_text="信息处理费的收取情况由系统按收费记录统计，显示在本节开头。",
    )
    tables = models.JSONField("统计数据", default=dict, editable=False)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("scope")]),
        FieldPanel("overview"),
        MultiFieldPanel(
            [
                FieldPanel("licensing_decisions"),
                FieldRowPanel([FieldPanel("punishment_decisions"), FieldPanel("enforcement_decisions")]),
                FieldPanel("fees_amount"),
            ],
            heading="二、主动公开政府信息情况（规章和规范性文件由系统统计）",
        ),
        *[
            FieldRowPanel([FieldPanel(f"{group}_{result}") for result, _ in REVIEW_RESULTS], heading=f"四、{label}")
            for group, label in REVIEW_GROUPS
        ],
        FieldPanel("problems"),
        FieldPanel("other_matters"),
    ]
    parent_page_types = ["disclosure.AnnualReportIndexPage", "disclosure.DisclosureSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政府信息公开年度报告"
        verbose_name_plural = "政府信息公开年度报告"

    def review_table(self) -> list[tuple[str, list[int]]]:
        """Section 四 as (heading, [维持, 纠正, 其他, 尚未审结, 总计]) per group."""
        rows = []
        for group, label in REVIEW_GROUPS:
            values = [getattr(self, f"{group}_{result}") for result, _ in REVIEW_RESULTS]
            rows.append((label, [*values, sum(values)]))
        return rows

    def save(self, *args, **kwargs):
        if not self.tables and self.year:
            self.regenerate()
        return super().save(*args, **kwargs)

    def regenerate(self) -> None:
        """Count the records again (for the draft; the live revision keeps its numbers)."""
        from .report import compute_tables

        self.tables = compute_tables(self.year, self.scope)

    @path("")
    def report(self, request):
        from .report_views import report_context

        return self.render(request, context_overrides=report_context(self))

    @path("xlsx/", name="xlsx")
    def xlsx(self, request):
        from .report_views import xlsx_response

        return xlsx_response(self)


# Requests for disclosure live in their own module; imported here so Django registers them.
from .request_models import (  # noqa: E402,F401
    DisclosureRequest,
    DisclosureRequestGroupObjectPermission,
    DisclosureRequestUserObjectPermission,
    ReplyTemplate,
)
