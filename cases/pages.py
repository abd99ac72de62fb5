"""办件服务 on the portal: the public list of cases (办件公示), the progress lookup (办件查询) and
the online application (在线申请). The views are in ``cases.public_views``.

Nothing here shows an applicant's ID number, phone number, lookup code or full name to anyone
but the applicant, and to the applicant only after a matching case number and phone number or
lookup code (docs/cases.md).
"""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class CaseIndexPage(RoutablePageMixin, Page):
    """办件服务: 办件公示, 办件查询 and 在线申请, in one column."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    lookup_help = RichTextField(
        "查询说明", blank=True, features=["bold", "link"], help_text="显示在办件查询页，例如咨询电话。"
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("lookup_help")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]
    subpage_types: list[str] = []
    max_count = 1
    template = "cases/case_index_page.html"

    class Meta:
        verbose_name = "办件服务"
        verbose_name_plural = "办件服务"

    @path("", name="index")
    def index(self, request):
        from .public_views import public_list

        return public_list(self, request)

    @path("lookup/", name="lookup")
    def lookup(self, request):
        from .public_views import lookup

        return lookup(self, request)

    @path("apply/<int:matter_id>/", name="apply")
    def apply(self, request, matter_id: int):
        from .public_views import apply

        return apply(self, request, matter_id)

    @path("apply/submitted/", name="apply_submitted")
    def apply_submitted(self, request):
        from .public_views import receipt

        return receipt(self, request)
