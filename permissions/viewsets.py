"""The one base viewset for department-owned snippets.

Wagtail's generic admin views check model-level permissions only (wagtail#13314): the index
lists every row and the edit, delete, history, revision, workflow and lock views load any
primary key they are given. Every view of this viewset therefore asks the permission policy
about the instance it loads: a record the user may not see is a 404, a record they may see
but not act on is a 403. Apps subclass ``DepartmentOwnedViewSet`` and never repeat this.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .policy import policy_for

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


class DepartmentOwnedChooserViewSet(SnippetChooserViewSet):
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
