"""Admin for departments and memberships, and policy-aware editor buttons for owned snippets."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.functional import classproperty
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.action_menu import PublishMenuItem, UnpublishMenuItem
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction

from core.forms import HistoryReasonForm
from core.history import SimpleHistoryViewSetMixin

from .grants import remove_empty_department_sections
from .models import Department, Membership
from .policy import owned_models, policy_for
from .viewsets import PolicyBulkActionMixin


class DepartmentForm(HistoryReasonForm):
    default_reason_on_create = "新建部门"


class MembershipForm(HistoryReasonForm):
    default_reason_on_create = "加入部门"


class SafeDeleteView(DeleteView):
    """Delete in one transaction; refuse, in words, when content still depends on the record."""

    protected_message = "不能删除：仍有内容或下级记录引用它。请改为停用。"

    def prepare_delete(self) -> None:
        """Remove what is owned by the record and dies with it (inside the transaction)."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.prepare_delete()
                self.delete_action()
        except ProtectedError:
            messages.error(self.request, self.protected_message)
            return redirect(self.edit_url_name, self.object.pk)
        messages.success(self.request, self.get_success_message())
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else redirect(self.get_success_url())


class DepartmentDeleteView(SafeDeleteView):
    protected_message = "不能删除该部门：它已有下级部门，或事项、栏目页面等内容。部门停用后内容全部保留，请改为停用。"

    def prepare_delete(self) -> None:
        # A department created by mistake still has its automatic, empty page sections.
        remove_empty_department_sections(self.object)


class DepartmentViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = Department
    icon = "group"
    menu_label = "部门"
    add_to_admin_menu = False
    name = "departments"
    list_display = [
        "name",
        "short_name",
        "credit_code",
        "level",
        "parent",
        BooleanColumn("is_active", label="启用"),
    ]
    list_filter = ["level", "is_active", "parent"]
    search_fields = ["name", "short_name", "credit_code"]
    search_backend_name = None
    ordering = ["sort_order", "name"]
    delete_view_class = DepartmentDeleteView
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug")]),
                    FieldPanel("credit_code"),
                    FieldRowPanel([FieldPanel("level"), FieldPanel("parent")]),
                    FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_active")]),
                ],
                heading="部门信息",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=DepartmentForm,
    )

    def get_queryset(self, request):
        return Department.objects.select_related("parent")


class MembershipViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "部门成员"
    add_to_admin_menu = False
    name = "memberships"
    list_display = ["user", "department", "role", "note", "created_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    search_backend_name = None
    delete_view_class = SafeDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("user"),
            FieldPanel("department"),
            FieldPanel("role"),
            FieldPanel("note"),
            FieldPanel("change_reason"),
        ],
        base_form_class=MembershipForm,
    )

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "department")


class OrganisationGroup(ViewSetGroup):
    menu_label = "部门与权限"
    menu_icon = "group"
    menu_order = 800
    items = (DepartmentViewSet, MembershipViewSet)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationGroup()


class PolicyPublishMenuItem(PublishMenuItem):
    """Shown when the policy lets the user publish this record (Wagtail checks the model only)."""

    def is_shown(self, context):
        return not context.get("locked_for_user") and _may_publish(context)


class PolicyUnpublishMenuItem(UnpublishMenuItem):
    def is_shown(self, context):
        if context.get("locked_for_user") or context["view"] != "edit":
            return False
        return context["instance"].live and _may_publish(context)


def _may_publish(context) -> bool:
    policy = policy_for(context["model"])
    user = context["request"].user
    instance = context.get("instance")
    if instance is not None and instance.pk is not None:
        return policy.user_has_permission_for_instance(user, "publish", instance)
    return policy.user_may_publish_new(user)


@hooks.register("construct_snippet_action_menu")
def policy_aware_publish_buttons(menu_items, request, context):
    """Replace Wagtail's model-level publish/unpublish buttons on owned models."""
    try:
        policy_for(context["model"])
    except LookupError:
        return
    menu_items[:] = [item for item in menu_items if not isinstance(item, (PublishMenuItem, UnpublishMenuItem))]
    for item in (PolicyUnpublishMenuItem(order=20), PolicyPublishMenuItem(order=30)):
        if item.is_shown(context):
            menu_items.append(item)
    menu_items.sort(key=lambda item: item.order)


class PolicyDeleteBulkAction(PolicyBulkActionMixin, DeleteBulkAction):
    """Bulk delete of owned snippets, looking only at records the user may manage."""

    @classproperty
    def models(cls):
        return list(owned_models)


# Registered after Wagtail's own snippet delete action so that it replaces it for owned models.
hooks.register("register_bulk_action", PolicyDeleteBulkAction, order=100)
