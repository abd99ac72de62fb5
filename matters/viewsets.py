"""Admin registration of the matters catalog."""

from django import forms
from django.urls import path, reverse
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.forms import HistoryReasonForm
from core.history import SimpleHistoryViewSetMixin
from permissions.forms import DepartmentOwnedForm
from permissions.viewsets import DepartmentOwnedViewSet

from . import importing, lifecycle
from .admin_views import (
    DepartmentMattersPanel,
    LifecycleView,
    MatterCreateView,
    MatterEditView,
    MatterFilterSet,
    StandardsColumn,
    StandardsPanel,
    StatsView,
    StatusColumn,
    in_review_annotation,
)
from .import_views import (
    BatchListView,
    ConfirmImportView,
    ExportDownloadView,
    ExportListView,
    ExportView,
    ImportView,
    MatterIndexView,
    RevertBatchView,
    TemplateDownloadView,
)
from .models import Matter, MatterType


def _checkboxes(name: str) -> FieldPanel:
    return FieldPanel(name, widget=forms.CheckboxSelectMultiple)


MATTER_EDIT_HANDLER = TabbedInterface(
    [
        ObjectList(
            [
                StandardsPanel(),
                MultiFieldPanel(
                    [
                        FieldPanel("name"),
                        FieldRowPanel([FieldPanel("implementation_code"), FieldPanel("basic_code")]),
                        FieldRowPanel([FieldPanel("business_item_code"), FieldPanel("matter_type")]),
                        FieldPanel("department"),
                    ],
                    heading="事项",
                ),
                MultiFieldPanel(
                    [
                        FieldRowPanel([FieldPanel("power_source"), FieldPanel("body_nature")]),
                        FieldRowPanel([FieldPanel("entrusting_department"), FieldPanel("joint_bodies")]),
                        _checkboxes("exercise_levels"),
                    ],
                    heading="实施主体与层级",
                ),
            ],
            heading="基本信息",
        ),
        ObjectList(
            [
                InlinePanel("legal_bases", heading="设定依据", label="设定依据", min_num=0),
                FieldPanel("acceptance_conditions"),
                FieldPanel("quantity_limit"),
            ],
            heading="依据与条件",
        ),
        ObjectList(
            [FieldPanel("no_materials_needed"), InlinePanel("materials", heading="申请材料", label="材料")],
            heading="申请材料",
        ),
        ObjectList(
            [
                FieldPanel("process_description"),
                InlinePanel("steps", heading="办理环节", label="环节"),
                FieldPanel("special_procedures"),
                MultiFieldPanel(
                    [
                        FieldPanel("intermediary_exists"),
                        FieldPanel("intermediary_name"),
                        FieldPanel("intermediary_content"),
                    ],
                    heading="中介服务",
                ),
            ],
            heading="办理流程",
        ),
        ObjectList(
            [
                FieldPanel("handling_type"),
                FieldRowPanel([FieldPanel("statutory_limit"), FieldPanel("statutory_limit_note")]),
                FieldRowPanel([FieldPanel("promised_limit"), FieldPanel("promised_limit_note")]),
                FieldRowPanel([FieldPanel("is_charged"), FieldPanel("online_payment")]),
                InlinePanel("fees", heading="收费项目", label="收费项目"),
            ],
            heading="时限与收费",
        ),
        ObjectList(
            [
                FieldRowPanel([FieldPanel("visits"), FieldPanel("visit_reason")]),
                _checkboxes("handling_forms"),
                FieldRowPanel([FieldPanel("online_depth"), FieldPanel("online_url")]),
                FieldRowPanel([FieldPanel("appointment"), FieldPanel("daily_appointments")]),
                FieldRowPanel([FieldPanel("express_delivery"), FieldPanel("self_service"), FieldPanel("in_hall")]),
                FieldPanel("service_scope"),
                InlinePanel("places", heading="办理地点和时间", label="办理地点"),
            ],
            heading="办理渠道",
        ),
        ObjectList(
            [_checkboxes("service_objects"), _checkboxes("natural_themes"), _checkboxes("legal_themes")],
            heading="服务对象与主题",
        ),
        ObjectList(
            [
                FieldPanel("consultation"),
                FieldPanel("complaint"),
                FieldRowPanel([FieldPanel("result_type"), FieldPanel("result_name")]),
                FieldPanel("result_sample"),
                FieldPanel("rights"),
                FieldPanel("obligations"),
                FieldPanel("remedies"),
                InlinePanel("faqs", heading="常见问题解答", label="问题"),
            ],
            heading="咨询与结果",
        ),
        ObjectList(
            [
                FieldPanel("change_significance", widget=forms.RadioSelect),
                FieldPanel("change_note"),
                FieldRowPanel([FieldPanel("planned_effective_date"), FieldPanel("planned_cancel_date")]),
            ],
            heading="本次变更",
        ),
    ],
    base_form_class=DepartmentOwnedForm,
)


