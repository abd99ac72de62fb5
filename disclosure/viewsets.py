"""Admin registration of the disclosure catalog: the classifications and a flat listing of
documents with index number, dates, the late-publication flag and validity."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.urls import reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.ui.tables.pages import PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from core.forms import HistoryReasonForm
from core.history import SimpleHistoryViewSetMixin
from permissions.models import Department

from .models import Classification, DisclosureDocumentPage, Facet, ReplyTemplate, Validity


class ClassificationForm(HistoryReasonForm):
    default_reason_on_create = "新增分类"


class ClassificationViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = Classification
    icon = "tag"
    menu_label = "公开分类"
    name = "disclosure-classifications"
    list_display = ["name", "facet", "code", "key", BooleanColumn("is_active", label="启用")]
    list_filter = ["facet", "is_active"]
    search_fields = ["name", "code"]
    search_backend_name = None
    ordering = ["facet", "sort_order", "name"]
    edit_handler = ObjectList(
        [
            FieldPanel("facet"),
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("key"),
            FieldPanel("sort_order"),
            FieldPanel("is_active"),
            FieldPanel("change_reason"),
        ],
        base_form_class=ClassificationForm,
    )


class LateColumn(Column):
    def get_value(self, instance):
        if instance.published_late is None:
            return "—" if not instance.publication_date else "无法判定（日历未覆盖）"
        return "超期发布" if instance.published_late else "按时"


class DocumentFilterSet(WagtailFilterSet):
    issuing_body = django_filters.ModelChoiceFilter(label="发布机构", queryset=Department.objects.active())
    validity = django_filters.ChoiceFilter(label="有效性", choices=Validity.choices)
    published_late = django_filters.BooleanFilter(label="超期发布（成文后20个工作日以上）")
    category = django_filters.ModelChoiceFilter(
        label="组配分类", field_name="categories", queryset=Classification.objects.of(Facet.CATEGORY)
    )
    unnumbered = django_filters.BooleanFilter(label="尚未发布（无索引号）", method="filter_unnumbered")

    def filter_unnumbered(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(index_number__isnull=True) if value else Q(index_number__isnull=False))

    class Meta:
        model = DisclosureDocumentPage
        fields: list[str] = []


class DocumentIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("issuing_body")


class DocumentListingViewSet(PageListingViewSet):
    model = DisclosureDocumentPage
    index_view_class = DocumentIndexView
    icon = "doc-full"
    menu_label = "公开信息"
    name = "disclosure_documents"
    columns = [
        PageTitleColumn("title", label="标题", sort_key="title", classname="title"),
        Column("index_number", label="索引号", sort_key="index_number"),
        Column("issuing_body", label="发布机构", accessor="issuing_body.short_name"),
        DateColumn("written_date", label="成文日期", sort_key="written_date"),
        DateColumn("publication_date", label="发布日期", sort_key="publication_date"),
        LateColumn("published_late", label="时效", sort_key="published_late"),
        Column("validity", label="有效性", accessor="get_validity_display", sort_key="validity"),
        PageStatusColumn("status", label="页面状态", sort_key="live"),
    ]
    filterset_class = DocumentFilterSet


class ReplyTemplateForm(HistoryReasonForm):
    default_reason_on_create = "新增文书模板"


class ReplyTemplateViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    """文书模板: the texts of replies and notices, kept by the disclosure office (with history)."""

    model = ReplyTemplate
    icon = "doc-full-inverse"
    menu_label = "文书模板"
    name = "disclosure-letter-templates"
    list_display = ["__str__", "kind", "article"]
    list_filter = ["kind", "reply_type"]
    search_fields = ["body", "article"]
    search_backend_name = None
    ordering = ["kind", "reply_type", "subreason"]
    edit_handler = ObjectList(
        [
            FieldPanel("kind"),
            FieldPanel("reply_type"),
            FieldPanel("subreason"),
            FieldPanel("article"),
            FieldPanel("body"),
            FieldPanel("change_reason"),
        ],
        base_form_class=ReplyTemplateForm,
    )


class DisclosureGroup(ViewSetGroup):
    menu_label = "政务公开"
    menu_icon = "doc-full"
    menu_order = 220
    items = (
        DocumentListingViewSet("disclosure_documents"),
        ClassificationViewSet("disclosure-classifications"),
        ReplyTemplateViewSet("disclosure-letter-templates"),
    )


def register_disclosure_viewsets():
    return DisclosureGroup()


def register_request_admin_urls():
    from django.urls import path

    from .request_admin import (
        AttachmentView,
        DeliveryView,
        LetterAttachmentView,
        LetterPdfView,
        RequestActionView,
        RequestCreateView,
        RequestDetailView,
        RequestIndexView,
    )

    base = "disclosure/requests/<int:pk>/"
    return [
        path("disclosure/requests/", RequestIndexView.as_view(), name="disclosure_requests"),
        path("disclosure/requests/add/", RequestCreateView.as_view(), name="disclosure_request_add"),
        path(base, RequestDetailView.as_view(), name="disclosure_request_detail"),
        # Attachments and letters before the steps, whose pattern would swallow them.
        path(base + "attachment/", AttachmentView.as_view(), name="disclosure_request_attachment"),
        path(base + "letters/<int:letter_id>/pdf/", LetterPdfView.as_view(), name="disclosure_letter_pdf"),
        path(
            base + "letters/<int:letter_id>/files/<int:attachment_id>/",
            LetterAttachmentView.as_view(),
            name="disclosure_letter_file",
        ),
        path(base + "letters/<int:letter_id>/delivery/", DeliveryView.as_view(), name="disclosure_letter_delivery"),
        path(base + "<str:step>/", RequestActionView.as_view(), name="disclosure_request_action"),
    ]


class RequestsMenuItem(MenuItem):
    def is_shown(self, request):
        from .request_admin import VIEW, policy

        return policy().user_has_any_permission(request.user, VIEW)


def register_requests_menu_item():
    return RequestsMenuItem("依申请公开", reverse("disclosure_requests"), icon_name="mail", order=225)


def add_request_deadlines_panel(request, panels):
    from .request_admin import VIEW, RequestDeadlinesPanel, policy

    if policy().user_has_any_permission(request.user, VIEW):
        panels.append(RequestDeadlinesPanel(request))


def register_report_admin_urls():
    from django.urls import path

    from .report_views import RegenerateView

    return [path("disclosure/reports/<int:page_id>/regenerate/", RegenerateView.as_view(), name="report_regenerate")]


def report_regenerate_button(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    from .models import AnnualReportPage

    if isinstance(page.specific_deferred, AnnualReportPage) and page.permissions_for_user(user).can_edit():
        yield Button("重新生成统计表", reverse("report_regenerate", args=[page.pk]), icon_name="table", priority=60)
