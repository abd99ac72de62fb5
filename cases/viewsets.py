"""The admin's case screens, registered by ``wagtail_hooks``: the list, a case, its steps, walk-in
registration at a window, the 受理通知书 PDF."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail.admin.menu import MenuItem

from .models import Case
from .policy import CasePermissionPolicy


class CasesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        from permissions.policy import policy_for

        policy: CasePermissionPolicy = policy_for(Case)
        return policy.user_has_any_permission(request.user, ["view", "change", "add"])


def register_case_admin_urls():
    from . import admin_views as views

    base = "cases/<int:pk>/"
    return [
        path("cases/", views.CaseIndexView.as_view(), name="cases_index"),
        path("cases/add/", views.CaseCreateView.as_view(), name="cases_add"),
        path(base, views.CaseDetailView.as_view(), name="cases_detail"),
        path(base + "act/", views.CaseActionView.as_view(), name="cases_action"),
        path(base + "notice.pdf", views.AcceptanceNoticeView.as_view(), name="cases_notice_pdf"),
        path(base + "slip.pdf", views.DeliverySlipView.as_view(), name="cases_slip_pdf"),
        path(base + "materials/<int:material_id>/", views.MaterialFileView.as_view(), name="cases_material_file"),
    ]


def register_cases_menu_item():
    return CasesMenuItem("办件", reverse("cases_index"), icon_name="tasks", order=215)
