"""The admin's 咨询投诉建议 screens, registered by ``wagtail_hooks``: URLs, the menu item 政民互动 and
the home dashboard panel."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail.admin.menu import MenuItem

from .models import Interaction


class InteractionMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        from permissions.policy import policy_for

        return policy_for(Interaction).user_has_any_permission(request.user, ["view", "change"])


def register_interaction_admin_urls():
    from . import admin_views as views

    return [
        path("interaction/", views.IndexView.as_view(), name="interaction_index"),
        path("interaction/<int:pk>/", views.DetailView.as_view(), name="interaction_detail"),
        path("interaction/<int:pk>/act/", views.ActionView.as_view(), name="interaction_action"),
    ]


def register_interaction_menu_item():
    return InteractionMenuItem("政民互动", reverse("interaction_index"), icon_name="help", order=217)


def add_interaction_panel(request, panels):
    from .admin_views import VIEW, DashboardPanel, policy

    if policy().user_has_any_permission(request.user, VIEW):
        panels.append(DashboardPanel(request))
