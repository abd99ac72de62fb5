"""Making and removing grants: the only module that writes permission rows.

- Each department gets one group per department role (``DepartmentRole``), named after it.
- Members of a role group are exactly the users with that Membership in an active department.
- Each owned record gives its department's role groups the object-level permissions of their
  role (guardian's direct-foreign-key tables); moving the record moves the grants.
- Each department's page sections (guide section, disclosure section) give its role groups
  Wagtail group page permissions.
- Cross-department roles are groups created with their model-level permissions.

``sync_all()`` rebuilds all of it idempotently (``manage.py sync_permissions``).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from guardian.utils import get_group_obj_perms_model

from core.bulk import insert_rows

from . import signals
from .roles import (
    GLOBAL_ROLES,
    OBJECT_ACTIONS,
    ROLE_ACTIONS,
    ROLE_PAGE_PERMISSIONS,
    Role,
    department_group_name,
)

logger = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync changed; all zeros means everything was already in place."""

    groups_created: int = 0
    groups_renamed: int = 0
    members_added: int = 0
    members_removed: int = 0
    grants_added: int = 0
    grants_removed: int = 0
    sections_created: int = 0
    page_permissions_added: int = 0
    workflows_created: int = 0

    def merge(self, other: SyncReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


# ---- department role groups ---------------------------------------------------------------


def _access_admin_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def ensure_department_groups(department) -> SyncReport:
    """Create (or rename) the role groups of a department."""
    from .models import DepartmentRole

    report = SyncReport()
    existing = {dr.role: dr for dr in DepartmentRole.objects.filter(department=department).select_related("group")}
    access_admin = _access_admin_permission()
    for role in Role:
        name = department_group_name(department.short_name, department.credit_code, role)
        dept_role = existing.get(role.value)
        if dept_role is None:
            group, _ = Group.objects.get_or_create(name=name)
            DepartmentRole.objects.create(department=department, role=role, group=group)
            group.permissions.add(access_admin)
            report.groups_created += 1
        elif dept_role.group.name != name:
            dept_role.group.name = name
            dept_role.group.save(update_fields=["name"])
            report.groups_renamed += 1
        else:
            dept_role.group.permissions.add(access_admin)
    return report


def sync_user_groups(user) -> SyncReport:
    """Put the user in exactly the role groups their memberships of active departments name."""
    from .models import DepartmentRole
    from .policy import forget_cached_permissions

    report = SyncReport()
    # One filter() call, so both conditions apply to the same membership row.
    wanted = set(
        DepartmentRole.objects.filter(
            department__memberships__user=user,
            department__memberships__role=models.F("role"),
            department__is_active=True,
        ).values_list("group_id", flat=True)
    )
    current = set(user.groups.filter(department_role__isnull=False).values_list("pk", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
        report.members_added += len(wanted - current)
    if current - wanted:
        user.groups.remove(*(current - wanted))
        report.members_removed += len(current - wanted)
    forget_cached_permissions(user)
    return report


def sync_department_members(department) -> SyncReport:
    report = SyncReport()
    User = get_user_model()
    users = User.objects.filter(
        models.Q(department_memberships__department=department)
        | models.Q(groups__department_role__department=department)
    ).distinct()
    for user in users:
        report.merge(sync_user_groups(user))
    return report


# ---- object grants on owned records -------------------------------------------------------


def _object_permissions(model) -> dict[str, Permission]:
    """action -> Permission for the object-level actions the model supports."""
    ct = ContentType.objects.get_for_model(model)
    by_codename = {p.codename: p for p in Permission.objects.filter(content_type=ct)}
    result = {}
    for action in OBJECT_ACTIONS:
        perm = by_codename.get(f"{action}_{model._meta.model_name}")
        if perm is not None:
            result[action] = perm
    return result


def _role_groups() -> dict[int, dict[str, int]]:
    """department id -> {role: group id} for every department."""
    from .models import DepartmentRole

    groups: dict[int, dict[str, int]] = defaultdict(dict)
    for dept_id, role, group_id in DepartmentRole.objects.values_list("department_id", "role", "group_id"):
        groups[dept_id][role] = group_id
    return groups


def _desired_rows(department_id: int, perms: dict[str, Permission], role_groups) -> set[tuple[int, int]]:
    rows = set()
    for role, group_id in role_groups.get(department_id, {}).items():
        for action in ROLE_ACTIONS.get(role, ()):
            if action in perms:
                rows.add((group_id, perms[action].pk))
    return rows


def grant_record(instance) -> SyncReport:
    """Make the record's grants exactly those of its department's role groups.

    Grants to groups that are not department role groups (ad-hoc sharing) are left alone.
    """
    model = type(instance)
    perm_model = get_group_obj_perms_model(instance)
    perms = _object_permissions(model)
    role_groups = _role_groups()
    all_role_group_ids = {gid for roles in role_groups.values() for gid in roles.values()}
    desired = _desired_rows(instance.department_id, perms, role_groups)
    existing = {
        (g, p): pk
        for pk, g, p in perm_model.objects.filter(content_object=instance, group_id__in=all_role_group_ids).values_list(
            "pk", "group_id", "permission_id"
        )
    }
    report = SyncReport()
    missing = desired - existing.keys()
    extra = [pk for key, pk in existing.items() if key not in desired]
    if missing:
        perm_model.objects.bulk_create(
            [perm_model(group_id=g, permission_id=p, content_object=instance) for g, p in missing]
        )
        report.grants_added += len(missing)
    if extra:
        perm_model.objects.filter(pk__in=extra).delete()
        report.grants_removed += len(extra)
    return report


def sync_model_grants(model, batch_size: int = 2000) -> SyncReport:
    """Rebuild the department grants of every record of an owned model, in bulk."""
    perm_model = get_group_obj_perms_model(model)
    perms = _object_permissions(model)
    role_groups = _role_groups()
    all_role_group_ids = {gid for roles in role_groups.values() for gid in roles.values()}
    desired: set[tuple[int, int, int]] = set()
    for pk, dept_id in model._default_manager.values_list("pk", "department_id").iterator():
        for group_id, perm_id in _desired_rows(dept_id, perms, role_groups):
            desired.add((pk, group_id, perm_id))
    existing: dict[tuple[int, int, int], int] = {}
    for row_pk, obj_pk, group_id, perm_id in (
        perm_model.objects.filter(group_id__in=all_role_group_ids)
        .values_list("pk", "content_object_id", "group_id", "permission_id")
        .iterator()
    ):
        existing[(obj_pk, group_id, perm_id)] = row_pk
    missing = desired - existing.keys()
    extra = [row_pk for key, row_pk in existing.items() if key not in desired]
    perm_model.objects.bulk_create(
        [perm_model(content_object_id=o, group_id=g, permission_id=p) for o, g, p in missing],
        batch_size=batch_size,
    )
    for start in range(0, len(extra), batch_size):
        perm_model.objects.filter(pk__in=extra[start : start + batch_size]).delete()
    return SyncReport(grants_added=len(missing), grants_removed=len(extra))


_deferred = threading.local()


@contextmanager
def deferred_grants():
    """Collect the records saved inside the block and grant them in bulk at its end.

    For imports of thousands of records: one diff per model instead of a few queries per
    record. Must run inside the same transaction as the saves.
    """
    if getattr(_deferred, "pending", None) is not None:
        yield  # already deferring (nested): the outer block grants
        return
    _deferred.pending = defaultdict(set)
    try:
        yield
        pending = _deferred.pending
    finally:
        _deferred.pending = None
    for model, pks in pending.items():
        grant_records(model, pks)


def grant_records(model, pks) -> SyncReport:
    """Like ``grant_record`` for many records of one model at once."""
    pks = set(pks)
    if not pks:
        return SyncReport()
    perm_model = get_group_obj_perms_model(model)
    perms = _object_permissions(model)
    role_groups = _role_groups()
    all_role_group_ids = {gid for roles in role_groups.values() for gid in roles.values()}
    pk_list = list(pks)
    desired: set[tuple[int, int, int]] = set()
    existing: dict[tuple[int, int, int], int] = {}
    for start in range(0, len(pk_list), 500):
        chunk = pk_list[start : start + 500]
        for pk, dept_id in model._default_manager.filter(pk__in=chunk).values_list("pk", "department_id"):
            for group_id, perm_id in _desired_rows(dept_id, perms, role_groups):
                desired.add((pk, group_id, perm_id))
        for row_pk, obj_pk, group_id, perm_id in perm_model.objects.filter(
            content_object_id__in=chunk, group_id__in=all_role_group_ids
        ).values_list("pk", "content_object_id", "group_id", "permission_id"):
            existing[(obj_pk, group_id, perm_id)] = row_pk
    missing = desired - existing.keys()
    extra = [row_pk for key, row_pk in existing.items() if key not in desired]
    insert_rows(perm_model, ({"content_object_id": o, "group_id": g, "permission_id": p} for o, g, p in missing))
    for start in range(0, len(extra), 500):
        perm_model.objects.filter(pk__in=extra[start : start + 500]).delete()
    return SyncReport(grants_added=len(missing), grants_removed=len(extra))


def _on_owned_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[type(instance)].add(instance.pk)
        return
    grant_record(instance)


def records_saved(model, pks) -> None:
    """For writes that send no post_save (bulk_create): grant as a save would have."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[model].update(pks)
    else:
        grant_records(model, pks)


def connect_owned_model(model) -> None:
    """Keep grants in step whenever a record of this model is saved (created or moved)."""
    post_save.connect(_on_owned_saved, sender=model, dispatch_uid=f"grants-{model._meta.label}")


# ---- page sections ------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    """A kind of per-department page section, registered by the app that owns the page type."""

    index_model: type
    index_title: str
    index_slug: str
    section_model: type
    build: Callable | None = None  # optional callable(department) -> extra field values


section_specs: list[SectionSpec] = []


def register_department_section(index_model: type, index_title: str, index_slug: str, section_model: type) -> None:
    """Ask for one section page of ``section_model`` per department under an index page."""
    if not any(spec.section_model is section_model for spec in section_specs):
        section_specs.append(SectionSpec(index_model, index_title, index_slug, section_model))


def _site_root():
    from wagtail.models import Page, Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    return Page.get_first_root_node()


def _ensure_index(spec: SectionSpec):
    """The section's index page and whether it was created just now."""
    existing = spec.index_model.objects.first()
    if existing is not None:
        return existing, False
    root = _site_root()
    index = spec.index_model(title=spec.index_title, slug=spec.index_slug)
    root.add_child(instance=index)
    index.save_revision().publish()
    return index, True


def ensure_department_sections(department) -> SyncReport:
    """Create the department's page sections (once) and give its role groups their page rights."""
    from wagtail.models import GroupPagePermission

    report = SyncReport()
    if not section_specs:
        return report
    role_groups = _role_groups().get(department.pk, {})
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in={c for codes in ROLE_PAGE_PERMISSIONS.values() for c in codes},
        )
    }
    sections = []
    for spec in section_specs:
        section = spec.section_model.objects.filter(department=department).first()
        if section is None:
            index, index_created = _ensure_index(spec)
            slug = department.slug
            if index.get_children().filter(slug=slug).exists():
                slug = f"{slug}-{department.pk}"
            section = spec.section_model(title=department.name, slug=slug, department=department)
            index.add_child(instance=section)
            section.save_revision().publish()
            report.sections_created += 1
            if index_created:  # a role page may live under it (the annual reports under 政府信息公开)
                report.merge(ensure_role_pages())
        for role, codenames in ROLE_PAGE_PERMISSIONS.items():
            group_id = role_groups.get(role)
            if group_id is None:
                continue
            for codename in codenames:
                _, created = GroupPagePermission.objects.get_or_create(
                    group_id=group_id, page=section.page_ptr, permission=page_perms[codename]
                )
                report.page_permissions_added += int(created)
        sections.append(section)
    report.merge(ensure_department_workflow(department, sections))
    return report


@dataclass(frozen=True)
class RolePageSpec:
    """A page kept by a cross-department role: created once under an index, with page rights on it."""

    role_key: str
    parent_model: type
    page_model: type
    title: str
    slug: str
    codenames: tuple[str, ...]
    adopt: Callable | None = None  # optional callable(page): move legacy pages under it


role_page_specs: list[RolePageSpec] = []


def register_role_page(
    role_key: str,
    parent_model: type,
    page_model: type,
    title: str,
    slug: str,
    codenames: tuple[str, ...],
    adopt: Callable | None = None,
) -> None:
    """Ask for one ``page_model`` page under the first ``parent_model`` page, kept by a global role.

    The role's group gets ``codenames`` (Wagtail page permissions) on that page and so on the pages
    below it, and nowhere else; an app registers this from ``AppConfig.ready()``.
    """
    if not any(spec.page_model is page_model for spec in role_page_specs):
        role_page_specs.append(RolePageSpec(role_key, parent_model, page_model, title, slug, codenames, adopt))


def ensure_role_pages() -> SyncReport:
    """Create the registered role pages (once) and give their roles the page rights on them."""
    from wagtail.models import GroupPagePermission

    report = SyncReport()
    for spec in role_page_specs:
        parent = spec.parent_model.objects.first()
        role = next((r for r in GLOBAL_ROLES if r.key == spec.role_key), None)
        group = Group.objects.filter(name=role.name).first() if role else None
        if parent is None:
            continue
        page = spec.page_model.objects.child_of(parent).first()
        if page is None:
            slug = spec.slug if not parent.get_children().filter(slug=spec.slug).exists() else f"{spec.slug}-1"
            page = spec.page_model(title=spec.title, slug=slug)
            parent.add_child(instance=page)
            page.save_revision().publish()
            report.sections_created += 1
        if spec.adopt is not None:
            spec.adopt(page)
        if group is None:
            continue
        for perm in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=spec.codenames):
            _, created = GroupPagePermission.objects.get_or_create(group=group, page=page.page_ptr, permission=perm)
            report.page_permissions_added += int(created)
    return report


