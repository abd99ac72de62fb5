"""Departments, their role groups, memberships, and the ownership every owned record carries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page, Task, TaskState
from wagtail.permissions import policy_registry

from .roles import Role
from .validators import CreditCodeField


class DepartmentLevel(models.TextChoices):
    """The four levels of government this platform serves (domain.md §0)."""

    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"
    TOWN = "town", "镇（街道）级"
    COMMUNITY = "community", "村（社区）级"


LEVEL_RANK = {
    DepartmentLevel.CITY: 1,
    DepartmentLevel.COUNTY: 2,
    DepartmentLevel.TOWN: 3,
    DepartmentLevel.COMMUNITY: 4,
}


class DepartmentQuerySet(models.QuerySet):
    def active(self) -> DepartmentQuerySet:
        return self.filter(is_active=True)


class Department(models.Model):
    """A government body: a people's government, one of its departments, a town or a community.

    The tree runs city government > district/county > town/street > community; a department
    sits under the government it belongs to. Departments are deactivated, never deleted
    once they own content (owned records protect them).
    """

    name = models.CharField("全称", max_length=100, unique=True, error_messages={"unique": "已有同名部门。"})
    short_name = models.CharField("简称", max_length=30)
    slug = models.SlugField(
        "网址标识",
        max_length=50,
        unique=True,
        blank=True,
        help_text="用于网址，留空时按简称拼音首字母自动生成。",
        error_messages={"unique": "该网址标识已被其他部门使用。"},
    )
    credit_code = CreditCodeField(
        "统一社会信用代码",
        unique=True,
        help_text="18位，含校验位（GB 32100-2015）。",
        error_messages={"unique": "该统一社会信用代码已被其他部门使用。"},
    )
    level = models.CharField("层级", max_length=16, choices=DepartmentLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True, help_text="停用后部门人员失去权限，部门内容全部保留。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="部门历史", excluded_fields=["updated_at"])
    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["parent", "sort_order"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self) -> str:
        base = "".join(lazy_pinyin(self.short_name or self.name, style=Style.FIRST_LETTER))
        base = "".join(ch for ch in base.lower() if ch.isascii() and ch.isalnum()) or "dept"
        base = base[:40]
        slug, n = base, 2
        while Department.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}{n}", n + 1
        return slug

    def ancestors(self) -> list[Department]:
        """Parents from the nearest up to the root (one query per level; the tree is shallow)."""
        chain: list[Department] = []
        seen: set[int] = set()
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.parent_id is None:
            if self.level and self.level != DepartmentLevel.CITY:
                errors.setdefault("parent", []).append("只有市级部门可以没有上级，请选择上级部门。")
        else:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors.setdefault("parent", []).append("部门不能是自己的上级。")
            elif self.pk and any(a.pk == self.pk for a in parent.ancestors()):
                errors.setdefault("parent", []).append(
                    f"“{parent.name}”是本部门的下级，不能把下级设为上级（会形成循环）。"
                )
            elif self.level and LEVEL_RANK[self.level] < LEVEL_RANK[parent.level]:
                errors.setdefault("level", []).append(
                    f"层级不能高于上级部门“{parent.name}”（{parent.get_level_display()}）。"
                )
        if errors:
            raise ValidationError(errors)

    def descendant_ids(self) -> set[int]:
        """IDs of every department below this one (breadth-first, one query per level)."""
        found: set[int] = set()
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier).exclude(pk__in=found).values_list("pk", flat=True)
            )
            found.update(frontier)
        return found


class DepartmentRole(models.Model):
    """The Django group that carries one role of one department (made automatically)."""

    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    group = models.OneToOneField(Group, verbose_name="用户组", on_delete=models.CASCADE, related_name="department_role")

    class Meta:
        verbose_name = "部门角色组"
        verbose_name_plural = "部门角色组"
        constraints = [models.UniqueConstraint(fields=["department", "role"], name="unique_department_role")]

    def __str__(self) -> str:
        return f"{self.department.short_name}·{self.get_role_display()}"


class Membership(models.Model):
    """A user holding a role in a department. The only way into a department role group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="department_memberships",
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("加入时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="部门成员历史")

    class Meta:
        verbose_name = "部门成员"
        verbose_name_plural = "部门成员"
        ordering = ["department__sort_order", "department__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"],
                name="unique_membership",
                violation_error_message="该用户在此部门已有这个角色。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department.short_name}（{self.get_role_display()}）"

    @property
    def audit_label(self) -> str:
        """How the security audit log names it: user name, department, role (no personal data)."""
        return f"{self.user.get_username()} @ {self.department.short_name}（{self.get_role_display()}）"


class DepartmentOwned(models.Model):
    """Ownership of a record by exactly one department. Nothing else decides ownership."""

    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )

    class Meta:
        abstract = True


