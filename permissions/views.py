"""Page visibility in the admin: choosers, explorer, move, bulk actions and the page types report.

Wagtail shows page titles in places that check no page permission at all (the chooser's browse
and search, the move confirmation, the bulk-action confirmations, the page types usage
report). Each of them is narrowed here to ``policy.pages_user_may_see`` — the one rule: another
department's pages only when live and public; unpublished, restricted and in-review pages only
to those who may edit or review them (issue 14 item 8; GB/T 22239-2019 8.1.4.2 访问控制).
``wagtail_hooks.py`` registers these; ``cms/urls.py`` routes the page types report here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page

from .policy import pages_user_may_see, user_may_see_page

MOVE_REFUSED = "您没有移动该页面的权限，或不能移动到所选位置。"


def restrict_page_chooser(pages, request):
    """``construct_page_chooser_queryset``: browse and search list only pages the user may see.

    Browsing into a page the user may not see is a 404, so its title is never shown as the
    chooser's heading either.
    """
    match = getattr(request, "resolver_match", None)
    parent_id = match.kwargs.get("parent_page_id") if match is not None else None
    if parent_id is not None and not pages_user_may_see(request.user, Page.objects.filter(pk=parent_id)).exists():
        raise Http404("没有找到该页面。")
    return pages_user_may_see(request.user, pages)


def restrict_explorer_pages(parent_page, pages, request):
    """``construct_explorer_page_queryset``: the explorer's listing and search, by the same rule."""
    return pages_user_may_see(request.user, pages)


def guard_page_move(request, page_to_move, destination):
    """``before_move_page``: the move confirmation (GET and POST) only for a page the user may move
    to a destination they may move it to; Wagtail checks this only when the move is executed."""
    perms = page_to_move.permissions_for_user(request.user)
    if not user_may_see_page(request.user, page_to_move):
        raise Http404("没有找到该页面。")
    if not perms.can_move() or not perms.can_move_to(destination):
        raise PermissionDenied(MOVE_REFUSED)


class PageVisibilityBulkActionMixin:
    """Bulk actions on pages load only pages the user may see.

    A selected id the user may not see is left out silently (neither acted on nor named as
    "no access"); when none is left the confirmation is a 404.
    """

    def get_queryset(self, model, object_ids):
        pages = list(pages_user_may_see(self.request.user, model.objects.filter(pk__in=list(object_ids))))
        if not pages:
            raise Http404("没有找到所选页面。")
        return pages

    def get_all_objects_in_listing_query(self, parent_id):
        if parent_id is not None and not user_may_see_page(self.request.user, Page(pk=parent_id)):
            raise Http404("没有找到该页面。")
        listed = super().get_all_objects_in_listing_query(parent_id)
        return [pk for pk in listed if pk in self._visible_ids(listed)]

    def _visible_ids(self, pks) -> set[int]:
        if not hasattr(self, "_visible_cache"):
            self._visible_cache = set(
                pages_user_may_see(self.request.user, Page.objects.filter(pk__in=list(pks))).values_list(
                    "pk", flat=True
                )
            )
        return self._visible_cache


class PageVisibilityDeleteBulkAction(PageVisibilityBulkActionMixin, DeleteBulkAction):
    pass


class PageVisibilityMoveBulkAction(PageVisibilityBulkActionMixin, MoveBulkAction):
    pass


class PageVisibilityPublishBulkAction(PageVisibilityBulkActionMixin, PublishBulkAction):
    pass


class PageVisibilityUnpublishBulkAction(PageVisibilityBulkActionMixin, UnpublishBulkAction):
    pass


PAGE_BULK_ACTIONS = (
    PageVisibilityDeleteBulkAction,
    PageVisibilityMoveBulkAction,
    PageVisibilityPublishBulkAction,
    PageVisibilityUnpublishBulkAction,
)


class VisiblePageTypesUsageReportView(PageTypesUsageReportView):
    """The page types report names, per type, the last edited page the user may see."""

    def get_queryset(self):
        queryset = super().get_queryset()
        data = self.filters.form.cleaned_data if self.filters is not None else {}
        latest = Page.objects.filter(content_type=OuterRef("pk"))
        if data.get("page_locale"):
            latest = latest.filter(locale__language_code=data["page_locale"])
        if data.get("site"):
            latest = latest.filter(path__startswith=data["site"])
        latest = pages_user_may_see(self.request.user, latest).order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        return queryset.annotate(visible_last_edited_page_id=Subquery(latest.values("pk")[:1]))

    def decorate_paginated_queryset(self, page_types):
        for item in page_types:
            item.last_edited_page_id = item.visible_last_edited_page_id
        return super().decorate_paginated_queryset(page_types)


page_types_usage_view = VisiblePageTypesUsageReportView.as_view()
page_types_usage_results_view = VisiblePageTypesUsageReportView.as_view(results_only=True)


def _explorer_of_visible_pages(view):
    """The explorer of a page heads its listing with the page's title: only for pages one may see.

    Wagtail lets anyone whose explorable root is an ancestor (the site root, for most editors)
    open the explorer of any page below it, another department's draft included.
    """

    def explore(request, parent_page_id, *args, **kwargs):
        if not user_may_see_page(request.user, Page(pk=parent_page_id)):
            raise Http404("没有找到该页面。")
        return view(request, *args, parent_page_id=parent_page_id, **kwargs)

    return explore


explore_view = _explorer_of_visible_pages(page_viewset_registry.as_view("index", parent_page_id_kwarg="parent_page_id"))
explore_results_view = _explorer_of_visible_pages(
    page_viewset_registry.as_view("index_results", parent_page_id_kwarg="parent_page_id")
)
