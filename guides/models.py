"""Service guide pages (办事指南) and bundled "一件事" guides, built on the matters.

A guide never copies a matter element: conditions, materials, steps, time limits, fees,
places and bases are read from the live matter when the page is served. Editors add only
what a guide alone has (``guides.blocks``). A guide lives in its department's guide section;
a bundle lives in its lead department's section and references matters of any department,
which stay theirs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from modelcluster.fields import ParentalKey
from simple_history.models import HistoricalRecords
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from matters.models import Matter
from permissions.models import DepartmentSectionPage
from permissions.regions import in_region, region_department_ids, request_region
from sitesearch.indexing import KeywordParts, SearchKeywordsMixin, keywords_field

from .blocks import GuideBodyBlock
from .notice import Notice, build_notice, combined_limit, format_limit, status_notice
from .panels import StalenessPanel


class GuideIndexPage(Page):
    """办事指南: the index of every department's guide section."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]  # the site's home page, named by the site
    subpage_types = ["guides.GuideSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = "办事指南首页"
        verbose_name_plural = "办事指南首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        region = request_region(request)  # the visitor's 区划: its departments' sections and bundles
        sections = list(
            in_region(GuideSectionPage.objects.child_of(self), region)
            .live()
            .public()
            .select_related("department")
            .order_by("department__sort_order", "title")
        )
        counts = _live_guide_counts(sections)
        context["sections"] = [(s, counts.get(s.path, 0)) for s in sections if counts.get(s.path)]
        context["bundles"] = in_region_sections(
            BundleGuidePage.objects.live().public().descendant_of(self), region
        ).order_by("title")
        return context


def in_region_sections(pages, region):
    """Guide and bundle pages whose department's guide section belongs to the 区划 ``region``
    (a bundle counts for its lead department, whose section holds it): one subquery, no query."""
    ids = region_department_ids(region)
    if ids is None:
        return pages
    sections = GuideSectionPage.objects.filter(department_id__in=sorted(ids)).values("path")
    return pages.annotate(section_path=Substr("path", 1, (F("depth") - 1) * 4)).filter(section_path__in=sections)


def _live_guide_counts(sections) -> dict[str, int]:
    """Live guide and bundle pages below each section, by the section's tree path (one query)."""
    if not sections:
        return {}
    depth = sections[0].depth
    counts: dict[str, int] = {}
    rows = Page.objects.live().filter(depth=depth + 1, path__startswith=sections[0].path[: (depth - 1) * 4])
    for path_ in rows.values_list("path", flat=True):
        counts[path_[: depth * 4]] = counts.get(path_[: depth * 4], 0) + 1
    return counts


class GuideSectionPage(DepartmentSectionPage):
    """One department's guides; its role groups may edit everything below it."""

    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types = ["guides.GuidePage", "guides.BundleGuidePage"]

    class Meta:
        verbose_name = "部门办事指南栏目"
        verbose_name_plural = "部门办事指南栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = (
            GuidePage.objects.child_of(self)
            .live()
            .public()
            .select_related("matter", "matter__matter_type", "matter__handling_type")
            .order_by("matter__matter_type__sort_order", "title")
        )
        context["bundles"] = BundleGuidePage.objects.child_of(self).live().public().order_by("title")
        return context


# ---- forms -------------------------------------------------------------------------------


def section_department(parent_page):
    """The department whose guide section ``parent_page`` is (None outside sections)."""
    section = getattr(parent_page, "specific", parent_page)
    return getattr(section, "department", None)


def check_linkable(matter: Matter) -> None:
    """Only a matter that is published and in force may be linked from a public page."""
    if not matter.is_public:
        raise ValidationError(f"“{matter.name}”不是已发布的在用事项（当前：{matter.get_status_display()}），不能关联。")


class GuidePageForm(WagtailAdminPageForm):
    """The matter of a guide: in force, of the section's department, and not guided twice."""

    def clean_matter(self):
        matter = self.cleaned_data.get("matter")
        if matter is None or "matter" not in self.changed_data:
            return matter
        check_linkable(matter)
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        department = section_department(parent) if parent is not None else None
        if department is not None and matter.department_id != department.pk:
            raise ValidationError(
                f"“{matter.name}”属于{matter.department.name}，只能关联本栏目所属部门（{department.name}）的事项。"
            )
        others = GuidePage.objects.filter(matter=matter).exclude(pk=self.instance.pk)
        if other := others.first():
            raise ValidationError(f"“{matter.name}”已有办事指南《{other.title}》，一个事项只设一份指南。")
        return matter


