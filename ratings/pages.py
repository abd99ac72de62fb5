"""好差评 on the portal: the public figures, and the rating forms reached from a QR code, the progress
lookup or a matter's page. The views are in ``ratings.public_views``.

Nothing here shows a rater, a comment or an applicant: the figures are counts per department,
hall, matter and month (docs/ratings.md).
"""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class RatingIndexPage(RoutablePageMixin, Page):
    """好差评: 评价公示 (figures) and the rating forms."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]
    subpage_types: list[str] = []
    max_count = 1
    template = "ratings/rating_index_page.html"

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"

    @path("", name="index")
    def index(self, request):
        from .public_views import figures_page

        return figures_page(self, request)

    @path("case/<str:token>/", name="rate_case")
    def rate_case(self, request, token: str):
        from .public_views import rate_case

        return rate_case(self, request, token)

    @path("service/<int:matter_id>/", name="rate_service")
    def rate_service(self, request, matter_id: int):
        from .public_views import rate_service

        return rate_service(self, request, matter_id)

    @path("thanks/", name="thanks")
    def thanks(self, request):
        from .public_views import thanks

        return thanks(self, request)