class MatterViewSet(DepartmentOwnedViewSet):
    model = Matter
    icon = "tasks"
    menu_label = "事项清单"
    edit_handler = MATTER_EDIT_HANDLER
    add_view_class = MatterCreateView
    index_view_class = MatterIndexView
    edit_view_class = MatterEditView
    list_display = [
        "name",  # first and a plain name: Wagtail makes it the title column linking to edit (or inspect)
        Column("implementation_code", label="实施编码", sort_key="implementation_code"),
        "department",
        "matter_type",
        StatusColumn("status", label="状态", sort_key="status"),
        StandardsColumn("completeness", label="标准化", sort_key="completeness"),
        UpdatedAtColumn(),
    ]
    filterset_class = MatterFilterSet
    search_fields = ["name", "implementation_code", "basic_code"]
    search_backend_name = None  # plain icontains: whole-word FTS does not work for Chinese
    list_select_related = ("department", "matter_type", "latest_revision")
    list_per_page = 50
    ordering = ["department__sort_order", "implementation_code"]
    inspect_view_enabled = True  # read-only view for those who may view but not edit

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(in_review=in_review_annotation())


class MatterTypeForm(HistoryReasonForm):
    default_reason_on_create = "新增事项类型"


class MatterTypeViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = MatterType
    icon = "list-ul"
    menu_label = "事项类型"
    name = "matter-types"
    list_display = [
        "name",
        "code",
        BooleanColumn("applied_for", label="依申请"),
        BooleanColumn("is_active", label="启用"),
    ]
    search_fields = ["name", "code"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("applied_for"),
            FieldPanel("sort_order"),
            FieldPanel("is_active"),
            FieldPanel("change_reason"),
        ],
        base_form_class=MatterTypeForm,
    )


class MattersGroup(SnippetViewSetGroup):
    menu_label = "事项"
    menu_icon = "tasks"
    menu_order = 200
    items = (MatterViewSet, MatterTypeViewSet)
    submenu_hook = "register_matters_menu_item"


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        from .import_views import may_import

        return may_import(request.user)


def register_import_menu_item():
    return ImportMenuItem("Excel导入", reverse("matters_import"), icon_name="upload", order=300)


def register_import_batches_menu_item():
    return ImportMenuItem("导入记录", reverse("matters_import_batches"), icon_name="history", order=310)


def register_lifecycle_log_actions(actions):
    """Audit-log entries of the matter lifecycle, shown in the matter's history with the reason."""

    class ReasonFormatter(LogFormatter):
        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("reason", "")

    labels = {
        lifecycle.ENTER_FORCE: ("生效", "事项生效（新增）"),
        lifecycle.SUSPEND: ("暂停", "事项暂停"),
        lifecycle.RESUME: ("恢复", "事项恢复"),
        lifecycle.CANCEL: ("取消", "事项取消"),
    }
    for action, (label, message) in labels.items():
        actions.register_action(action)(type("Formatter", (ReasonFormatter,), {"label": label, "message": message}))

    @actions.register_action(importing.IMPORT_ACTION)
    class ImportFormatter(ReasonFormatter):
        label = "Excel导入"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            changed = "、".join(data.get("changed", []))
            return f"导入批次 #{data.get('batch')}" + (f"：{changed}" if changed else "")

    @actions.register_action(importing.REVERT_ACTION)
    class RevertFormatter(ReasonFormatter):
        label = "撤销导入"
        message = "撤销Excel导入批次"

    @actions.register_action(lifecycle.DELEGATE)
    class DelegateFormatter(ReasonFormatter):
        label = "下放/委托"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            kind = "委托" if data.get("kind") == "entrusted" else "下放"
            return f"{kind}至{data.get('target_department', '')}"

    @actions.register_action(lifecycle.RECEIVE)
    class ReceiveFormatter(ReasonFormatter):
        label = "承接下放/委托"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            kind = "委托" if data.get("kind") == "entrusted" else "下放"
            return f"承接{data.get('source_department', '')}{kind}的事项"


def register_matter_admin_urls():
    return [
        path("matters/lifecycle/<int:pk>/", LifecycleView.as_view(), name="matters_lifecycle"),
        path("matters/stats/", StatsView.as_view(), name="matters_stats"),
        path("matters/import/", ImportView.as_view(), name="matters_import"),
        path("matters/import/confirm/", ConfirmImportView.as_view(), name="matters_import_confirm"),
        path("matters/import/template/", TemplateDownloadView.as_view(), name="matters_import_template"),
        path("matters/import/batches/", BatchListView.as_view(), name="matters_import_batches"),
        path("matters/import/batches/<int:pk>/revert/", RevertBatchView.as_view(), name="matters_import_revert"),
        path("matters/export/", ExportView.as_view(), name="matters_export"),
        path("matters/exports/", ExportListView.as_view(), name="matters_exports"),
        path("matters/exports/<int:pk>/download/", ExportDownloadView.as_view(), name="matters_export_download"),
    ]


def add_department_matters_panel(request, panels):
    from permissions.policy import policy_for
    from permissions.viewsets import MANAGE_ACTIONS

    if policy_for(Matter).user_has_any_permission(request.user, MANAGE_ACTIONS):
        panels.append(DepartmentMattersPanel(request))


class StatsMenuItem(MenuItem):
    def is_shown(self, request):
        from permissions.policy import policy_for
        from permissions.viewsets import MANAGE_ACTIONS

        return policy_for(Matter).user_has_any_permission(request.user, MANAGE_ACTIONS)


def register_stats_menu_item():
    return StatsMenuItem("事项效率统计", reverse("matters_stats"), icon_name="table", order=100)
