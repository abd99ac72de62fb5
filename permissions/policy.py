"""The one permission policy for department-owned records.

A user may take an action on a record when either
- they hold the model-level permission (a cross-department role such as the disclosure
  office, or the system administrator; Django's ModelBackend answers this), or
- the owner department's role group they belong to holds the object-level permission on
  that record (django-guardian answers this; grants are made by ``permissions.grants``).

Creating ("add") has no object yet: it is allowed in the departments where the user holds a
role whose actions include "add" (``roles.ROLE_ACTIONS``).

Admin views, choosers, bulk actions, import/export and the API all ask this class; nothing
else decides who may do what with an owned record.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .roles import ROLE_ACTIONS

_ROLE_CACHE = "_department_roles_cache"
_CHECKER_CACHE = "_guardian_checker_cache"

# Models whose records are owned by a department, in registration order; those of them whose
# grants are kept per record (all but ``object_grants=False``: cases) are ``granted_models``.
owned_models: list[type[Model]] = []
granted_models: list[type[Model]] = []


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def department_roles(user) -> dict[int, frozenset[str]]:
    """Map department id -> actions the user may take there through their memberships.

    Only active departments count. Cached on the user object for the request.
    """
    if not _is_active(user):
        return {}
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        from .models import Membership

        cached = {}
        for dept_id, role in Membership.objects.filter(user=user, department__is_active=True).values_list(
            "department_id", "role"
        ):
            cached[dept_id] = cached.get(dept_id, frozenset()) | ROLE_ACTIONS.get(role, frozenset())
        setattr(user, _ROLE_CACHE, cached)
    return cached


def forget_cached_permissions(user) -> None:
    """Drop what the policy cached on this user object (after memberships change)."""
    for attr in (_ROLE_CACHE, _CHECKER_CACHE, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


class DepartmentPermissionPolicy(ModelPermissionPolicy):
    """Model-level permission (cross-department role) OR object grant to the owner's groups."""

    # ---- helpers -------------------------------------------------------------------------
    def _perm(self, action: str) -> str:
        return f"{self.app_label}.{self._get_permission_codename(action)}"

    def _has_global(self, user, action: str) -> bool:
        # ModelBackend answers for superusers and model-level grants; guardian's backend
        # answers False when no object is given, so this is the global answer only.
        return _is_active(user) and user.has_perm(self._perm(action))

    def _checker(self, user) -> ObjectPermissionChecker:
        checkers = getattr(user, _CHECKER_CACHE, None)
        if checkers is None:
            checkers = {}
            setattr(user, _CHECKER_CACHE, checkers)
        key = self.model._meta.label
        if key not in checkers:
            checkers[key] = ObjectPermissionChecker(user)
        return checkers[key]

    @property
    def _model_actions(self) -> frozenset[str]:
        """Actions the model has a permission for (its default and custom permissions)."""
        opts = self.model._meta
        custom = {codename.removesuffix(f"_{opts.model_name}") for codename, _ in opts.permissions}
        return frozenset(opts.default_permissions) | frozenset(custom)

    def _offers(self, action: str) -> bool:
        """The model's own rule: an action it has no permission for (a disclosure request has no
        "delete": requests are archived, never deleted) is refused to everyone, superusers too."""
        return action != "delete" or "delete" in self._model_actions

    # ---- model-level questions -----------------------------------------------------------
    def user_has_permission(self, user, action: str) -> bool:
        """May the user take this action on at least some records (or create some)?"""
        if not _is_active(user) or not self._offers(action):
            return False
        if self._has_global(user, action):
            return True
        return any(action in actions for actions in department_roles(user).values())

    def departments_for_action(self, user, action: str) -> QuerySet:
        """Active departments in which the user may take this action (e.g. create records)."""
        from .models import Department

        if not _is_active(user):
            return Department.objects.none()
        if self._has_global(user, action):
            return Department.objects.active()
        ids = [d for d, actions in department_roles(user).items() if action in actions]
        return Department.objects.active().filter(pk__in=ids)

    def user_may_publish_new(self, user) -> bool:
        """May a record this user is creating be published straight away?

        The department is not known before the form is saved, so only when the user may
        publish in every department they may create in.
        """
        add = set(self.departments_for_action(user, "add").values_list("pk", flat=True))
        publish = set(self.departments_for_action(user, "publish").values_list("pk", flat=True))
        return bool(add) and add <= publish

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        from .models import Membership

        actions = set(actions)
        roles = [role for role, allowed in ROLE_ACTIONS.items() if allowed & actions]
        members = Membership.objects.filter(role__in=roles, department__is_active=True)
        return (
            super().users_with_any_permission(actions)
            | get_user_model().objects.filter(is_active=True, pk__in=members.values("user_id"))
        ).distinct()

    # ---- instance-level questions --------------------------------------------------------
    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        if not _is_active(user) or not self._offers(action):
            return False
        if self._has_global(user, action):
            return True
        if action == "add":
            return instance.department_id in {d for d, actions in department_roles(user).items() if "add" in actions}
        if instance.pk is None:
            return False
        return self._checker(user).has_perm(self._get_permission_codename(action), instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        actions = [action for action in actions if self._offers(action)]
        queryset = self.model._default_manager.all()
        if not _is_active(user):
            return queryset.none()
        if any(self._has_global(user, action) for action in actions):
            return queryset
        # Only actions the model has a permission for ("publish" exists on matters, not on halls).
        object_actions = [a for a in actions if a != "add" and a in self._model_actions]
        if not object_actions:
            return queryset.none()
        return get_objects_for_user(
            user,
            [self._perm(a) for a in object_actions],
            klass=queryset,
            any_perm=True,
            with_superuser=False,
            accept_global_perms=False,
        )

    def users_with_any_permission_for_instance(self, actions, instance) -> QuerySet:
        from guardian.shortcuts import get_users_with_perms

        actions = set(actions) - {"add"}
        User = get_user_model()
        global_users = ModelPermissionPolicy.users_with_any_permission(self, actions)
        codenames = {self._get_permission_codename(a) for a in actions}
        with_grants = get_users_with_perms(instance, with_group_users=True, only_with_perms_in=codenames)
        return User.objects.filter(
            Q(pk__in=global_users.values("pk")) | Q(pk__in=[u.pk for u in with_grants]),
            is_active=True,
        ).distinct()

    # ---- reading, as opposed to managing ------------------------------------------------
    def instances_user_may_read(self, user) -> QuerySet:
        """Records the user may read: public ones plus those they may view in the admin.

        Public visibility is the model's own rule (``public_queryset``); for a matter that is
        "published" now and "in force" once the catalog issue lands.
        """
        public = self.model.public_queryset()
        if not _is_active(user):
            return public
        if self._has_global(user, "view"):
            return self.model._default_manager.all()
        managed = self.instances_user_has_any_permission_for(user, ["view", "change"])
        return self.model._default_manager.filter(Q(pk__in=public.values("pk")) | Q(pk__in=managed.values("pk")))

    def prefetch_for(self, user, instances: Iterable[Model]) -> None:
        """Load the user's object grants for many records in one query (listings)."""
        instances = [obj for obj in instances if obj.pk is not None]
        if _is_active(user) and instances and not user.is_superuser:
            self._checker(user).prefetch_perms(instances)


# ---- pages ---------------------------------------------------------------------------------

# Wagtail page actions that make someone an editor or reviewer of a page ("change" includes the
# pages a user may add and owns, as Wagtail's page policy answers it).
PAGE_MANAGE_ACTIONS = ("change", "publish")


def _public_pages_q() -> Q:
    """Live pages with no view restriction on themselves or an ancestor."""
    from wagtail.models import PageViewRestriction

    q = Q(live=True)
    for path in PageViewRestriction.objects.values_list("page__path", flat=True):
        q &= ~Q(path__startswith=path)
    return q


def pages_user_may_see(user, pages: QuerySet) -> QuerySet:
    """Narrow ``pages`` to those the admin may show this user (titles included).

    The one rule for pages (issue 14 item 8; GB/T 22239-2019 8.1.4.2 访问控制: least privilege):
    a page is shown when it is live and public, or when the user may edit or review it — a
    Wagtail page permission ("change" or "publish") on it or an ancestor, or a workflow task on
    it that the user may act on now. Another department's unpublished, restricted and in-review
    pages are therefore never listed, searched, chosen or confirmed by title for anyone else.
    """
    public = _public_pages_q()
    if not _is_active(user):
        return pages.filter(public)
    if user.is_superuser:
        return pages
    from wagtail.models import Page, TaskState
    from wagtail.permission_policies.pages import PagePermissionPolicy

    managed = PagePermissionPolicy(Page).instances_user_has_any_permission_for(user, PAGE_MANAGE_ACTIONS)
    reviewable = {
        int(object_id)
        for object_id in TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .values_list("workflow_state__object_id", flat=True)
        if str(object_id).isdigit()
    }
    return pages.filter(public | Q(pk__in=managed.values("pk")) | Q(pk__in=reviewable))


def user_may_see_page(user, page) -> bool:
    from wagtail.models import Page

    return pages_user_may_see(user, Page.objects.filter(pk=page.pk)).exists()


def policy_for(model: type[Model]) -> DepartmentPermissionPolicy:
    """The policy registered for an owned model."""
    policy = policy_registry.get_by_type(model, fallback=False)
    if not isinstance(policy, DepartmentPermissionPolicy):
        raise LookupError(f"{model._meta.label} is not a department-owned model")
    return policy


def register_owned_model(
    model: type[Model],
    policy_class: type[DepartmentPermissionPolicy] = DepartmentPermissionPolicy,
    *,
    object_grants: bool = True,
) -> DepartmentPermissionPolicy:
    """Register the policy for an owned model and connect its grant bookkeeping.

    Call from the owning app's ``AppConfig.ready()``, before Wagtail looks the policy up. A
    domain whose records are also reached by people outside the owner department (the window
    staff who took a case in) passes a subclass that widens, never narrows, the rule; a
    high-volume model whose every record is reached by the whole department (cases) passes
    ``object_grants=False`` with a ``DepartmentWidePolicy``, so no per-record grant rows are kept.
    """
    from . import grants

    policy = policy_class(model)
    register_permission_policy(model, policy)
    if model not in owned_models:
        owned_models.append(model)
        if object_grants:
            granted_models.append(model)
            grants.connect_owned_model(model)
    return policy


class DepartmentWidePolicy(DepartmentPermissionPolicy):
    """The same rule, answered from the memberships instead of per-record grants.

    A department role acts on every record its department owns, exactly as the grants of
    ``permissions.grants`` would say; for a model with millions of rows (cases) keeping one
    guardian row per record, role and action would cost more than the records themselves.
    """

    def _departments_with(self, user, actions) -> set[int]:
        actions = set(actions)
        return {d for d, allowed in department_roles(user).items() if allowed & actions}

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        if not _is_active(user) or not self._offers(action):
            return False
        if self._has_global(user, action):
            return True
        if action != "add" and instance.pk is None:
            return False
        return instance.department_id in self._departments_with(user, [action])

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        actions = [action for action in actions if self._offers(action)]
        queryset = self.model._default_manager.all()
        if not _is_active(user):
            return queryset.none()
        if any(self._has_global(user, action) for action in actions):
            return queryset
        object_actions = [a for a in actions if a != "add" and a in self._model_actions]
        return queryset.filter(department_id__in=self._departments_with(user, object_actions))

    def prefetch_for(self, user, instances: Iterable[Model]) -> None:
        """Nothing to prefetch: the memberships are cached on the user."""


__all__ = [
    "DepartmentPermissionPolicy",
    "DepartmentWidePolicy",
    "department_roles",
    "forget_cached_permissions",
    "granted_models",
    "owned_models",
    "pages_user_may_see",
    "policy_for",
    "register_owned_model",
    "user_may_see_page",
]