def department_workflow_name(department) -> str:
    return f"{department.short_name}审核流程（{department.credit_code}）"


def ensure_department_workflow(department, sections) -> SyncReport:
    """Give the department's sections their own review workflow (first time only).

    One Wagtail workflow per department, with one group-approval task for the department's
    reviewer group: the content owner submits, a reviewer of the same department approves or
    asks for changes. Administrators may add steps later; an existing assignment is kept.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    report = SyncReport()
    unassigned = [s for s in sections if not WorkflowPage.objects.filter(page_id=s.pk).exists()]
    if not unassigned:
        return report
    reviewer_group_id = _role_groups().get(department.pk, {}).get(Role.REVIEWER)
    name = department_workflow_name(department)
    workflow = Workflow.objects.filter(name=name).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=name, active=True)
        task = GroupApprovalTask.objects.create(name=f"{department.short_name}审核员审核")
        if reviewer_group_id is not None:
            task.groups.add(reviewer_group_id)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        report.workflows_created += 1
    for section in unassigned:
        WorkflowPage.objects.create(page_id=section.pk, workflow=workflow)
    return report


def remove_empty_department_sections(department) -> int:
    """Delete the department's section pages that hold nothing; returns how many."""
    removed = 0
    for spec in section_specs:
        for section in spec.section_model.objects.filter(department=department):
            if section.get_children().exists():
                continue
            section.delete()
            removed += 1
    _remove_unused_department_workflow(department)
    return removed


