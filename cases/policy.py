"""Who may act on a case: the one department policy, widened for the window that took it in.

The handling department's roles act on its cases (answered from the memberships by
``DepartmentWidePolicy``: a million cases would otherwise carry six million grant rows), the
效能监察员 through model-level permissions — both exactly as for every owned record. A case
taken in at a hall window is also reached by the staff posted to that window (``halls.Window.staff``,
the 窗口工作人员 role): they register it, accept it or complete it on the spot and print its
notice, whichever department handles the matter (一窗受理, 国办发〔2018〕45号), and they see the
cases of their windows, nothing else. This class only adds that posting; it never narrows.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from permissions.policy import DepartmentWidePolicy

WINDOW_ACTIONS = frozenset({"view", "change"})
_WINDOWS_CACHE = "_case_window_ids_cache"


def window_ids(user) -> frozenset[int]:
    """The windows this user is posted to (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _WINDOWS_CACHE, None)
    if cached is None:
        from halls.models import Window

        cached = frozenset(Window.objects.filter(staff=user, hall__is_active=True).values_list("pk", flat=True))
        setattr(user, _WINDOWS_CACHE, cached)
    return cached


class CasePermissionPolicy(DepartmentWidePolicy):
    def user_has_permission(self, user, action: str) -> bool:
        if super().user_has_permission(user, action):
            return True
        return (action in WINDOW_ACTIONS or action == "add") and bool(window_ids(user))

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        if super().user_has_permission_for_instance(user, action, instance):
            return True
        if action in WINDOW_ACTIONS or action == "add":
            return instance.window_id is not None and instance.window_id in window_ids(user)
        return False

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        queryset = super().instances_user_has_any_permission_for(user, actions)
        windows = window_ids(user)
        if windows and WINDOW_ACTIONS & set(actions):
            return self.model._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(window_id__in=windows))
        return queryset
