"""Edit-form panels of guide pages."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.panels import Panel


def may_confirm(user, page) -> bool:
    """Confirming a guide is a reviewer's act: whoever may publish the page."""
    return page.permissions_for_user(user).can_publish()


class StalenessPanel(Panel):
    """At the top of a guide's edit form: its matters changed since the last review, and how."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "guides/admin/staleness_panel.html"

        def is_shown(self):
            from .reviews import is_stale

            page = self.instance
            return bool(page is not None and page.pk and is_stale(page))

        def get_context_data(self, parent_context=None):
            from .models import GuideReview
            from .reviews import changes_since_review

            context = super().get_context_data(parent_context)
            page = self.instance
            context.update(
                changes=changes_since_review(page),
                review=GuideReview.objects.filter(page_id=page.pk).select_related("reviewed_by").first(),
                confirm_url=reverse("guides_confirm_review", args=[page.pk]),
                may_confirm=may_confirm(self.request.user, page),
            )
            return context
