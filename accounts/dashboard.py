"""The reviewer's dashboard: what awaits their review first, and saying what an approval did.

Wagtail puts its "等待您审核" panel (pages and workflow snippets such as 事项) at order 220,
below every panel the apps add (40–60), so a reviewer scrolled past statistics to find the one
thing they came for. ``pending_reviews_first`` moves it (and the editor's own items in review)
to the top.

Approving from the dashboard or the edit page ends in Wagtail with no message, or with
"页面已更新" — the reviewer does not learn whether it went live or on to another reviewer.
``ModerationMessageMiddleware`` looks at the task state after a workflow action and says it in
Chinese: approved and published / passed to the next step (which, whose) / sent back to the
author for changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

REVIEW_PANELS = {"workflow_objects_to_moderate": 1, "user_objects_in_workflow_moderation": 2}
# Wagtail's links to its own English-only pages (guide.wagtail.org): no use to a Chinese editor.
ENGLISH_ONLY_PANELS = {"whats_new_in_wagtail_version"}


def pending_reviews_first(request: HttpRequest, panels: list) -> None:
    """``construct_homepage_panels`` hook: review panels above every other panel; no panel that
    only points to Wagtail's English release notes."""
    panels[:] = [p for p in panels if getattr(p, "name", "") not in ENGLISH_ONLY_PANELS]
    for panel in panels:
        order = REVIEW_PANELS.get(getattr(panel, "name", ""))
        if order is not None:
            panel.order = order


def without_english_guides(request: HttpRequest, menu_items: list) -> None:
    """``construct_help_menu`` hook: drop Wagtail's editor guide and "what's new" links, which
    open English-only pages on guide.wagtail.org."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]


def _kind(obj) -> str:
    return "页面" if isinstance(obj, Page) else str(obj._meta.verbose_name)


def _title(obj) -> str:
    latest = getattr(obj, "get_latest_revision_as_object", None)
    return str(latest() if latest and not isinstance(obj, Page) else obj)


def moderation_message(task_state: TaskState) -> str | None:
    """What a finished review step did and what comes next, for the reviewer who took it."""
    workflow_state = task_state.workflow_state
    obj = workflow_state.content_object
    if obj is None:
        return None
    kind, title = _kind(obj), _title(obj)
    if task_state.status == TaskState.STATUS_APPROVED:
        if workflow_state.status == WorkflowState.STATUS_APPROVED:
            revision = task_state.revision
            go_live = getattr(revision, "approved_go_live_at", None)
            if go_live is not None:
                return f"已审核通过{kind}“{title}”：将于 {go_live:%Y-%m-%d %H:%M} 定时发布，届时门户自动显示新版本。"
            return f"已审核通过{kind}“{title}”，并已发布：门户现在显示的就是这一版本。"
        if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
            current = workflow_state.current_task_state
            step = current.task.name if current else "下一步审核"
            return f"已通过本步审核；{kind}“{title}”已转入“{step}”，等待该步审核人处理，全部通过后才会发布。"
    if task_state.status == TaskState.STATUS_REJECTED:
        return f"已退回{kind}“{title}”要求修改：提交人修改后重新提交审核；门户仍显示原来的版本。"
    return None


class ModerationMessageMiddleware:
    """After a workflow action (dashboard, edit page of a page or snippet), a Chinese message saying
    what it did. Place after ``MessageMiddleware`` and ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = timezone.now()
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (200, 302) and self._is_workflow_action(request):
            user = getattr(request, "user", None)
            match = request.resolver_match
            object_id = match.kwargs.get("pk") or match.kwargs.get("page_id")
            if user is not None and user.is_authenticated and object_id is not None:
                state = (
                    TaskState.objects.select_related("workflow_state", "revision")
                    .filter(finished_by=user, finished_at__gte=started, revision__object_id=str(object_id))
                    .order_by("-finished_at")
                    .first()
                )
                text = moderation_message(state) if state is not None else None
                if text:
                    messages.success(request, text)
        return response

    @staticmethod
    def _is_workflow_action(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is None or not match.url_name:
            return False
        return match.url_name == "workflow_action" or (
            match.url_name == "edit" and "action-workflow-action" in request.POST
        )
