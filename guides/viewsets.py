"""Admin registration of guides: flat listings with the staleness flag, the confirm action,
the dashboard panel."""

from django.urls import path

from .admin_views import BundleListingViewSet, ConfirmReviewView, GuideListingViewSet, StaleGuidesPanel


def register_guide_listings():
    return [GuideListingViewSet("guide_pages"), BundleListingViewSet("bundle_pages")]


def register_guide_admin_urls():
    return [path("guides/<int:page_id>/confirm-review/", ConfirmReviewView.as_view(), name="guides_confirm_review")]


def add_stale_guides_panel(request, panels):
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"]):
        panels.append(StaleGuidesPanel(request))
