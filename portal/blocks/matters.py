"""Data blocks over the catalog of matters: matter lists, efficiency figures, departments,
themes and "一件事" bundles. Every query reads public matters only (``Matter.public_queryset``)
and costs a fixed number of queries however many items it shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from wagtail import blocks

from matters import stats
from matters.models import Matter, Term, Vocabulary
from matters.pages import departments_with_public_matters
from permissions.models import Department, DepartmentLevel
from permissions.regions import in_region, region_department_ids

from .base import CountBlock, PortalLinks, SectionBlock, as_int, item_count
from .choosers import (
    DepartmentChooserBlock,
    DynamicChoiceBlock,
    handling_type_choices,
    online_depth_choices,
    service_object_choices,
    theme_choices,
)

ORDERINGS = [("catalog", "目录顺序（按部门和编码）"), ("updated", "最近更新的在前")]
LINK_TARGETS = [("matter", "事项详情"), ("guide", "办事指南（没有指南的事项链接事项详情）")]


def _with_term(field: str, term_id: int) -> Q:
    """Matters having an active term ``term_id`` in the many-to-many ``field`` (a subquery, no
    duplicates); a term deleted or deactivated since matches nothing."""
    through = getattr(Matter, field).through
    return Q(pk__in=through.objects.filter(term_id=term_id, term__is_active=True).values("matter_id"))


class MatterListBlock(SectionBlock):
    department = DepartmentChooserBlock(label="实施部门", required=False, help_text="不选则不限部门。")
    theme = DynamicChoiceBlock(
        label="主题", choices=theme_choices, required=False, help_text="面向自然人或法人的主题。"
    )
    level = blocks.ChoiceBlock(label="部门层级", choices=DepartmentLevel.choices, required=False)
    handling_type = DynamicChoiceBlock(label="办件类型", choices=handling_type_choices, required=False)
    service_object = DynamicChoiceBlock(label="服务对象", choices=service_object_choices, required=False)
    online_depth = DynamicChoiceBlock(label="网上办理深度", choices=online_depth_choices, required=False)
    ordering = blocks.ChoiceBlock(label="排序", choices=ORDERINGS, default="catalog")
    link_to = blocks.ChoiceBlock(label="点击事项打开", choices=LINK_TARGETS, default="matter")
    count = CountBlock(default=8)

    class Meta:
        label = "事项列表"
        group = "办事服务（实时数据）"
        icon = "list-ul"
        template = "portal/blocks/matter_list.html"
        description = "按部门、主题、层级、办件类型等条件列出在用事项，数据实时来自事项目录。"
        preview_value = {"heading": "热门事项", "count": 5}

    def matters(self, value, region: Department | None = None) -> QuerySet | None:
        """The matching public matters of the 区划 ``region``, or None when a chosen filter value no
        longer exists."""
        queryset = in_region(Matter.public_queryset(), region).select_related(
            "department", "handling_type", "online_depth"
        )
        department = value.get("department")
        if department is not None:
            if not department.is_active:
                return None
            queryset = queryset.filter(department=department)
        if value.get("level"):
            queryset = queryset.filter(department__level=value["level"])
        if value.get("theme"):
            if (theme := as_int(value["theme"])) is None:
                return None
            queryset = queryset.filter(_with_term("natural_themes", theme) | _with_term("legal_themes", theme))
        if value.get("service_object"):
            if (term := as_int(value["service_object"])) is None:
                return None
            queryset = queryset.filter(_with_term("service_objects", term))
        for field in ("handling_type", "online_depth"):
            if value.get(field):
                if (term := as_int(value[field])) is None:
                    return None
                queryset = queryset.filter(**{f"{field}_id": term, f"{field}__is_active": True})
        if value.get("ordering") == "updated":
            queryset = queryset.order_by("-updated_at", "implementation_code")
        else:
            queryset = queryset.order_by("department__sort_order", "implementation_code")
        if value.get("link_to") == "guide":
            from guides.models import GuidePage

            queryset = queryset.prefetch_related(
                Prefetch("guide_pages", queryset=GuidePage.objects.live().order_by("path"), to_attr="live_guides")
            )
        return queryset

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        queryset = self.matters(value, links.region)
        matters = [] if queryset is None else list(queryset[: item_count(value, 8)])
        for matter in matters:
            guides = getattr(matter, "live_guides", None)
            matter.portal_url = (guides[0].get_url(links.request) if guides else None) or links.matter(
                matter.implementation_code
            )
        return {"matters": matters}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        query = {"department": value["department"].pk} if value.get("department") else {}
        for field in ("theme", "level", "handling_type", "service_object", "online_depth"):
            if value.get(field):
                query[field] = value[field]
        return links.url("catalog", query)


# ---- efficiency statistics -------------------------------------------------------------------

FIGURES = [
    ("total", "事项总数"),
    ("immediate_share", "即办件占比"),
    ("compression", "承诺时限比法定时限平均压缩"),
    ("average_promised", "承诺件平均承诺时限"),
    ("at_most_one_visit_share", "“最多跑一次”事项占比"),
    ("zero_visits_share", "“零跑动”事项占比"),
    ("fully_online_share", "全程网办事项占比"),
    ("in_hall_share", "进驻政务大厅事项占比"),
]
FIGURE_LABELS = dict(FIGURES)
DEFAULT_FIGURES = ["total", "immediate_share", "compression", "at_most_one_visit_share", "fully_online_share"]


def figure_display(key: str, figure) -> tuple[str, str]:
    """A figure as (number, unit) for display: 148 项, 2.3 个工作日, 45.6 %; "—" when undefined."""
    if figure is None:
        return "—", ""
    if key == "total":
        return str(figure), "项"
    if key == "average_promised":
        return f"{figure:.1f}", "个工作日"
    return f"{figure * 100:.1f}", "%"


def _joined(key: str, figure) -> str:
    number, unit = figure_display(key, figure)
    return number if unit in ("", "项") else f"{number}{unit}"


def _catalog(links: PortalLinks, **query) -> str | None:
    return links.url("catalog", query)


BREAKDOWNS = [("", "不分组"), ("department", "分部门列表"), ("level", "分层级列表")]


class StatsBlock(SectionBlock):
    department = DepartmentChooserBlock(label="部门", required=False, help_text="不选则统计全部在用事项。")
    figures = blocks.MultipleChoiceBlock(
        label="显示的指标", choices=FIGURES, default=DEFAULT_FIGURES, help_text="至少选一项。"
    )
    breakdown = blocks.ChoiceBlock(label="分组列表", choices=BREAKDOWNS, required=False, default="")

    class Meta:
        label = "效能统计"
        group = "办事服务（实时数据）"
        icon = "table"
        template = "portal/blocks/stats.html"
        description = "由在用事项实时计算的效能指标：即办件占比、时限压缩、最多跑一次、全程网办等。"
        preview_value = {"heading": "政务服务效能"}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        department = value.get("department")
        if department is not None and not department.is_active:
            return {"overall": None}
        queryset = Matter.objects.filter(department=department) if department is not None else None
        if links.region is not None:  # the 区划's matters only
            queryset = in_region(Matter.objects.all() if queryset is None else queryset, links.region)
        keys = [key for key, _ in FIGURES if key in (value.get("figures") or DEFAULT_FIGURES)]
        overall = stats.overall(queryset)
        if value.get("breakdown") == "department":
            rows = [(row, _catalog(links, department=d.pk)) for d, row in stats.department_rows(queryset)]
        elif value.get("breakdown") == "level":
            rows = [(row, _catalog(links, level=code)) for code, row in stats.level_rows(queryset)]
        else:
            rows = []
        return {
            "overall": overall if overall.total else None,
            "figures": [(FIGURE_LABELS[key], *figure_display(key, getattr(overall, key))) for key in keys],
            "columns": [FIGURE_LABELS[key] for key in keys],
            "rows": [(row.label, url, [_joined(key, getattr(row, key)) for key in keys]) for row, url in rows],
        }

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        department = value.get("department")
        return links.url("catalog", {"department": department.pk} if department is not None else None)


# ---- departments, themes, bundles ------------------------------------------------------------


class DepartmentsBlock(SectionBlock):
    levels = blocks.MultipleChoiceBlock(
        label="部门层级", choices=DepartmentLevel.choices, required=False, help_text="不选则列出全部层级。"
    )
    show_counts = blocks.BooleanBlock(label="显示事项数", required=False, default=True)

    class Meta:
        label = "部门服务"
        group = "办事服务（实时数据）"
        icon = "group"
        template = "portal/blocks/departments.html"
        description = "按层级列出有在用事项的部门，点击进入该部门的事项目录。"
        preview_value = {"heading": "部门服务", "levels": ["city"]}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        departments = departments_with_public_matters(region_department_ids(links.region))
        if value.get("levels"):
            departments = departments.filter(level__in=value["levels"])
        departments = list(departments)
        for department in departments:
            department.portal_url = links.url("catalog", {"department": department.pk})
        groups = [(label, [d for d in departments if d.level == code]) for code, label in DepartmentLevel.choices]
        return {"groups": [(label, members) for label, members in groups if members]}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        return links.catalog


THEME_FIELDS = {Vocabulary.NATURAL_THEME: "natural_themes", Vocabulary.LEGAL_THEME: "legal_themes"}
VOCABULARIES = [
    (Vocabulary.NATURAL_THEME, "面向自然人（个人办事）"),
    (Vocabulary.LEGAL_THEME, "面向法人（法人办事）"),
    ("both", "两类都显示（分两组）"),
]
GROUP_LABELS = {Vocabulary.NATURAL_THEME: "个人办事", Vocabulary.LEGAL_THEME: "法人办事"}


def themes_with_counts(vocabularies: list[str], region: Department | None = None) -> list:
    """Active themes of the given lists that have public matters (of the 区划 ``region``), each with
    ``public_count``: one query for both lists (a counting subquery per list), in the lists' own order."""
    public = in_region(Matter.public_queryset(), region).values("pk")
    counts = {}
    for vocabulary in vocabularies:
        through = getattr(Matter, THEME_FIELDS[vocabulary]).through
        counts[vocabulary] = Subquery(
            through.objects.filter(term_id=OuterRef("pk"), matter_id__in=public)
            .order_by()
            .values("term_id")
            .annotate(n=Count("matter_id", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        )
    total = Case(
        *[When(vocabulary=v, then=Coalesce(c, 0)) for v, c in counts.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        Term.objects.filter(vocabulary__in=vocabularies, is_active=True)
        .annotate(public_count=total)
        .filter(public_count__gt=0)
        .order_by("vocabulary", "sort_order", "code")
    )


class ThemesBlock(SectionBlock):
    vocabulary = blocks.ChoiceBlock(label="主题分类", choices=VOCABULARIES, default=Vocabulary.NATURAL_THEME)
    show_counts = blocks.BooleanBlock(label="显示事项数", required=False, default=True)

    class Meta:
        label = "主题服务"
        group = "办事服务（实时数据）"
        icon = "tag"
        template = "portal/blocks/themes.html"
        description = "面向自然人或法人的主题分类及各主题的在用事项数，点击进入按主题筛选的事项目录。"
        preview_value = {"heading": "个人办事主题", "vocabulary": Vocabulary.NATURAL_THEME}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        chosen = value.get("vocabulary") or Vocabulary.NATURAL_THEME
        vocabularies = list(THEME_FIELDS) if chosen == "both" else [chosen]
        if not set(vocabularies) <= set(THEME_FIELDS):
            return {"groups": []}
        terms = themes_with_counts(vocabularies, links.region)
        for term in terms:
            term.portal_url = links.url("catalog", {"theme": term.pk})
        groups = [(GROUP_LABELS[v], [t for t in terms if t.vocabulary == v]) for v in vocabularies]
        return {"groups": [(label, members) for label, members in groups if members], "grouped": len(vocabularies) > 1}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        return links.catalog


class BundlesBlock(SectionBlock):
    count = CountBlock(default=6)
    show_summary = blocks.BooleanBlock(label="显示一句话说明", required=False, default=True)

    class Meta:
        label = "“一件事”"
        group = "办事服务（实时数据）"
        icon = "list-ol"
        template = "portal/blocks/bundles.html"
        description = "已发布的“一件事”指南，显示包含的事项数和一句话说明。"
        preview_value = {"heading": "高效办成一件事", "count": 6}

    def get_items(self, value, links: PortalLinks) -> dict[str, Any]:
        from guides.models import BundleGuidePage, in_region_sections

        bundles = list(
            in_region_sections(BundleGuidePage.objects.live().public(), links.region)
            .annotate(member_count=Count("members"))
            .order_by("title")[: item_count(value, 6)]
        )
        for bundle in bundles:
            bundle.portal_url = bundle.get_url(links.request)
        return {"bundles": bundles}

    def full_list_url(self, value, links: PortalLinks) -> str | None:
        return links.guides
