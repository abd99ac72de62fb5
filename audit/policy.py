"""Who may read the audit log: auditors only; nobody may add, change or delete a row.

Separation of duties (GB/T 22239-2019 level 3, 8.1.4.2 d) 三权分立: system administration, security
administration and audit are held by different people). The log is read by users holding
``audit.view_auditevent`` *through their groups or their own permissions* — the 审计员 role gives it.
Superuser status alone does not: the installation's superuser is the break-glass account of the
system administrator, and the person who administers the system must not also be the one who reads
the record of what administrators did. Making oneself an auditor is itself a group change, and
recorded (``audit.receivers``).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

VIEW_PERMISSION = ("audit", "view_auditevent")


def is_auditor(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_audit_is_auditor", None)
    if cached is None:
        app_label, codename = VIEW_PERMISSION
        cached = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .filter(Q(group__user=user) | Q(user=user))
            .exists()
        )
        user._audit_is_auditor = cached
    return cached


class AuditLogPolicy(BasePermissionPolicy):
    """ "view" for auditors; every other action refused to everyone, superusers included."""

    def user_has_permission(self, user, action) -> bool:
        return action == "view" and is_auditor(user)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.none()
        if "view" in actions:
            app_label, codename = VIEW_PERMISSION
            perm = Q(content_type__app_label=app_label, codename=codename)
            users = (
                get_user_model()
                .objects.filter(is_active=True)
                .filter(
                    Q(groups__permissions__in=Permission.objects.filter(perm))
                    | Q(user_permissions__in=Permission.objects.filter(perm))
                )
                .distinct()
            )
        return users
