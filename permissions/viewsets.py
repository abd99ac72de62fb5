"""The one base viewset for department-owned snippets.

Wagtail's generic admin views check model-level permissions only (wagtail#13314): the index
lists every row and the edit, delete, history, revision, workflow and lock views load any
primary key they are given. Every view of this viewset therefore asks the permission policy
about the instance it loads: a record the user may not see is a 404, a record they may see
but not act on is a 403. Apps subclass ``DepartmentOwnedViewSet`` (snippets) or
``DepartmentOwnedModelViewSet`` (plain models with simple-history) and never repeat this.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import classproperty
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.action_menu import PublishMenuItem, UnpublishMenuItem
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_errors import CheckedSnippetChooserViewSet
from core.forms import HistoryReasonForm
from core.history import SimpleHistoryCompareView, SimpleHistoryRevertView, SimpleHistoryView, SimpleHistoryViewSetMixin

from .grants import remove_empty_department_sections
from .models import Department, Membership
from .policy import owned_models, policy_for

# Having any of these on a record makes it visible in the admin.
MANAGE_ACTIONS = ("view", "change", "delete", "publish")
VIEW = ("view", "change")


def guard_instance(user, instance, actions) -> None:
    """Raise 404 when the user may not see the record, 403 when they may not do ``actions``."""
    policy = policy_for(type(instance))
    if not policy.user_has_any_permission_for_instance(user, MANAGE_ACTIONS, instance):
        raise Http404
    if not policy.user_has_any_permission_for_instance(user, actions, instance):
        raise PermissionDenied


class PolicyGuardMixin:
    """Checks the object every generic view loads against the policy."""

    instance_actions: tuple[str, ...] = VIEW

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        self.check_instance_permission(obj)
        return obj

    def check_instance_permission(self, obj) -> None:
        guard_instance(self.request.user, obj, self.instance_actions)


class PolicyPublishMixin:
    """Publishing from the editor needs the publish right on this very record.

    Wagtail offers "publish" when the user may publish any record of the model; we narrow it
    to the record (edit) or to every department the user may create in (create).
    """

    def may_publish_here(self) -> bool:
        policy = policy_for(self.model)
        user = self.request.user
        obj = getattr(self, "live_object", None) or getattr(self, "object", None)
        if obj is not None and obj.pk is not None:
            return policy.user_has_permission_for_instance(user, "publish", obj)
        return policy.user_may_publish_new(user)

    def get_available_actions(self):
        actions = super().get_available_actions()
        if "publish" in actions and not self.may_publish_here():
            actions = [a for a in actions if a != "publish"]
        return actions

    def publish_action(self):
        policy = policy_for(self.model)
        if not policy.user_has_permission_for_instance(self.request.user, "publish", self.object):
            raise PermissionDenied
        return super().publish_action()


class PolicyEditMixin(PolicyPublishMixin, PolicyGuardMixin):
    """Edit (and revert from a revision)."""

    instance_actions = ("change",)


class PolicyUnlockMixin(PolicyGuardMixin):
    """Anyone who may lock may release their own lock; others' locks need "unlock"."""

    def check_instance_permission(self, obj) -> None:
        own_lock = getattr(obj, "locked_by_id", None) == self.request.user.pk
        guard_instance(self.request.user, obj, ("unlock", "lock") if own_lock else ("unlock",))


def _guarded(view_class, actions=VIEW, mixin=PolicyGuardMixin):
    return type(
        f"Policy{view_class.__name__}",
        (mixin, view_class),
        {"instance_actions": tuple(actions), "__module__": __name__},
    )


class PolicyChooseMixin:
    """The chooser offers what the user may read: public records plus their own department's."""

    def get_object_list(self):
        policy = policy_for(self.model_class)
        readable = policy.instances_user_may_read(self.request.user)
        return super().get_object_list().filter(pk__in=readable.values("pk"))


class PolicyChosenMixin:
    def get_object(self, pk):
        policy = policy_for(self.model_class)
        return policy.instances_user_may_read(self.request.user).get(pk=pk)

    def get_objects(self, pks):
        policy = policy_for(self.model_class)
        return policy.instances_user_may_read(self.request.user).filter(pk__in=pks)


