"""The public catalog of matters: browse by theme, department and level, search, filter, and
read a matter with every public element. Only matters in force are shown.

One routable page placed by editors in the tree (事项目录); the portal issue styles it.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from permissions.models import Department, DepartmentLevel
from permissions.regions import in_region, region_department_ids, request_region

from . import changelog
from .models import Matter, MatterType, Term, Vocabulary

PER_PAGE = 20


class CatalogFilterForm(forms.Form):
    """What a visitor can narrow the catalog by; every field optional, bad values ignored."""

    q = forms.CharField(label="关键词", required=False, max_length=50)
    department = forms.ModelChoiceField(
        label="部门", required=False, empty_label="全部部门", queryset=Department.objects.active()
    )
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部"), *DepartmentLevel.choices])
    theme = forms.ModelChoiceField(
        label="主题",
        required=False,
        empty_label="全部主题",
        queryset=Term.objects.filter(vocabulary__in=[Vocabulary.NATURAL_THEME, Vocabulary.LEGAL_THEME], is_active=True),
    )
    matter_type = forms.ModelChoiceField(
        label="事项类型", required=False, empty_label="全部类型", queryset=MatterType.objects.filter(is_active=True)
    )
    handling_type = forms.ModelChoiceField(
        label="办件类型", required=False, empty_label="全部", queryset=Term.objects.of(Vocabulary.HANDLING_TYPE)
    )
    online_depth = forms.ModelChoiceField(
        label="网上办理深度", required=False, empty_label="全部", queryset=Term.objects.of(Vocabulary.ONLINE_DEPTH)
    )
    service_object = forms.ModelChoiceField(
        label="服务对象", required=False, empty_label="全部", queryset=Term.objects.of(Vocabulary.SERVICE_OBJECT)
    )

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("department"):
            queryset = queryset.filter(department=data["department"])
        if data.get("level"):
            queryset = queryset.filter(department__level=data["level"])
        if theme := data.get("theme"):
            queryset = queryset.filter(Q(natural_themes=theme) | Q(legal_themes=theme)).distinct()
        for field in ("matter_type", "handling_type", "online_depth"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("service_object"):
            queryset = queryset.filter(service_objects=data["service_object"])
        self.ranking = None
        if q := (data.get("q") or "").strip():
            self.ranking = ranked_ids(queryset, q)
            queryset = queryset.filter(pk__in=self.ranking)
        return queryset


CATALOG_ORDER = ("department__sort_order", "implementation_code")


def ranked_ids(queryset: QuerySet, q: str) -> list[int]:
    """The matters of ``queryset`` the keyword ``q`` finds, most relevant first.

    The site search's results in its relevance order (words, pinyin, initials, Traditional
    characters, synonyms: docs/search.md), then the matters whose name or implementation code
    contains ``q`` literally (a part of a code), in the catalog's order. Three queries (and the
    search vocabulary's, when its cache is cold), whatever the number of matters.
    """
    from .search import LIST_SEARCH

    found = dict.fromkeys(LIST_SEARCH(queryset, q))
    literal = queryset.filter(Q(name__icontains=q) | Q(implementation_code__icontains=q)).exclude(pk__in=list(found))
    found.update(dict.fromkeys(literal.order_by(*CATALOG_ORDER).values_list("pk", flat=True)))
    return list(found)


def public_matters() -> QuerySet:
    return Matter.public_queryset().select_related("department", "matter_type", "handling_type", "online_depth")


def theme_counts(vocabulary: str, public: QuerySet | None = None) -> list[tuple[Term, int]]:
    """Themes of one list with the number of public matters (of ``public``: a 区划's) in each (two queries)."""
    field = "natural_themes" if vocabulary == Vocabulary.NATURAL_THEME else "legal_themes"
    through = getattr(Matter, field).through
    counts = dict(
        through.objects.filter(matter__in=Matter.public_queryset() if public is None else public)
        .values_list("term_id")
        .annotate(n=Count("matter_id", distinct=True))
    )
    return [(t, counts[t.pk]) for t in Term.objects.of(vocabulary).order_by("sort_order") if t.pk in counts]


def departments_with_public_matters(department_ids: set[int] | None = None) -> QuerySet[Department]:
    """Active departments (of ``department_ids``: a 区划's) that have public matters, with
    ``public_count``, in catalog order (one query)."""
    departments = Department.objects.active()
    if department_ids is not None:
        departments = departments.filter(pk__in=sorted(department_ids))
    return (
        departments.annotate(
            public_count=Count("matters_matter_set", filter=Q(matters_matter_set__in=Matter.public_queryset()))
        )
        .filter(public_count__gt=0)
        .order_by("sort_order", "name")
    )


class MatterCatalogPage(RoutablePageMixin, Page):
    """事项目录: the public catalog of service matters."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]  # the site's home page, named by the site
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "事项目录"
        verbose_name_plural = "事项目录"

    def get_sitemap_urls(self, request=None):
        """The catalog and the page of every matter in force (what a visitor can open)."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base is None:
            return urls
        matters = Matter.public_queryset().order_by("implementation_code")
        for code, published in matters.values_list("implementation_code", "last_published_at"):
            urls.append({"location": base + self.reverse_subpage("matter", args=(code,)), "lastmod": published})
        return urls

    @path("")
    def catalog(self, request):
        # The 区划 the visitor looks at (the header's switch, a sub-site's own): its departments only.
        region = request_region(request)
        region_ids = region_department_ids(region)
        data = request.GET.copy()
        data.pop("region", None)  # the switch's parameter, read by the site layer: not a filter
        form = CatalogFilterForm(data or None)
        if region_ids is not None:
            field = form.fields["department"]
            field.queryset = field.queryset.filter(pk__in=sorted(region_ids))
        in_force = in_region(public_matters(), region)
        matters = form.filter(in_force) if form.is_bound else in_force
        if getattr(form, "ranking", None) is not None:
            # A keyword search: pages of the matters in relevance order, loaded a page at a time.
            page = Paginator(form.ranking, PER_PAGE).get_page(request.GET.get("page"))
            loaded = matters.in_bulk(list(page.object_list))
            page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
        else:
            page = Paginator(matters.order_by(*CATALOG_ORDER), PER_PAGE).get_page(request.GET.get("page"))
        departments = departments_with_public_matters(region_ids)
        by_level = [(label, [d for d in departments if d.level == value]) for value, label in DepartmentLevel.choices]
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "form": form,
                "page_obj": page,
                "filtered": form.is_bound,
                "natural_themes": theme_counts(Vocabulary.NATURAL_THEME, in_region(Matter.public_queryset(), region)),
                "legal_themes": theme_counts(Vocabulary.LEGAL_THEME, in_region(Matter.public_queryset(), region)),
                "departments_by_level": [(label, ds) for label, ds in by_level if ds],
                "query_string": query.urlencode(),
            },
        )

    @path("item/<str:code>/", name="matter")
    def matter(self, request, code: str):
        matter = get_object_or_404(
            Matter.with_elements(public_matters()),
            implementation_code=code,
        )
        guide = matter.guide_pages.filter(live=True).first()  # the guides app's reverse relation
        return self.render(
            request,
            context_overrides={"matter": matter, "title": matter.name, "guide": guide},
            template="matters/matter_detail.html",
        )

    @path("changes/", name="changes")
    def changes(self, request):
        kinds = [changelog.KIND_NEW, changelog.KIND_CHANGE, changelog.KIND_CANCEL, "下放", "委托"]
        kind = request.GET.get("kind") if request.GET.get("kind") in kinds else None
        entries = changelog.change_log(kind=kind, limit=200)
        return self.render(
            request,
            context_overrides={"entries": entries, "kinds": kinds, "kind": kind},
            template="matters/change_log.html",
        )
