"""The roles of the platform and what each may do. This is the only place they are defined.

Department roles are per department: every department gets one group per role, and the
members of that group act on the department's own records through object-level grants
(django-guardian) and on its page sections through Wagtail group page permissions.
Cross-department roles are plain Django groups holding model-level permissions.
"""

from dataclasses import dataclass, field

from django.db import models


class Role(models.TextChoices):
    """Department roles; a user holds them through a Membership."""

    OWNER = "owner", "内容维护员"
    REVIEWER = "reviewer", "审核员"


# Actions (Wagtail permission-policy vocabulary) each department role may take on the
# records its department owns. "add" is scoped to the department: it is answered from the
# membership, because there is no object to hang an object-level grant on before creation.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({"view", "add", "change", "delete", "lock"}),
    Role.REVIEWER: frozenset({"view", "change", "publish", "lock", "unlock"}),
}

# Wagtail page permissions each department role gets on its department's page sections.
ROLE_PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.OWNER: ("add_page", "change_page", "lock_page"),
    Role.REVIEWER: ("change_page", "publish_page", "lock_page", "unlock_page"),
}

# Actions that are kept as object-level grants (everything but "add").
OBJECT_ACTIONS = frozenset({"view", "change", "delete", "publish", "lock", "unlock"})


@dataclass(frozen=True)
class GlobalRole:
    """A cross-department role: a named group with model-level permissions."""

    key: str
    name: str
    # "app_label.codename" permissions given when the group is first created; the system
    # administrator may change them later in the admin and they are not overwritten.
    permissions: tuple[str, ...] = field(default_factory=tuple)
    # Apps whose every model permission the role gets (system administrator).
    all_permissions_of_apps: tuple[str, ...] = field(default_factory=tuple)
    page_permissions_on_root: tuple[str, ...] = field(default_factory=tuple)


DISCLOSURE_EDITOR = GlobalRole(
    key="disclosure_editor",
    name="政务公开办编辑",
    permissions=(
        "wagtailadmin.access_admin",
        # Oversees the whole catalog (standardisation, disclosure of licensing items):
        # reads every department's matters, but the departments keep editing their own.
        "matters.view_matter",
        # Keeps the working-day calendar (工作日历): enters each year's holidays every November.
        "workdays.add_calendaryear",
        "workdays.change_calendaryear",
        "workdays.delete_calendaryear",
        "workdays.view_calendaryear",
        "workdays.add_calendarday",
        "workdays.change_calendarday",
        "workdays.delete_calendarday",
        "workdays.view_calendarday",
        # Keeps the disclosure taxonomies (主题/体裁/组配分类); values are deactivated, not deleted.
        "disclosure.add_classification",
        "disclosure.change_classification",
        "disclosure.view_classification",
        # Registers, assigns and oversees every request for disclosure (依申请公开), approves
        # extensions, keeps the reply templates; sees applicants' numbers (they handle them).
        "disclosure.add_disclosurerequest",
        "disclosure.change_disclosurerequest",
        "disclosure.view_disclosurerequest",
        "disclosure.publish_disclosurerequest",
        "disclosure.view_pii",
        "disclosure.add_replytemplate",
        "disclosure.change_replytemplate",
        "disclosure.view_replytemplate",
        # Keeps the site search's synonyms (搜索同义词), the wording citizens use for official terms.
        "sitesearch.add_synonym",
        "sitesearch.change_synonym",
        "sitesearch.delete_synonym",
        "sitesearch.view_synonym",
    ),
)

SYSTEM_ADMINISTRATOR = GlobalRole(
    key="sysadmin",
    name="系统管理员",
    permissions=(
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "wagtailcore.add_task",
        "wagtailcore.change_task",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
    ),
    all_permissions_of_apps=(
        "permissions",
        "matters",
        "guides",
        "disclosure",
        "cms",
        "halls",
        "cases",
        "ratings",
        "interaction",
        "appointments",
        "api",
        "terminals",
        "workdays",
        "sitesearch",
        "theme",
        "jobs",
    ),
    page_permissions_on_root=(
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ),
)

# Reads the security audit log, and nothing else (GB/T 22239-2019 level 3, 8.1.4.2 d) 三权分立:
# the system administrator administers, the auditor audits; neither holds the other's rights).
# No role, this one included, can change or delete an audit row: the permission does not exist.
AUDITOR = GlobalRole(
    key="auditor",
    name="审计员",
    permissions=(
        "wagtailadmin.access_admin",
        "audit.view_auditevent",
    ),
)

# Staff of a hall's windows (窗口工作人员): they register walk-in cases at the windows they are posted
# to (halls.Window.staff) and act on the cases taken in there, for whichever department handles
# them; the cases policy answers that from the posting. The group gives access to the admin only.
WINDOW_STAFF = GlobalRole(key="window_staff", name="窗口工作人员", permissions=("wagtailadmin.access_admin",))

# 效能监察员: electronic supervision of every department's cases (国办发〔2019〕51号 on 好差评 and the
# 电子监察 of the efficiency plans): reads all cases (applicants' numbers masked), issues 督办, reads rates.
SUPERVISOR = GlobalRole(
    key="supervisor",
    name="效能监察员",
    permissions=(
        "wagtailadmin.access_admin",
        "cases.view_case",
        "cases.supervise_case",
        "cases.add_supervisionorder",
        "cases.change_supervisionorder",
        "cases.view_supervisionorder",
        # 好差评: reads every department's ratings and their handling, decides the departments' appeals.
        "ratings.view_rating",
        "ratings.decide_appeal",
        # 政民互动: reads every department's 咨询投诉建议 and their clocks (contact details masked).
        "interaction.view_interaction",
    ),
)

GLOBAL_ROLES: tuple[GlobalRole, ...] = (DISCLOSURE_EDITOR, SYSTEM_ADMINISTRATOR, AUDITOR, WINDOW_STAFF, SUPERVISOR)


def department_group_name(department_short_name: str, credit_code: str, role: str) -> str:
    """Name of a department role group; the credit code keeps it unique across renames."""
    return f"{department_short_name}·{Role(role).label}（{credit_code}）"
