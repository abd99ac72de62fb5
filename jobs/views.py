"""设置 › 后台任务: recent task runs, their state and errors, and a 重试 button for failed ones.

For the 系统管理员 role and superusers (``jobs.view_taskrun``; retrying needs ``jobs.retry_taskrun``).
A task's arguments are never shown: they may identify a person.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

import audit

from . import tracking
from .models import Status, TaskRun
from .registry import periodic_jobs

VIEW_PERMISSION = "jobs.view_taskrun"
RETRY_PERMISSION = "jobs.retry_taskrun"
TASK_RETRIED = audit.register_kind("task_retried", "重试后台任务")
PER_PAGE = 50


def may_view(user) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


class TaskRunIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "jobs/index.html"
    page_title = "后台任务"
    header_icon = "cogs"

    def dispatch(self, request, *args, **kwargs):
        if not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        runs = TaskRun.objects.defer("args")
        if status in Status.values:
            runs = runs.filter(status=status)
        else:
            status = ""
        page = Paginator(runs, PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            status=status,
            statuses=Status.choices,
            may_retry=self.request.user.has_perm(RETRY_PERMISSION),
            periodic=sorted(periodic_jobs().values(), key=lambda job: job.key),
        )
        return context


@require_POST
def retry_view(request, pk: int):
    if not (may_view(request.user) and request.user.has_perm(RETRY_PERMISSION)):
        raise PermissionDenied
    run = get_object_or_404(TaskRun, pk=pk)
    if run.status != Status.FAILED:
        messages.error(request, f"“{run.label}”当前状态为{run.get_status_display()}，只有失败的任务可以重试。")
        return redirect("jobs:index")
    audit.record(TASK_RETRIED, request=request, obj=run, task=run.task_path[:200], attempts=run.attempts)
    tracking.retry(run)
    run.refresh_from_db()
    messages.success(request, f"已重新提交“{run.label}”（状态：{run.get_status_display()}）。")
    return redirect("jobs:index")


class _MenuItem(MenuItem):
    def is_shown(self, request):
        return may_view(request.user)


class TaskRunViewSet(ViewSet):
    """The menu entry (设置 › 后台任务) and URLs of the page."""

    name = "jobs"
    icon = "cogs"
    menu_label = "后台任务"
    menu_item_class = _MenuItem
    add_to_settings_menu = True
    menu_order = 900

    def get_urlpatterns(self):
        return [
            path("", TaskRunIndexView.as_view(), name="index"),
            path("<int:pk>/retry/", retry_view, name="retry"),
        ]


class FailedTasksPanel(Component):
    """Dashboard: how many background tasks failed in the last 24 hours."""

    name = "failed_tasks"
    template_name = "jobs/failed_panel.html"
    order = 40

    def __init__(self, count: int):
        self.count = count

    def get_context_data(self, parent_context=None):
        return {"count": self.count, "index_url": reverse("jobs:index") + "?status=failed"}


def add_failed_tasks_panel(request, panels) -> None:
    if not request.user.is_superuser:
        return
    since = timezone.now() - datetime.timedelta(hours=24)
    count = TaskRun.objects.filter(status=Status.FAILED, finished_at__gte=since).count()
    if count:
        panels.append(FailedTasksPanel(count))