class BundleGuidePageForm(WagtailAdminPageForm):
    """Members must be matters in force, each once; the promised total may only compress."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("members")
        if formset is None:
            return cleaned
        seen: set[int] = set()
        staged: list[tuple[int, int | None]] = []
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE") or not form.cleaned_data.get("matter"):
                continue
            matter = form.cleaned_data["matter"]
            if matter.pk in seen:
                form.add_error("matter", f"“{matter.name}”重复，每个事项只列一次。")
            seen.add(matter.pk)
            if "matter" in form.changed_data:
                try:
                    check_linkable(matter)
                except ValidationError as error:
                    form.add_error("matter", error)
            staged.append((form.cleaned_data.get("stage") or 1, matter.promised_limit))
        if len(seen) < 2:
            self.add_error(None, "“一件事”至少包含两个事项。")
        promised_total = cleaned.get("promised_total")
        computed = combined_limit(staged)
        if promised_total is not None and computed is not None and promised_total > computed:
            self.add_error(
                "promised_total",
                f"承诺总时限不能超过各事项按办理顺序合计的承诺时限（{format_limit(computed)}）。",
            )
        return cleaned


# ---- the pages ---------------------------------------------------------------------------


class MatterGuideMixin(RoutablePageMixin):
    """The screen, print and PDF views a guide and a bundle share.

    The page class provides ``staged_matters()`` (its matters, read through
    ``Matter.with_elements``, with their step numbers) and ``build_notice(staged)``.
    """

    @path("")
    def guide(self, request):
        from .printing import guide_context

        return self.render(request, context_overrides=guide_context(self, request))

    @path("print/", name="print")
    def print_view(self, request):
        from .printing import print_response

        return print_response(self, request)

    @path("print/pdf/", name="pdf")
    def pdf_view(self, request):
        from .printing import pdf_response

        return pdf_response(self, request)


class GuidePage(MatterGuideMixin, SearchKeywordsMixin, Page):
    """办事指南: one matter, read live, with what only a guide has."""

    matter = models.ForeignKey(
        Matter,
        verbose_name="事项",
        on_delete=models.PROTECT,
        related_name="guide_pages",
        help_text="只能选择本部门已发布的在用事项。事项的条件、材料、时限、收费等直接取自事项，不在指南中重复填写。",
    )
    summary = models.CharField(
        "一句话说明", max_length=200, blank=True, help_text="谁、在什么情况下需要办理，显示在标题下方和列表中。"
    )
    body = StreamField(GuideBodyBlock(), verbose_name="指南内容", blank=True, use_json_field=True)

    content_panels = [
        StalenessPanel(),
        *Page.content_panels,
        HelpPanel(
            "<p>指南中的受理条件、申请材料、办理流程、时限、收费、地点和依据都实时取自所关联的事项，"
            "修改这些内容请编辑事项本身。这里只填写指南特有的提示、图解、问答、表格和位置。</p>",
            heading="说明",
        ),
        FieldPanel("matter"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    base_form_class = GuidePageForm
    parent_page_types = ["guides.GuideSectionPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.RelatedFields("matter", [index.SearchField("name"), index.SearchField("implementation_code")]),
        keywords_field(),
    ]
    # For Wagtail's own API v2, used only as the reference in bench/api_bench.py; the platform's
    # API is /api/v1/guides/ (guides/api.py).
    api_fields = [APIField("matter"), APIField("summary"), APIField("body")]

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"

    def search_keyword_parts(self) -> KeywordParts:
        matter = self.matter if self.matter_id else None
        names = [matter.name, matter.result_name] if matter is not None else []
        return KeywordParts(title=self.title, names=names, body=[self.summary])

    def staged_matters(self) -> list[tuple[int, Matter]]:
        matter = Matter.with_elements(Matter.objects.filter(pk=self.matter_id)).first()
        return [(1, matter)] if matter is not None else []

    def build_notice(self, staged=None) -> Notice:
        staged = self.staged_matters() if staged is None else staged
        return build_notice(self.title, staged)

    def get_meta_description(self) -> str:
        return self.search_description or self.summary


class BundleGuidePage(MatterGuideMixin, SearchKeywordsMixin, Page):
    """一件事一次办: several matters, possibly of several departments, read as one guide."""

    summary = models.CharField("一句话说明", max_length=200, blank=True, help_text="例如：开一家餐馆需要办的全部手续。")
    windows_note = models.TextField(
        "综合窗口",
        blank=True,
        help_text="“一件事”统一受理窗口，例如“市政务服务中心一楼‘一件事’综合窗口”。留空时列出各事项的办理地点。",
    )
    promised_total = models.PositiveSmallIntegerField(
        "承诺总时限（工作日）",
        null=True,
        blank=True,
        help_text="“一件事”整体承诺的办结时限；留空时按办理顺序合计各事项的承诺时限。",
    )
    body = StreamField(GuideBodyBlock(), verbose_name="指南内容", blank=True, use_json_field=True)

    content_panels = [
        StalenessPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        InlinePanel(
            "members",
            heading="包含的事项",
            label="事项",
            min_num=2,
            help_text="按办理顺序排列；同一步骤号的事项并联办理。其他部门的事项仍由其部门维护。",
        ),
        MultiFieldPanel([FieldPanel("windows_note"), FieldPanel("promised_total")], heading="受理与时限"),
        FieldPanel("body"),
    ]
    base_form_class = BundleGuidePageForm
    parent_page_types = ["guides.GuideSectionPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("summary"), keywords_field()]
    search_keywords_from_children = True  # its matters' names come from the members

    class Meta:
        verbose_name = "“一件事”指南"
        verbose_name_plural = "“一件事”指南"

    def search_keyword_parts(self) -> KeywordParts:
        names = [member.matter.name for member in self.members.select_related("matter")] if self.pk else []
        return KeywordParts(title=self.title, names=names, body=[self.summary])

    def member_rows(self):
        return list(self.members.all())

    def staged_matters(self) -> list[tuple[int, Matter]]:
        members = self.member_rows()
        matters = {m.pk: m for m in Matter.with_elements(Matter.objects.filter(pk__in=[x.matter_id for x in members]))}
        return [(member.stage, matters[member.matter_id]) for member in members if member.matter_id in matters]

    def build_notice(self, staged=None) -> Notice:
        staged = self.staged_matters() if staged is None else staged
        return build_notice(
            self.title,
            staged,
            is_bundle=True,
            windows_note=self.windows_note,
            promised_total=self.promised_total,
        )

    def get_meta_description(self) -> str:
        return self.search_description or self.summary


class BundleMember(Orderable):
    """A matter in a bundle, at a step of the order (same step: handled in parallel)."""

    page = ParentalKey(BundleGuidePage, verbose_name="“一件事”指南", on_delete=models.CASCADE, related_name="members")
    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.PROTECT, related_name="bundle_members")
    stage = models.PositiveSmallIntegerField(
        "办理步骤", default=1, help_text="第几步办理；同一步的事项同时（并联）办理。"
    )
    note = models.CharField("说明", max_length=200, blank=True, help_text="例如：需要时办理；在哪一步之后办理。")

    panels = [FieldRowPanel([FieldPanel("matter"), FieldPanel("stage")]), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "“一件事”包含的事项"
        verbose_name_plural = "“一件事”包含的事项"


# ---- review state (staleness) ------------------------------------------------------------


class GuideReview(models.Model):
    """When a guide was last reviewed against its matters, by whom, and what it said then.

    Written when a guide is published (only reviewers publish, through the department's
    workflow) and when a reviewer confirms a guide after its matter changed. Not a page field:
    a later publication of an older revision must not undo a confirmation.
    """

    page = models.OneToOneField(Page, verbose_name="指南", on_delete=models.CASCADE, related_name="guide_review")
    reviewed_at = models.DateTimeField("核对时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核对人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField("核对时的告知内容", default=dict, editable=False)

    history = HistoricalRecords(verbose_name="指南核对历史")

    class Meta:
        verbose_name = "指南核对记录"
        verbose_name_plural = "指南核对记录"

    def __str__(self) -> str:
        return f"{self.page} 核对于 {self.reviewed_at:%Y-%m-%d %H:%M}"


class ReviewedMatter(models.Model):
    """The version and status of one matter when its guide was last reviewed."""

    review = models.ForeignKey(GuideReview, verbose_name="核对记录", on_delete=models.CASCADE, related_name="matters")
    page = models.ForeignKey(Page, verbose_name="指南", on_delete=models.CASCADE, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField("事项版本")
    status = models.CharField("事项状态", max_length=16)

    class Meta:
        verbose_name = "核对时的事项版本"
        verbose_name_plural = "核对时的事项版本"
        constraints = [models.UniqueConstraint(fields=["page", "matter"], name="unique_reviewed_matter")]

    def __str__(self) -> str:
        return f"{self.matter_id} 第{self.version}版（{self.status}）"


def _unreviewed(page_ref: str):
    """True when the outer row's matter has no review row matching its current version and status."""
    return ~Exists(
        ReviewedMatter.objects.filter(
            page_id=OuterRef(page_ref),
            matter_id=OuterRef("matter_id"),
            version=OuterRef("matter__version"),
            status=OuterRef("matter__status"),
        )
    )