def _remove_unused_department_workflow(department) -> None:
    from wagtail.models import Workflow

    workflow = Workflow.objects.filter(name=department_workflow_name(department)).first()
    if workflow is not None and not workflow.workflow_pages.exists() and not workflow.workflow_states.exists():
        tasks = [wt.task for wt in workflow.workflow_tasks.select_related("task")]
        workflow.delete()
        for task in tasks:
            if not task.workflow_tasks.exists() and not task.task_states.exists():
                task.delete()


def on_department_role_deleted(sender, instance, **kwargs) -> None:
    """A department's role group goes with the department."""
    Group.objects.filter(pk=instance.group_id).delete()


# ---- cross-department roles ---------------------------------------------------------------


def _permissions_by_label(labels) -> list[Permission]:
    wanted = {tuple(label.split(".", 1)) for label in labels}
    perms = Permission.objects.select_related("content_type").filter(codename__in={c for _, c in wanted})
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def ensure_global_roles() -> SyncReport:
    """Create the cross-department role groups with their default permissions (first time only)."""
    from wagtail.models import GroupPagePermission

    report = SyncReport()
    for spec in GLOBAL_ROLES:
        group, created = Group.objects.get_or_create(name=spec.name)
        if not created:
            continue
        report.groups_created += 1
        perms = _permissions_by_label(spec.permissions)
        if spec.all_permissions_of_apps:
            perms += list(Permission.objects.filter(content_type__app_label__in=spec.all_permissions_of_apps))
        group.permissions.add(*perms)
        root = _site_root() if spec.page_permissions_on_root else None
        if root is not None:  # no page tree yet (e.g. right after a test flush): nothing to grant on
            for perm in Permission.objects.filter(
                content_type__app_label="wagtailcore", codename__in=spec.page_permissions_on_root
            ):
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
    return report