def object_permission_models(
    model: type[models.Model], label: str, module: str, table_prefix: str | None = None
) -> tuple[type, type]:
    """guardian's direct-foreign-key permission models for an owned model (fast object checks).

    Call at module level of the model's own module (``module=__name__``) and bind the two
    results to module-level names so Django's migrations see them. ``table_prefix`` keeps the
    tables of a model that moved to another app (``<prefix>userobjectpermission`` …).
    """

    def meta(kind: str, base) -> type:
        options = {"verbose_name": f"{label}{kind}", "verbose_name_plural": f"{label}{kind}"}
        if table_prefix:
            options["db_table"] = f"{table_prefix}{'user' if kind == '用户授权' else 'group'}objectpermission"
        return type("Meta", (base.Meta,), options)

    user_model = type(
        f"{model.__name__}UserObjectPermission",
        (UserObjectPermissionBase,),
        {
            "__module__": module,
            "content_object": models.ForeignKey(model, on_delete=models.CASCADE),
            "Meta": meta("用户授权", UserObjectPermissionBase),
        },
    )
    group_model = type(
        f"{model.__name__}GroupObjectPermission",
        (GroupObjectPermissionBase,),
        {
            "__module__": module,
            "content_object": models.ForeignKey(model, on_delete=models.CASCADE),
            "Meta": meta("用户组授权", GroupObjectPermissionBase),
        },
    )
    return user_model, group_model


class DepartmentReviewTask(Task):
    """Workflow step approved by whoever the permission policy lets publish the object.

    One task serves every department: for a matter of the market regulation bureau only that
    bureau's reviewers (and cross-department publishers) may approve, because the policy says so.
    """

    def _may_publish(self, obj, user) -> bool:
        if not (user and user.is_authenticated and user.is_active):
            return False
        policy = policy_registry.get_by_type(type(obj))
        return policy.user_has_permission_for_instance(user, "publish", obj)

    def user_can_access_editor(self, obj, user) -> bool:
        return self._may_publish(obj, user)

    def locked_for_user(self, obj, user) -> bool:
        return not self._may_publish(obj, user)

    def user_can_lock(self, obj, user) -> bool:
        return self._may_publish(obj, user)

    def user_can_unlock(self, obj, user) -> bool:
        return False

    def get_actions(self, obj, user) -> list[tuple[str, str, bool]]:
        if self._may_publish(obj, user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        allowed = Q(pk__in=[])
        for base_ct_id, model in self._models_in_progress(states):
            policy = policy_registry.get_by_type(model)
            # WorkflowState.object_id is a string: compare against the ids cast to text, in SQL.
            publishable = (
                policy.instances_user_has_permission_for(user, "publish")
                .annotate(pk_text=Cast("pk", output_field=models.CharField()))
                .values("pk_text")
            )
            allowed |= Q(
                workflow_state__base_content_type_id=base_ct_id,
                workflow_state__object_id__in=publishable,
            )
        return states.filter(allowed)

    @staticmethod
    def _models_in_progress(states):
        from django.contrib.contenttypes.models import ContentType

        ct_ids = set(states.values_list("workflow_state__base_content_type_id", flat=True))
        for ct_id in ct_ids:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            if model is not None:
                yield ct_id, model

    @classmethod
    def get_description(cls) -> str:
        return "由内容所属部门的审核员（或具有跨部门发布权限的人员）审核通过或退回。"

    class Meta:
        verbose_name = "本部门审核"
        verbose_name_plural = "本部门审核"


class DepartmentSectionPage(Page):
    """A department's own page section (its guides, its disclosure column).

    Created by ``permissions.grants`` when the department is created; its role groups get
    Wagtail page permissions on it, so everything below it is theirs to edit.
    """

    department = models.OneToOneField(
        Department,
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s",
    )

    content_panels = Page.content_panels + [FieldPanel("department", read_only=True)]

    class Meta:
        abstract = True
