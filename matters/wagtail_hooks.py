"""Admin registration of the matters catalog."""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from permissions.forms import HistoryReasonForm
from permissions.history import SimpleHistoryViewSetMixin
from permissions.viewsets import DepartmentOwnedViewSet

from .models import Matter, MatterType


class MatterViewSet(DepartmentOwnedViewSet):
    model = Matter
    icon = "tasks"
    menu_label = "事项清单"
    list_display = ["name", "implementation_code", "department", "matter_type", UpdatedAtColumn()]
    list_filter = ["department", "matter_type", "live"]
    search_fields = ["name", "implementation_code"]
    search_backend_name = None  # plain icontains: whole-word FTS does not work for Chinese
    list_select_related = ("department", "matter_type", "latest_revision")
    list_per_page = 50
    ordering = ["department__sort_order", "implementation_code"]
    inspect_view_enabled = True  # read-only view for those who may view but not edit


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


register_snippet(MattersGroup)
