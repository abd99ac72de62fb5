"""Bulk suspend / resume / cancel from the matters listing, each with one reason for all."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import classproperty
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from permissions.viewsets import PolicyBulkActionMixin

from . import lifecycle
from .models import Matter


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class LifecycleBulkAction(PolicyBulkActionMixin, SnippetBulkAction):
    """Applies one lifecycle transition to the selected matters the user may change."""

    form_class = ReasonForm
    template_name = "matters/admin/bulk_lifecycle.html"
    transition = ""

    @classproperty
    def models(cls):
        return [Matter]

    def check_perm(self, matter) -> bool:
        _, sources, _ = lifecycle.TRANSITIONS[self.transition]
        return matter.status in sources and lifecycle.may_change_state(self.request.user, matter)

    def get_execution_context(self):
        return {
            "user": self.request.user,
            "reason": self.cleaned_form.cleaned_data["reason"],
            "transition": self.transition,
        }

    @classmethod
    def execute_action(cls, objects, user=None, reason="", transition="", **kwargs):
        for matter in objects:
            lifecycle.change_state(matter, user, transition, reason)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"已{self.display_name} {num_parent_objects} 个事项。"


class SuspendBulkAction(LifecycleBulkAction):
    transition = "suspend"
    display_name = "暂停"
    aria_label = "暂停所选事项"
    action_type = "matter_suspend"
    action_priority = 40


class ResumeBulkAction(LifecycleBulkAction):
    transition = "resume"
    display_name = "恢复"
    aria_label = "恢复所选事项"
    action_type = "matter_resume"
    action_priority = 41


class CancelBulkAction(LifecycleBulkAction):
    transition = "cancel"
    display_name = "取消"
    aria_label = "取消所选事项"
    action_type = "matter_cancel"
    action_priority = 42
    classes = {"serious"}


class ExportBulkAction(PolicyBulkActionMixin, SnippetBulkAction):
    """导出所选: hands the selection to the export view, which applies the policy again."""

    display_name = "导出Excel"
    aria_label = "把所选事项导出为Excel"
    action_type = "matter_export"
    action_priority = 10

    @classproperty
    def models(cls):
        return [Matter]

    def check_perm(self, matter) -> bool:
        return True  # the export view exports only what the user may see

    def get(self, request):
        ids = request.GET.getlist("id")
        if "all" in ids:
            query = [(k, v) for k, v in request.GET.lists() if k not in ("id", "next") for v in v]
            return redirect(reverse("matters_export") + ("?" + urlencode(query) if query else ""))
        return redirect(reverse("matters_export") + "?" + urlencode([("id", i) for i in ids]))

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return len(objects), 0
