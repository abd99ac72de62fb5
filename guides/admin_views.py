"""Admin console pieces for guides: the flat listings with the staleness flag, the staleness
panel on the edit form, the reviewer's "confirm" action and the dashboard panel."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from permissions.models import Department

from . import reviews
from .models import BundleGuidePage, GuidePage, bundle_stale_annotation, guide_stale_annotation
from .panels import may_confirm

STALE_LABEL = "事项已变更，待核对"


# ---- listings ----------------------------------------------------------------------------


class StaleColumn(Column):
    def get_value(self, instance):
        if not instance.live:
            return "—"
        return STALE_LABEL if getattr(instance, "stale", False) else "已核对"


class GuideFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label="部门", queryset=Department.objects.active(), method="filter_department"
    )
    stale = django_filters.BooleanFilter(label="事项已变更待核对", method="filter_stale")

    def filter_department(self, queryset, name, value):
        from .models import GuideSectionPage

        section = GuideSectionPage.objects.filter(department=value).first()
        return queryset.descendant_of(section) if section else queryset.none()

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stale=value, live=True) if value else queryset.exclude(stale=True, live=True)

    class Meta:
        model = GuidePage
        fields: list[str] = []


class GuideListingView(IndexView):
    """Pages the user may explore, with the staleness flag annotated in SQL (no query per row)."""

    stale_annotation = staticmethod(guide_stale_annotation)

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(stale=self.stale_annotation())


class GuidePageListingView(GuideListingView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("matter")


class BundleListingView(GuideListingView):
    stale_annotation = staticmethod(bundle_stale_annotation)


COLUMNS = [
    PageTitleColumn("title", label="标题", sort_key="title", classname="title"),
    ParentPageColumn("parent", label="所属栏目"),
    StaleColumn("stale", label="核对状态", sort_key="stale"),
    PageStatusColumn("status", label="页面状态", sort_key="live"),
]


class GuideListingViewSet(PageListingViewSet):
    model = GuidePage
    index_view_class = GuidePageListingView
    icon = "doc-full-inverse"
    menu_label = "办事指南"
    menu_order = 210
    add_to_admin_menu = True
    name = "guide_pages"
    columns = [
        *COLUMNS[:2],
        Column("matter", label="事项", accessor="matter.name"),
        Column("matter_status", label="事项状态", accessor="matter.get_status_display"),
        *COLUMNS[2:],
    ]
    filterset_class = GuideFilterSet


class BundleFilterSet(GuideFilterSet):
    class Meta:
        model = BundleGuidePage
        fields: list[str] = []


class BundleListingViewSet(PageListingViewSet):
    model = BundleGuidePage
    index_view_class = BundleListingView
    icon = "list-ul"
    menu_label = "“一件事”指南"
    menu_order = 211
    add_to_admin_menu = True
    name = "bundle_pages"
    columns = COLUMNS
    filterset_class = BundleFilterSet


# ---- confirming --------------------------------------------------------------------------


class ConfirmReviewView(View):
    """POST: a reviewer confirms the guide still agrees with its changed matters."""

    def post(self, request, page_id: int):
        page = get_object_or_404(Page, pk=page_id).specific
        if not isinstance(page, reviews.GUIDE_MODELS):
            raise Http404
        perms = page.permissions_for_user(request.user)
        if not perms.can_edit() and not perms.can_publish():
            raise Http404
        if not may_confirm(request.user, page):
            raise PermissionDenied
        reviews.record_review(page, request.user)
        messages.success(request, f"已确认《{page.title}》与事项现行内容一致。")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("wagtailadmin_pages:edit", args=[page.pk])
        return redirect(target)


# ---- dashboard ---------------------------------------------------------------------------


class StaleGuidesPanel(Component):
    """Dashboard: the user's guides whose matters changed since their last review."""

    name = "stale_guides"
    template_name = "guides/admin/dashboard_panel.html"
    order = 60

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(
            self.request.user, ["change", "publish"]
        )
        pages = reviews.stale_guides(editable)
        return {
            "stale": [(p, reverse("wagtailadmin_pages:edit", args=[p.pk])) for p in pages[:20]],
            "total": len(pages),
            "listing_url": reverse("guide_pages:index") + "?stale=true",
            "bundle_listing_url": reverse("bundle_pages:index") + "?stale=true",
            "request": self.request,
        }