def global_role_group(key: str) -> Group:
    spec = next(spec for spec in GLOBAL_ROLES if spec.key == key)
    return Group.objects.get(name=spec.name)


# ---- departments and memberships: signal handlers -----------------------------------------


def on_department_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    ensure_department_groups(instance)
    ensure_department_sections(instance)
    if not created:
        # Activation changes who is in the groups; renames change group names (done above).
        sync_department_members(instance)


def on_membership_pre_save(sender, instance, raw=False, **kwargs) -> None:
    # Remember the previous user so a membership handed to someone else is taken from the first.
    if instance.pk and not raw:
        instance._previous_user_id = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()


def on_membership_announced(sender, instance, raw=False, created=None, **kwargs) -> None:
    """Tell who listens (the audit log) who was given, moved or removed from which department role.

    GB/T 22239-2019 8.1.4.3 a): changes of who holds which department role are security events.
    """
    if raw:
        return
    action = "remove" if created is None else ("add" if created else "change")
    previous = getattr(instance, "_previous_user_id", None)
    if action != "change" or previous == instance.user_id:
        previous = None
    signals.membership_changed.send(sender=sender, membership=instance, action=action, previous_user_id=previous)


def on_membership_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    user_ids = {instance.user_id, getattr(instance, "_previous_user_id", None)} - {None}
    for user in get_user_model().objects.filter(pk__in=user_ids):
        sync_user_groups(user)


