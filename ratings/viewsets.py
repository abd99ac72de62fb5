"""The admin's 好差评 screens, registered by ``wagtail_hooks``: the list, a rating, the overview."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail.admin.menu import MenuItem


class RatingsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        from .admin_views import VIEW, policy

        return policy().user_has_any_permission(request.user, VIEW)


def register_rating_admin_urls():
    from . import admin_views as views

    return [
        path("ratings/", views.RatingIndexView.as_view(), name="ratings_index"),
        path("ratings/supervision/", views.RatingSupervisionView.as_view(), name="ratings_supervision"),
        path("ratings/<int:pk>/", views.RatingDetailView.as_view(), name="ratings_detail"),
        path("ratings/<int:pk>/act/", views.RatingActionView.as_view(), name="ratings_action"),
    ]


def register_ratings_menu_item():
    return RatingsMenuItem("好差评", reverse("ratings_index"), icon_name="pick", order=218)


def add_ratings_panel(request, panels) -> None:
    from .admin_views import add_ratings_panel as add

    add(request, panels)
