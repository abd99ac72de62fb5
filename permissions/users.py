"""Wagtail's user admin, with department role groups left to memberships.

Department role groups are joined only through a Membership (which records who and why);
the user form offers the cross-department groups and keeps the role groups a user has.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

GROUPS_HELP = "部门角色（内容维护员、审核员）请在“部门与权限 › 部门成员”中设置，这里只列出跨部门角色。"


class RoleGroupsFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].queryset = Group.objects.filter(department_role__isnull=True).order_by("name")
            self.fields["groups"].help_text = GROUPS_HELP

    def clean_groups(self):
        chosen = list(self.cleaned_data.get("groups") or [])
        if self.instance.pk:
            chosen += list(self.instance.groups.filter(department_role__isnull=False))
        return chosen


class MembershipAwareUserCreationForm(RoleGroupsFormMixin, UserCreationForm):
    pass


class MembershipAwareUserEditForm(RoleGroupsFormMixin, UserEditForm):
    pass


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return MembershipAwareUserEditForm if for_update else MembershipAwareUserCreationForm
