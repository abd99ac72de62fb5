"""政民互动 on the portal: the forms (我要咨询 / 我要投诉 / 我要建议), the receipt, the progress lookup
and the public Q&A (问答公开). The views are in ``interaction.public_views``.

Nothing here shows a visitor's phone number, e-mail address, lookup code or full name to anyone
but the visitor, and to the visitor only after a matching number and phone number or lookup code.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class InteractionIndexPage(RoutablePageMixin, Page):
    """政民互动: 我要咨询、我要投诉、我要建议, 进度查询 and 问答公开, in one column."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    form_help = RichTextField(
        "填写须知", blank=True, features=["bold", "link"], help_text="显示在咨询投诉表单上方，例如受理范围。"
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("form_help")]
    parent_page_types = [settings.PORTAL_HOME_PAGE_MODEL]
    subpage_types: list[str] = []
    max_count = 1
    template = "interaction/index_page.html"

    class Meta:
        verbose_name = "政民互动"
        verbose_name_plural = "政民互动"

    @path("", name="index")
    def index(self, request):
        from .public_views import public_list

        return public_list(self, request)

    @path("ask/<str:kind>/", name="ask")
    def ask(self, request, kind: str):
        from .public_views import ask

        return ask(self, request, kind)

    @path("submitted/", name="submitted")
    def submitted(self, request):
        from .public_views import receipt

        return receipt(self, request)

    @path("lookup/", name="lookup")
    def lookup(self, request):
        from .public_views import lookup

        return lookup(self, request)

    @path("qa/<str:number>/", name="qa_detail")
    def qa_detail(self, request, number: str):
        from .public_views import qa_detail

        return qa_detail(self, request, number)
