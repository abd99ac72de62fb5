"""The life of a matter: in force on first publication, suspended, resumed, cancelled,
delegated (下放) or entrusted (委托) to a lower level.

Drafting, submission and review are Wagtail's (revisions and the department review
workflow). The state of the record as a whole changes only here, each change with a reason,
the acting user and an audit-log entry; the public change log is read from those entries.
Every transition is one transaction on a locked row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.signals import published

from core.signals import records_changed
from permissions.models import LEVEL_RANK, Department

from . import vocabularies as v
from .models import ChangeSignificance, DelegationKind, Matter, MatterStatus, Term


class LifecycleError(Exception):
    """A transition that is not possible now; the message is for the user, in Chinese."""


ENTER_FORCE = "matters.enter_force"
SUSPEND = "matters.suspend"
RESUME = "matters.resume"
CANCEL = "matters.cancel"
DELEGATE = "matters.delegate"
RECEIVE = "matters.receive_delegation"

TRANSITIONS = {
    # action: (label, allowed from, new status)
    "suspend": ("暂停", {MatterStatus.IN_FORCE}, MatterStatus.SUSPENDED),
    "resume": ("恢复", {MatterStatus.SUSPENDED}, MatterStatus.IN_FORCE),
    "cancel": ("取消", {MatterStatus.IN_FORCE, MatterStatus.SUSPENDED}, MatterStatus.CANCELLED),
}
LOG_ACTIONS = {"suspend": SUSPEND, "resume": RESUME, "cancel": CANCEL}


def _policy():
    from permissions.policy import policy_for

    return policy_for(Matter)


def may_change_state(user, matter: Matter) -> bool:
    """State changes are decisions of whoever may publish the matter (its reviewers)."""
    return _policy().user_has_permission_for_instance(user, "publish", matter)


def available_actions(user, matter: Matter) -> list[tuple[str, str]]:
    """(action, label) pairs the user may take on the matter now."""
    if not may_change_state(user, matter):
        return []
    actions = [(name, label) for name, (label, sources, _) in TRANSITIONS.items() if matter.status in sources]
    if matter.status == MatterStatus.IN_FORCE:
        actions += [("delegate", "下放"), ("entrust", "委托")]
    return actions


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("请填写变更原因。")
    if len(reason) > 300:
        raise LifecycleError("变更原因不能超过300字。")
    return reason


def change_state(matter: Matter, user, action: str, reason: str, *, system: bool = False) -> Matter:
    """Suspend, resume or cancel a matter.

    ``system=True`` is for scheduled changes decided earlier by the record itself (the planned
    cancellation date); they are logged without a user.
    """
    if action not in TRANSITIONS:
        raise LifecycleError(f"未知的操作“{action}”。")
    reason = _require_reason(reason)
    if not system and not may_change_state(user, matter):
        raise PermissionDenied("您没有变更该事项状态的权限。")
    label, sources, target = TRANSITIONS[action]
    with transaction.atomic():
        row = Matter.objects.select_for_update().get(pk=matter.pk)
        if row.status not in sources:
            raise LifecycleError(
                f"事项当前状态为“{row.get_status_display()}”，不能{label}。"
                + ("未生效的草稿可直接删除。" if row.status == MatterStatus.DRAFT and action == "cancel" else "")
            )
        Matter.objects.filter(pk=row.pk).update(status=target, updated_at=timezone.now())
        records_changed.send(sender=Matter, pks=[row.pk])
        matter.status = target
        log(
            instance=matter,
            action=LOG_ACTIONS[action],
            user=user,
            data={"reason": reason, "from": row.status, "to": target},
        )
    return matter


def cancel_due(today) -> list[Matter]:
    """Cancel the matters whose planned cancellation date (计划取消日期) has come."""
    due = Matter.objects.filter(
        planned_cancel_date__lte=today, status__in=[MatterStatus.IN_FORCE, MatterStatus.SUSPENDED]
    )
    cancelled = []
    for matter in due:
        change_state(matter, None, "cancel", f"计划取消日期（{matter.planned_cancel_date:%Y-%m-%d}）已到", system=True)
        cancelled.append(matter)
    return cancelled


def _delegated_code(matter: Matter, target: Department) -> str:
    prefix = matter.department.credit_code
    suffix = matter.implementation_code[len(prefix) :] if matter.implementation_code.startswith(prefix) else ""
    base = f"{target.credit_code}{suffix or f'X{matter.pk}'}"[:50]
    code, n = base, 2
    while Matter.objects.filter(implementation_code=code).exists():
        code = f"{base[:46]}-{n}"
        n += 1
    return code


def copy_matter(matter: Matter, **overrides) -> Matter:
    """An unsaved copy of a matter with all its children, as a new draft record."""
    data = matter.serializable_data()
    data["pk"] = None
    for relation in ("legal_bases", "materials", "steps", "fees", "places", "faqs"):
        for child in data.get(relation, []):
            child["pk"] = None
            child["matter"] = None
    copy = Matter.from_serializable_data(data)
    copy.pk = None
    for field, value in {
        "live": False,
        "has_unpublished_changes": True,
        "latest_revision": None,
        "live_revision": None,
        "first_published_at": None,
        "last_published_at": None,
        "go_live_at": None,
        "expire_at": None,
        "expired": False,
        "locked": False,
        "locked_by": None,
        "locked_at": None,
        "status": MatterStatus.DRAFT,
        "version": 0,
        "change_significance": ChangeSignificance.MINOR,
        "change_note": "",
        **overrides,
    }.items():
        setattr(copy, field, value)
    return copy


LEVEL_TERM_KEYS = {"city": "city", "county": "county", "town": "town", "community": "community"}


def delegate(matter: Matter, user, target: Department, kind: str, reason: str) -> Matter:
    """Delegate (下放) or entrust (委托) an in-force matter to a lower-level department.

    Links the target's existing record for the same basic code if there is one; otherwise
    creates a draft implementation record there (owned by the target, which reviews and
    publishes it). Returns the target record.
    """
    reason = _require_reason(reason)
    if kind not in DelegationKind.values:
        raise LifecycleError("请选择下放或委托。")
    if not may_change_state(user, matter):
        raise PermissionDenied("您没有下放或委托该事项的权限。")
    if not target.is_active:
        raise LifecycleError(f"部门“{target.name}”已停用。")
    if LEVEL_RANK[target.level] <= LEVEL_RANK[matter.department.level]:
        raise LifecycleError(
            f"只能下放或委托给更低层级的部门；“{target.name}”是{target.get_level_display()}，"
            f"本事项的实施主体是{matter.department.get_level_display()}。"
        )
    label = DelegationKind(kind).label
    with transaction.atomic():
        row = Matter.objects.select_for_update().get(pk=matter.pk)
        if row.status != MatterStatus.IN_FORCE:
            raise LifecycleError(f"只有在用事项可以{label}，当前状态为“{row.get_status_display()}”。")
        existing = Matter.objects.filter(department=target).filter(source_matter=row).first()
        if existing is None and row.basic_code:
            existing = Matter.objects.filter(department=target, basic_code=row.basic_code).first()
        if existing is not None:
            Matter.objects.filter(pk=existing.pk).update(source_matter=row, delegation_kind=kind)
            existing.refresh_from_db()
            record = existing
        else:
            power_key = v.POWER_DELEGATED if kind == DelegationKind.DELEGATED else v.POWER_ENTRUSTED
            overrides = {
                "department": target,
                "implementation_code": _delegated_code(row, target),
                "power_source": Term.objects.filter(vocabulary="power_source", key=power_key).first(),
                "source_matter": row,
                "delegation_kind": kind,
            }
            if kind == DelegationKind.ENTRUSTED:
                overrides["entrusting_department"] = row.department
                overrides["body_nature"] = Term.objects.filter(vocabulary="body_nature", key=v.NATURE_ENTRUSTED).first()
            record = copy_matter(row, **overrides)
            record.save()
            level = Term.objects.filter(vocabulary="level", key=LEVEL_TERM_KEYS[target.level]).first()
            if level is not None:
                record.exercise_levels.set([level])
                record.save()
            record.save_revision(user=user)
        log(
            instance=row,
            action=DELEGATE,
            user=user,
            data={
                "reason": reason,
                "kind": kind,
                "target_department": target.name,
                "target_matter_id": record.pk,
            },
        )
        log(
            instance=record,
            action=RECEIVE,
            user=user,
            data={
                "reason": reason,
                "kind": kind,
                "source_department": row.department.name,
                "source_matter_id": row.pk,
            },
        )
    return record


def on_published(sender, instance, revision, **kwargs) -> None:
    """Each publication raises the version; the first one puts the matter in force (新增)."""
    with transaction.atomic():
        row = Matter.objects.select_for_update().only("status", "version").get(pk=instance.pk)
        first = row.status == MatterStatus.DRAFT
        updates = {"version": F("version") + 1, "updated_at": timezone.now()}
        if first:
            updates["status"] = MatterStatus.IN_FORCE
        Matter.objects.filter(pk=instance.pk).update(**updates)
        records_changed.send(sender=Matter, pks=[instance.pk])
        instance.refresh_from_db(fields=["status", "version", "updated_at"])
        if first:
            log(
                instance=instance,
                action=ENTER_FORCE,
                data={"reason": "首次发布", "version": instance.version},
                revision=revision,
            )


def connect_signals() -> None:
    published.connect(on_published, sender=Matter, dispatch_uid="matters-lifecycle-published")
