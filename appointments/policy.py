"""Who may act on bookings: the hall department's roles, widened for the hall's window staff.

Schedules, groups, bookings and out-of-hours requests are owned by the hall's department and
answered by ``DepartmentWidePolicy`` (no per-record grant rows: bookings are many). The staff
posted to any window of a hall (``halls.Window.staff``, 窗口工作人员) also see that hall's
bookings and mark check-in or no-show at the desk — view and change, never more. This class
only widens; it never narrows.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from permissions.policy import DepartmentWidePolicy

DESK_ACTIONS = frozenset({"view", "change"})
_HALLS_CACHE = "_appointment_desk_halls_cache"


def desk_hall_ids(user) -> frozenset[int]:
    """The halls whose windows this user is posted to (cached on the user for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _HALLS_CACHE, None)
    if cached is None:
        from halls.models import Window

        cached = frozenset(
            Window.objects.filter(staff=user, hall__is_active=True).values_list("hall_id", flat=True).distinct()
        )
        setattr(user, _HALLS_CACHE, cached)
    return cached


class BookingPolicy(DepartmentWidePolicy):
    def user_has_permission(self, user, action: str) -> bool:
        if super().user_has_permission(user, action):
            return True
        return action in DESK_ACTIONS and bool(desk_hall_ids(user))

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        if super().user_has_permission_for_instance(user, action, instance):
            return True
        return action in DESK_ACTIONS and instance.hall_id in desk_hall_ids(user)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        queryset = super().instances_user_has_any_permission_for(user, actions)
        halls = desk_hall_ids(user)
        if halls and DESK_ACTIONS & set(actions):
            return self.model._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(hall_id__in=halls))
        return queryset