class DepartmentOwnedChooserViewSet(CheckedSnippetChooserViewSet):
    choose_view_class = type("PolicyChooseView", (PolicyChooseMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "PolicyChooseResultsView", (PolicyChooseMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("PolicyChosenView", (PolicyChosenMixin, chooser_views.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "PolicyChosenMultipleView",
        (PolicyChosenMixin, chooser_views.SnippetChosenMultipleView),
        {},
    )


class PolicyBulkActionMixin:
    """For bulk actions on owned snippets: only records the user may manage are ever loaded.

    Wagtail's bulk actions load every selected id (and, for "select all", every row of the
    table) and name the ones the user may not touch on the confirmation page.
    """

    def _manageable(self, model):
        return policy_for(model).instances_user_has_any_permission_for(self.request.user, MANAGE_ACTIONS)

    def get_queryset(self, model, object_ids):
        objects = list(self._manageable(model).filter(pk__in=object_ids))
        if not objects:
            raise Http404
        return objects

    def get_all_objects_in_listing_query(self, parent_id):
        return self._manageable(self.model).values_list("pk", flat=True)


class DepartmentOwnedViewSet(SnippetViewSet):
    """Snippet viewset whose every view asks the department permission policy."""

    chooser_viewset_class = DepartmentOwnedChooserViewSet

    add_view_class = type("PolicyCreateView", (PolicyPublishMixin, snippet_views.CreateView), {"__module__": __name__})

    edit_view_class = _guarded(snippet_views.EditView, ("change",), PolicyEditMixin)
    delete_view_class = _guarded(snippet_views.DeleteView, ("delete",))
    usage_view_class = _guarded(snippet_views.UsageView)
    # Wagtail lets only editors see history; here whoever may view the record may see it.
    history_view_class = type(
        "PolicyHistoryView",
        (PolicyGuardMixin, snippet_views.HistoryView),
        {"any_permission_required": ["add", "change", "delete", "view"], "__module__": __name__},
    )
    inspect_view_class = _guarded(snippet_views.InspectView)
    copy_view_class = type(
        "PolicyCopyView",
        (PolicyGuardMixin, PolicyPublishMixin, snippet_views.CopyView),
        {"instance_actions": VIEW, "__module__": __name__},
    )
    revisions_view_class = _guarded(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = type(
        "PolicyRevisionsCompareView",
        (PolicyGuardMixin, snippet_views.RevisionsCompareView),
        {"permission_required": None, "any_permission_required": ["change", "view"], "__module__": __name__},
    )
    revisions_unschedule_view_class = _guarded(snippet_views.RevisionsUnscheduleView, ("publish",))
    unpublish_view_class = _guarded(snippet_views.UnpublishView, ("publish",))
    preview_on_edit_view_class = _guarded(snippet_views.PreviewOnEditView, ("change",))
    lock_view_class = _guarded(snippet_views.LockView, ("lock",))
    unlock_view_class = _guarded(snippet_views.UnlockView, ("unlock",), PolicyUnlockMixin)
    workflow_action_view_class = _guarded(snippet_views.WorkflowActionView)
    collect_workflow_action_data_view_class = _guarded(snippet_views.CollectWorkflowActionDataView)
    confirm_workflow_cancellation_view_class = _guarded(snippet_views.ConfirmWorkflowCancellationView, ("change",))
    workflow_preview_view_class = _guarded(snippet_views.WorkflowPreviewView)
    workflow_history_view_class = _guarded(snippet_views.WorkflowHistoryView)
    workflow_history_detail_view_class = _guarded(snippet_views.WorkflowHistoryDetailView)

    list_select_related: tuple[str, ...] = ("department",)

    def get_queryset(self, request):
        """The index lists exactly the records the user may manage."""
        policy = policy_for(self.model)
        queryset = policy.instances_user_has_any_permission_for(request.user, MANAGE_ACTIONS)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


# ---- plain (non-snippet) owned models ---------------------------------------------------------


class PolicyIndexView(generic.IndexView):
    """Lists what the viewset's ``get_queryset(request)`` gives; row links follow the policy."""

    def get_base_queryset(self):
        if callable(self.queryset):
            self.queryset = self.queryset(self.request)
        return super().get_base_queryset()

    def get_table(self, object_list):
        policy_for(self.model).prefetch_for(self.request.user, object_list)
        return super().get_table(object_list)

    def _may(self, action: str, instance) -> bool:
        return policy_for(self.model).user_has_permission_for_instance(self.request.user, action, instance)

    def get_edit_url(self, instance):
        if self.edit_url_name and self._may("change", instance):
            return reverse(self.edit_url_name, args=[instance.pk])
        return None

    def get_delete_url(self, instance):
        if self.delete_url_name and self._may("delete", instance):
            return reverse(self.delete_url_name, args=[instance.pk])
        return None


class PolicyDeleteView(PolicyGuardMixin, generic.DeleteView):
    """Delete in one transaction; say in words why a record still referenced cannot go."""

    instance_actions = ("delete",)
    protected_message = "不能删除“{object}”：仍有其他记录引用它。请先解除引用，或改为停用。"

    def prepare_delete(self) -> None:
        """Runs inside the transaction, before the record is deleted (subclasses tidy up here)."""

    def _refuse(self):
        messages.error(self.request, self.protected_message.format(object=self.object))
        return redirect(self.edit_url_name, self.object.pk)

    def form_valid(self, form):
        if self.usage is not None and self.usage.is_protected:
            return self._refuse()
        success_url = self.get_success_url()
        message = self.get_success_message()
        try:
            with transaction.atomic():
                self.prepare_delete()
                self.delete_action()
        except ProtectedError:
            return self._refuse()
        messages.success(self.request, message)
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else redirect(success_url)


class PolicyHistoryMixin:
    """The simple-history views load their record in ``setup``: ask the policy right there."""

    instance_actions: tuple[str, ...] = VIEW

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        guard_instance(request.user, self.object, self.instance_actions)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_revert"] = policy_for(self.model).user_has_permission_for_instance(
            self.request.user, "change", self.object
        )
        return context


class PolicySimpleHistoryView(PolicyHistoryMixin, SimpleHistoryView):
    pass


class PolicySimpleHistoryCompareView(PolicyHistoryMixin, SimpleHistoryCompareView):
    pass


class PolicySimpleHistoryRevertView(PolicyHistoryMixin, SimpleHistoryRevertView):
    """Reverting is a change; a version of another department needs the right to create there."""

    instance_actions = ("change",)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.original_department_id = self.object.department_id

    def revert_problems(self, instance) -> list[str]:
        problems = super().revert_problems(instance)
        if instance.department_id != self.original_department_id:
            allowed = policy_for(self.model).departments_for_action(self.request.user, "add")
            if not allowed.filter(pk=instance.department_id).exists():
                problems.append("该版本属于您无权新建记录的部门，不能恢复到该版本。")
        return problems


class DepartmentOwnedModelViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    """ModelViewSet of a plain owned model (simple-history) whose every view asks the policy.

    The index lists exactly the records the user may manage; edit, delete, usage, history,
    compare and revert load their record through the policy (404 when unreadable, 403 when
    the action is not allowed). Forms should derive from
    ``permissions.forms.DepartmentOwnedModelForm`` (departments the user may create in, a
    change reason for the history).
    """

    index_view_class = PolicyIndexView
    add_view_class = generic.CreateView
    edit_view_class = _guarded(generic.EditView, ("change",))
    delete_view_class = PolicyDeleteView
    usage_view_class = _guarded(UsageView)
    inspect_view_class = _guarded(generic.InspectView)
    history_view_class = PolicySimpleHistoryView
    history_compare_view_class = PolicySimpleHistoryCompareView
    history_revert_view_class = PolicySimpleHistoryRevertView
    # A copy would start as an edit of the original (its department, its pk): not offered.
    copy_view_enabled = False

    list_select_related: tuple[str, ...] = ("department",)
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        """The records the user may manage (subclasses may annotate the result)."""
        queryset = policy_for(self.model).instances_user_has_any_permission_for(request.user, MANAGE_ACTIONS)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.get_queryset, **kwargs)


# ---- the organisation: departments and memberships (组织机构) -----------------------------


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
    """Bulk delete of owned records (snippets and plain models), under each model's own rules.

    - Offered only for models that can be deleted at all (a disclosure request has no delete
      permission: requests are archived, never deleted; the policy refuses "delete" for it).
    - Only records the user may manage are loaded; those they may not delete are named as such.
    - Each record is deleted on its own (``instance.delete()``), so its ``pre_delete``/
      ``post_delete`` rules run (a terminal's service user is retired); a record still referenced
      (PROTECT) makes the whole action a refusal with a message, nothing deleted.
    - Plain models (not snippets) have no snippet viewset: header icon and usage link fall back.
    """

    protected_message = "不能删除所选记录：其中“{object}”仍被其他记录引用。请先解除引用，或改为停用。"

    @classproperty
    def models(cls):
        return [model for model in owned_models if policy_for(model)._offers("delete")]

    def check_perm(self, obj):
        return policy_for(type(obj)).user_has_permission_for_instance(self.request.user, "delete", obj)

    def get_context_data(self, **kwargs):
        if getattr(self.model, "snippet_viewset", None) is not None:
            return super().get_context_data(**kwargs)
        # SnippetBulkAction reads the icon off the snippet viewset, which plain models lack:
        # the same context without it (ReferenceIndexMixin's part is "is_protected").
        context = BulkAction.get_context_data(self, header_icon="bin", **kwargs)
        context["is_protected"] = self.is_protected
        return context

    def get_usage_url(self, item):
        if getattr(type(item), "snippet_viewset", None) is None:
            return None
        return super().get_usage_url(item)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for obj in objects:
            obj.delete()
        return len(objects), 0

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as exc:
            blocking = next(iter(exc.protected_objects), None)
            obj = next(
                (o for o in self.actionable_objects if blocking is not None and _references(blocking, o)),
                self.actionable_objects[0] if self.actionable_objects else "",
            )
            messages.error(self.request, self.protected_message.format(object=obj))
            return redirect(self.next_url)


def _references(blocking, obj) -> bool:
    """Does ``blocking`` (a protected row) point at ``obj``?"""
    for field in blocking._meta.concrete_fields:
        if field.is_relation and field.related_model is type(obj) and getattr(blocking, field.attname) == obj.pk:
            return True
    return False
