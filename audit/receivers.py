"""Events recorded from Django's, django-axes' and Wagtail's signals (audit knows no domain).

- Authentication: ``user_logged_in``, ``user_logged_out``, ``user_login_failed`` (the user name as
  typed; the password never), axes' ``user_locked_out``; the second factor's enrolment,
  verification, failure and reset (``accounts.signals``).
- Password change: Django has no signal; ``AbstractBaseUser.set_password`` keeps the new raw
  password in ``_password`` until the next ``save()``, and the hash upgrade on login clears it
  before saving, so a save of an existing user with ``_password`` set is a password change — by the
  user (the password change view) or by an administrator (the user edit form), whoever the request
  says.
- Accounts: a user created or deleted.
- Rights: ``m2m_changed`` of ``User.groups``, ``User.user_permissions`` and ``Group.permissions``;
  a change of ``is_superuser``, ``is_staff`` or ``is_active``.
- Content: Wagtail's ``page_published`` / ``page_unpublished``, ``post_delete`` of ``Page``;
  ``published`` / ``unpublished`` of any other model (snippets with draft state); a deletion logged
  by the Wagtail admin (``ModelLogEntry`` "wagtail.delete": snippets and other admin models).
GB/T 22239-2019 8.1.4.3 a): the audit covers every user and the important security events.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import kinds
from .log import record
from .models import Result

WATCHED_USER_FLAGS = ("is_superuser", "is_staff", "is_active")


# ---- authentication ---------------------------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    record(kinds.LOGIN_SUCCESS, request=request, user=user, obj=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    record(kinds.LOGOUT, request=request, user=user, obj=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced sensitive values in ``credentials``; read only the user name.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    record(
        kinds.LOGIN_FAILURE,
        request=request,
        user=username or "",
        result=Result.DENIED if locked else Result.FAILURE,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record(kinds.LOCKOUT, request=request, user=str(username or ""), result=Result.DENIED)


def on_second_factor_enrolled(sender, user, request=None, device=None, **kwargs) -> None:
    record(kinds.SECOND_FACTOR_ENROLLED, request=request, user=user, obj=user, device=_device_kind(device))


def on_second_factor_verified(sender, user, request=None, device=None, **kwargs) -> None:
    record(kinds.SECOND_FACTOR_VERIFIED, request=request, user=user, obj=user, device=_device_kind(device))


def on_second_factor_failed(sender, user, request=None, reason: str = "", **kwargs) -> None:
    denied = reason == "throttled"
    record(
        kinds.SECOND_FACTOR_FAILED,
        request=request,
        user=user,
        obj=user,
        result=Result.DENIED if denied else Result.FAILURE,
        reason=reason,
    )


def on_second_factor_reset(sender, user, actor=None, request=None, **kwargs) -> None:
    # The actor is the system administrator; the object is the account whose factors were removed.
    record(kinds.SECOND_FACTOR_RESET, request=request, user=actor, obj=user)


def on_membership_changed(sender, membership, action: str, previous_user_id=None, **kwargs) -> None:
    """Who was given, moved or removed from which department role (ids only, no names)."""
    detail = {"action": action, "user_id": membership.user_id, "department_id": membership.department_id}
    if previous_user_id is not None:
        detail["previous_user_id"] = previous_user_id
    record(kinds.MEMBERSHIP_CHANGED, obj=membership, role=membership.role, **detail)


def _device_kind(device) -> str:
    """``totp`` or ``static`` (backup codes): the kind of factor, never its secret or name."""
    return type(device).__name__.removesuffix("Device").lower() if device is not None else ""


# ---- the user row: password and flags ------------------------------------------------------


def on_user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    fields = set(update_fields) if update_fields is not None else None
    instance._audit_password_changed = getattr(instance, "_password", None) is not None and (
        fields is None or "password" in fields
    )
    watched = [f for f in WATCHED_USER_FLAGS if fields is None or f in fields]
    changes = {}
    if watched:
        before = sender._base_manager.filter(pk=instance.pk).values(*watched).first()
        if before is not None:
            changes = {f: [before[f], getattr(instance, f)] for f in watched if before[f] != getattr(instance, f)}
    instance._audit_flag_changes = changes


def on_user_post_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        record(kinds.USER_CREATED, obj=instance, is_superuser=instance.is_superuser, is_staff=instance.is_staff)
        return
    if getattr(instance, "_audit_password_changed", False):
        record(kinds.PASSWORD_CHANGE, obj=instance)
    if changes := getattr(instance, "_audit_flag_changes", None):
        record(kinds.USER_PERMISSIONS_CHANGED, obj=instance, **changes)
    instance._audit_password_changed = False
    instance._audit_flag_changes = {}


def on_user_deleted(sender, instance, **kwargs) -> None:
    record(kinds.USER_DELETED, obj=instance)


# ---- rights held through groups and permissions --------------------------------------------

M2M_ACTIONS = {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}


def _related_ids(instance, relation: str, action: str, pk_set) -> list[int]:
    if action == "pre_clear":
        return sorted(getattr(instance, relation).values_list("pk", flat=True))
    return sorted(pk_set or ())


def _permission_labels(pks) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
    )


def on_user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:  # user.groups.add(group, ...)
        ids = _related_ids(instance, "groups", action, pk_set)
        if ids:
            names = sorted(Group.objects.filter(pk__in=ids).values_list("name", flat=True))
            record(kinds.USER_GROUPS_CHANGED, obj=instance, action=M2M_ACTIONS[action], groups=names)
    else:  # group.user_set.add(user, ...)
        ids = _related_ids(instance, "user_set", action, pk_set)
        if ids:
            record(kinds.USER_GROUPS_CHANGED, obj=instance, action=M2M_ACTIONS[action], user_ids=ids)


def on_group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:  # group.permissions.add(perm, ...)
        ids = _related_ids(instance, "permissions", action, pk_set)
        if ids:
            record(
                kinds.GROUP_PERMISSIONS_CHANGED,
                obj=instance,
                action=M2M_ACTIONS[action],
                permissions=_permission_labels(ids),
            )
    else:  # permission.group_set.add(group, ...)
        ids = _related_ids(instance, "group_set", action, pk_set)
        if ids:
            record(kinds.GROUP_PERMISSIONS_CHANGED, obj=instance, action=M2M_ACTIONS[action], group_ids=ids)


def on_user_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in M2M_ACTIONS:
        return
    if not reverse:
        ids = _related_ids(instance, "user_permissions", action, pk_set)
        if ids:
            record(
                kinds.USER_PERMISSIONS_CHANGED,
                obj=instance,
                action=M2M_ACTIONS[action],
                permissions=_permission_labels(ids),
            )
    else:
        ids = _related_ids(instance, "user_set", action, pk_set)
        if ids:
            record(kinds.USER_PERMISSIONS_CHANGED, obj=instance, action=M2M_ACTIONS[action], user_ids=ids)


# ---- content ---------------------------------------------------------------------------------


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    record(kinds.PAGE_PUBLISHED, obj=instance, revision=getattr(revision, "pk", None))


def on_page_unpublished(sender, instance, **kwargs) -> None:
    record(kinds.PAGE_UNPUBLISHED, obj=instance)


def on_page_deleted(sender, instance, **kwargs) -> None:
    if instance.depth <= 1:  # the tree's root, only ever removed by a test's flush
        return
    record(kinds.PAGE_DELETED, obj=instance, path=instance.url_path[:200])


def on_published(sender, instance, revision=None, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        return  # recorded as page_published
    record(kinds.SNIPPET_PUBLISHED, obj=instance, revision=getattr(revision, "pk", None))


def on_unpublished(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        return
    record(kinds.SNIPPET_UNPUBLISHED, obj=instance)


def on_model_log_entry(sender, instance, created, raw=False, **kwargs) -> None:
    """A deletion in the Wagtail admin (snippets, other admin models): by type and id only."""
    if raw or not created or instance.action != "wagtail.delete":
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    record(
        kinds.CONTENT_DELETED,
        user=instance.user,
        obj=model,
        object_pk=str(instance.object_id)[:64],
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from wagtail.models import ModelLogEntry, Page
    from wagtail.signals import page_published, page_unpublished, published, unpublished

    from accounts import signals as factor_signals
    from permissions import signals as permission_signals

    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit-lockout")
    factor_signals.second_factor_enrolled.connect(on_second_factor_enrolled, dispatch_uid="audit-2fa-enrolled")
    factor_signals.second_factor_verified.connect(on_second_factor_verified, dispatch_uid="audit-2fa-verified")
    factor_signals.second_factor_failed.connect(on_second_factor_failed, dispatch_uid="audit-2fa-failed")
    factor_signals.second_factor_reset.connect(on_second_factor_reset, dispatch_uid="audit-2fa-reset")
    permission_signals.membership_changed.connect(on_membership_changed, dispatch_uid="audit-membership")
    pre_save.connect(on_user_pre_save, sender=user_model, dispatch_uid="audit-user-pre")
    post_save.connect(on_user_post_save, sender=user_model, dispatch_uid="audit-user-post")
    post_delete.connect(on_user_deleted, sender=user_model, dispatch_uid="audit-user-deleted")
    m2m_changed.connect(on_user_groups_changed, sender=user_model.groups.through, dispatch_uid="audit-user-groups")
    m2m_changed.connect(
        on_user_permissions_changed, sender=user_model.user_permissions.through, dispatch_uid="audit-user-perms"
    )
    m2m_changed.connect(
        on_group_permissions_changed, sender=Group.permissions.through, dispatch_uid="audit-group-perms"
    )
    page_published.connect(on_page_published, dispatch_uid="audit-page-published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="audit-page-unpublished")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="audit-page-deleted")
    published.connect(on_published, dispatch_uid="audit-published")
    unpublished.connect(on_unpublished, dispatch_uid="audit-unpublished")
    post_save.connect(on_model_log_entry, sender=ModelLogEntry, dispatch_uid="audit-model-log")
