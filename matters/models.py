"""The catalog of service matters (事项). The "Matters catalog" issue completes the elements."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import RegexValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from permissions.forms import DepartmentOwnedForm
from permissions.models import DepartmentOwned

CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Za-z\-_.]+$", "编码只能包含字母、数字和 - _ . 符号。", code="code_charset"
)


class MatterType(models.Model):
    """事项类型: an editable list, because codes differ between provinces (domain.md §1)."""

    code = models.CharField(
        "编码", max_length=10, unique=True, error_messages={"unique": "已有相同编码的事项类型。"}
    )
    name = models.CharField(
        "名称", max_length=30, unique=True, error_messages={"unique": "已有同名的事项类型。"}
    )
    applied_for = models.BooleanField(
        "依申请事项", default=False, help_text="由群众或企业申请办理的类型，这类事项有办事指南。"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = HistoricalRecords(verbose_name="事项类型历史")

    class Meta:
        verbose_name = "事项类型"
        verbose_name_plural = "事项类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Matter(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, DepartmentOwned, ClusterableModel):
    """One implementation record (实施清单) of a service matter, owned by one department.

    A snippet with drafts, revisions, locking and workflow: the version in force stays
    public while a change is reviewed; history, compare and revert come from Wagtail.
    """

    implementation_code = models.CharField(
        "实施编码",
        max_length=50,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text="以实施主体的统一社会信用代码开头，最长50位；一经使用不再复用。",
        error_messages={"unique": "该实施编码已被其他事项使用。"},
    )
    name = models.CharField("事项名称", max_length=200)
    matter_type = models.ForeignKey(
        MatterType, verbose_name="事项类型", on_delete=models.PROTECT, related_name="matters"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # Deleting a matter deletes its revisions and workflow states with it (as bakerydemo's Person).
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="matter")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="matter",
        for_concrete_model=False,
    )

    base_form_class = DepartmentOwnedForm

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("implementation_code"),
                FieldPanel("matter_type"),
                FieldPanel("department"),
            ],
            heading="基本信息",
        ),
    ]

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["department__sort_order", "implementation_code"]
        permissions = [
            ("publish_matter", "可以发布事项"),
            ("lock_matter", "可以锁定事项"),
            ("unlock_matter", "可以解锁他人锁定的事项"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    @classmethod
    def public_queryset(cls) -> models.QuerySet[Matter]:
        """What anyone may read: matters whose current version is published."""
        return cls._default_manager.filter(live=True)


class MatterUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key object permission table for users (faster than guardian's generic one)."""

    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "事项用户授权"
        verbose_name_plural = "事项用户授权"


class MatterGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-foreign-key object permission table for groups (department roles)."""

    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "事项用户组授权"
        verbose_name_plural = "事项用户组授权"