# ---- full rebuild -------------------------------------------------------------------------


@transaction.atomic
def sync_all() -> SyncReport:
    """Rebuild every grant, group membership and page permission; safe to run any time."""
    from .models import Department
    from .policy import granted_models

    report = ensure_global_roles()
    for department in Department.objects.all():
        report.merge(ensure_department_groups(department))
        report.merge(ensure_department_sections(department))
    report.merge(ensure_role_pages())
    User = get_user_model()
    for user in User.objects.filter(
        models.Q(department_memberships__isnull=False) | models.Q(groups__department_role__isnull=False)
    ).distinct():
        report.merge(sync_user_groups(user))
    for model in granted_models:
        report.merge(sync_model_grants(model))
    return report


def connect_signals() -> None:
    from .models import Department, DepartmentRole, Membership

    post_delete.connect(on_department_role_deleted, sender=DepartmentRole, dispatch_uid="grants-role-delete")
    post_save.connect(on_department_saved, sender=Department, dispatch_uid="grants-department")
    pre_save.connect(on_membership_pre_save, sender=Membership, dispatch_uid="grants-membership-pre")
    post_save.connect(on_membership_changed, sender=Membership, dispatch_uid="grants-membership-save")
    post_delete.connect(on_membership_changed, sender=Membership, dispatch_uid="grants-membership-delete")
    post_save.connect(on_membership_announced, sender=Membership, dispatch_uid="grants-membership-announce-save")
    post_delete.connect(on_membership_announced, sender=Membership, dispatch_uid="grants-membership-announce-delete")
