"""DRF pieces built on the one permission policy: the permission class and the queryset."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .policy import DepartmentPermissionPolicy, policy_for

METHOD_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def _policy(view) -> DepartmentPermissionPolicy:
    return policy_for(view.owned_model)


def _checks_its_own_writes(view) -> bool:
    """A view of a third-party package (Wagtail's admin API) that checks each write itself.

    Wagtail's admin API actions (publish, copy, move, delete, revert, convert alias) ask
    Wagtail's page permissions before acting; this class must neither crash on them nor
    loosen or replace those checks.
    """
    module = type(view).__module__
    return module.startswith("wagtail.")


class PolicyPermission(BasePermission):
    """Reads are open (the queryset decides what is visible); writes ask the policy.

    A record outside the readable queryset is a 404 before this class is asked; a readable
    record the user may not change or delete is a 403. A write to a view of ours with no
    ``owned_model`` is refused (403, not a crash); a write to a view of a third-party package
    that checks its own writes (Wagtail's admin API) is left to those checks
    (GB/T 22239-2019 8.1.4.2 访问控制: every write is decided, none by accident).
    """

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = METHOD_ACTIONS.get(request.method)
        if action is None or not request.user.is_authenticated:
            return False
        if getattr(view, "owned_model", None) is None:
            return _checks_its_own_writes(view)
        if action == "add":
            return _policy(view).user_has_permission(request.user, action)
        # Changes to one record: decided on the record, after the lookup, so a record the
        # user may not read is a 404 whatever their rights elsewhere.
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = METHOD_ACTIONS.get(request.method)
        if getattr(view, "owned_model", None) is None:
            return action is not None and _checks_its_own_writes(view)
        return action is not None and _policy(view).user_has_permission_for_instance(request.user, action, obj)


class PolicyQuerysetMixin:
    """For DRF viewsets of an owned model: the base queryset is what the user may read."""

    owned_model = None
    permission_classes = [PolicyPermission]

    def get_queryset(self) -> QuerySet:
        readable = policy_for(self.owned_model).instances_user_may_read(self.request.user)
        return self.optimise_queryset(readable)

    def optimise_queryset(self, queryset: QuerySet) -> QuerySet:
        """Hook for select_related/prefetch_related so list queries do not grow with length."""
        return queryset