def guide_stale_annotation():
    """For GuidePage querysets: the matter changed since the guide was last reviewed."""
    return _unreviewed("pk")


def bundle_stale_annotation():
    """For BundleGuidePage querysets: any member matter changed since the last review."""
    return Exists(BundleMember.objects.filter(page_id=OuterRef("pk")).filter(_unreviewed("page_id")))


# ---- printed editions --------------------------------------------------------------------


class PrintEdition(models.Model):
    """What one printed version of a guide's notice said, identified by its content.

    Printing the same content again reuses the row; the QR code on the sheet carries the
    code, so a visitor scanning an old sheet is told what has changed since.
    """

    page = models.ForeignKey(Page, verbose_name="指南", on_delete=models.CASCADE, related_name="print_editions")
    code = models.CharField("版本码", max_length=12)
    snapshot = models.JSONField("告知内容", editable=False)
    first_printed_at = models.DateTimeField("首次打印时间", auto_now_add=True)

    class Meta:
        verbose_name = "告知单印制版本"
        verbose_name_plural = "告知单印制版本"
        constraints = [models.UniqueConstraint(fields=["page", "code"], name="unique_print_edition")]

    def __str__(self) -> str:
        return f"{self.page} · {self.code}"


__all__ = [
    "BundleGuidePage",
    "BundleMember",
    "GuideIndexPage",
    "GuidePage",
    "GuideReview",
    "GuideSectionPage",
    "PrintEdition",
    "ReviewedMatter",
    "status_notice",
]
