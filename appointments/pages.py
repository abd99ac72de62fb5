"""预约服务 on the portal: book a slot, 我的预约 (cancel, reschedule), 延时预约 (out of hours).

The views are in ``appointments.public_views``. Nothing here shows a visitor's phone number or
full name to anyone but the visitor, and to the visitor only after a matching code and phone.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class AppointmentIndexPage(RoutablePageMixin, Page):
    """预约服务: choose hall → matter → day → slot, the receipt, 我的预约 and 延时预约."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]
    subpage_types: list[str] = []
    max_count = 1
    template = "appointments/book.html"

    class Meta:
        verbose_name = "预约服务"
        verbose_name_plural = "预约服务"

    @path("", name="index")
    def index(self, request):
        from .public_views import book

        return book(self, request)

    @path("done/", name="receipt")
    def receipt(self, request):
        from .public_views import receipt

        return receipt(self, request)

    @path("mine/", name="mine")
    def mine(self, request):
        from .public_views import mine

        return mine(self, request)

    @path("after-hours/", name="after_hours")
    def after_hours(self, request):
        from .public_views import after_hours

        return after_hours(self, request)
