"""Terminals: their API keys and their service users.

- A key is shown once, when it is issued; only its hash is stored (djangorestframework-api-key).
- Rotating issues a new key and lets the older ones live for a grace period, so a terminal
  can be switched over without downtime; revoking stops every key at once.
- A terminal whose keys may read drafts or write matters acts as its *service user*, a member
  (role owner) of the terminal's department and of no other, so the one permission policy
  decides what it may read and write and the history names it. The user exists only while the
  terminal is active and holds one of those scopes.
- A terminal is stale when it has not polled for three expected intervals (or ever).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from api import scopes
from core.signals import records_changed
from permissions.models import Membership
from permissions.roles import Role

from .models import Terminal, TerminalKey

# A terminal is stale after this many expected intervals without a request.
STALE_AFTER_INTERVALS = 3
SERVICE_USER_REASON = "接入终端授权范围变更"


def service_username(terminal: Terminal) -> str:
    return f"api-terminal-{terminal.pk}"


def needs_service_user(terminal: Terminal) -> bool:
    return bool(
        terminal.pk
        and terminal.is_active
        and terminal.department_id
        and scopes.user_scopes().intersection(terminal.scopes or [])
    )


@transaction.atomic
def sync_service_user(terminal: Terminal):
    """Make the terminal's service user match the terminal; returns it, or None when it needs none.

    Active, with a department and a scope of ``scopes.user_scopes()``: the user exists, is
    active, cannot log in with a password, is not staff, and is an owner of the terminal's
    department only. Otherwise an existing service user is deactivated and loses its memberships.
    Memberships are saved one by one so their signals put the user in the right role groups.
    """
    User = get_user_model()
    user = terminal.service_user
    if user is None and terminal.pk:
        # Adopt a service user left by an earlier sync, never a person's account (those have passwords).
        leftover = User.objects.filter(username=service_username(terminal))
        user = leftover.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).first()

    if not needs_service_user(terminal):
        if user is not None:
            for membership in Membership.objects.filter(user=user):
                membership._change_reason = SERVICE_USER_REASON
                membership.delete()
            if user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
        return None

    if user is None:
        user = User(username=service_username(terminal), is_staff=False, is_superuser=False)
        user.set_unusable_password()
    changed = user.pk is None or not user.is_active or user.is_staff or user.is_superuser
    changed |= user.first_name != terminal.name[:150] or user.has_usable_password()
    if changed:
        user.first_name = terminal.name[:150]
        user.is_active = True
        user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
    if terminal.service_user_id != user.pk:
        # Not a change an editor made: no history record for it.
        Terminal.objects.filter(pk=terminal.pk).update(service_user=user)
        terminal.service_user = user
        records_changed.send(sender=Terminal, pks=[terminal.pk])  # its keys' cached lookups (terminals.auth)

    for membership in Membership.objects.filter(user=user).exclude(
        department_id=terminal.department_id, role=Role.OWNER
    ):
        membership._change_reason = SERVICE_USER_REASON
        membership.delete()
    if not Membership.objects.filter(user=user, department_id=terminal.department_id, role=Role.OWNER).exists():
        membership = Membership(
            user=user,
            department_id=terminal.department_id,
            role=Role.OWNER,
            note=f"接入终端“{terminal.name}”的接口账号",
        )
        membership._change_reason = SERVICE_USER_REASON
        membership.save()
    return user


def retire_service_user(terminal: Terminal) -> None:
    """Deactivate the service user of a terminal about to be deleted."""
    terminal.is_active = False
    sync_service_user(terminal)


def retire_on_delete(sender, instance: Terminal, **kwargs) -> None:
    """``pre_delete`` of a terminal, however it is deleted (one, in bulk, from the shell): its service
    user is deactivated and leaves every department, so no key or session of it acts again
    (GB/T 22239-2019 8.1.4.2 c): 及时删除或停用多余的、过期的账户)."""
    retire_service_user(instance)


# ---- keys -------------------------------------------------------------------------------------


def issue_key(terminal: Terminal, name: str) -> str:
    """Issue a new key for the terminal and return it in clear (it is never stored)."""
    _, key = TerminalKey.objects.create_key(terminal=terminal, name=name[:50])
    return key


def rotate_keys(terminal: Terminal, grace_hours: int = 24, by: str = "") -> str:
    """Issue a new key; older unrevoked keys stop working ``grace_hours`` from now.

    A key that already expires sooner keeps its earlier expiry. Returns the new key in clear;
    ``by`` (who rotated) goes into the new key's name.
    """
    with transaction.atomic():
        # Serialise concurrent rotations of one terminal (PostgreSQL; SQLite locks the database).
        Terminal.objects.select_for_update().filter(pk=terminal.pk).first()
        deadline = timezone.now() + datetime.timedelta(hours=grace_hours)
        terminal.keys.filter(revoked=False).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=deadline)).update(
            expiry_date=deadline
        )
        records_changed.send(sender=Terminal, pks=[terminal.pk])  # its keys' cached lookups (terminals.auth)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        return issue_key(terminal, f"轮换 {stamp}（{by}）" if by else f"轮换 {stamp}")


def revoke_keys(terminal: Terminal) -> int:
    """Revoke every key of the terminal (cannot be undone); returns how many were revoked."""
    count = terminal.keys.filter(revoked=False).update(revoked=True)
    records_changed.send(sender=Terminal, pks=[terminal.pk])  # its keys' cached lookups (terminals.auth)
    return count


def usable_keys(terminal: Terminal) -> QuerySet[TerminalKey]:
    now = timezone.now()
    return terminal.keys.filter(revoked=False).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=now))


# ---- staleness --------------------------------------------------------------------------------


def stale_terminals(queryset: QuerySet[Terminal] | None = None, now: datetime.datetime | None = None):
    """Active terminals not seen for ``STALE_AFTER_INTERVALS`` expected intervals, or never.

    One SQL expression (per-row interval arithmetic), so it filters, counts and paginates
    in the database.
    """
    queryset = Terminal.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    # An IntegerField (not PositiveIntegerField) operand: SQLite's duration arithmetic accepts only that.
    minutes = ExpressionWrapper(F("expected_interval"), output_field=IntegerField())
    silence = ExpressionWrapper(
        minutes * Value(datetime.timedelta(minutes=STALE_AFTER_INTERVALS)), output_field=DurationField()
    )
    deadline = ExpressionWrapper(F("last_seen_at") + silence, output_field=DateTimeField())
    return (
        queryset.filter(is_active=True)
        .alias(stale_deadline=deadline)
        .filter(Q(last_seen_at__isnull=True) | Q(stale_deadline__lt=now))
    )
