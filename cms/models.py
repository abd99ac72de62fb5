"""The portal home page and the section pages editors compose."""

from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import PortalStreamBlock

BODY_HELP = "从“页面内容”“办事服务”“政务公开与大厅”中选择栏目组合页面；数据栏目实时显示在用事项、公开信息和大厅信息。"


class PortalPage(Page):
    """What the home page and section pages share: an intro and a body of portal blocks."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    body = StreamField(PortalStreamBlock(), verbose_name="页面内容", blank=True, help_text=BODY_HELP)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        """The search description, else the intro as plain text (for the description meta tag)."""
        return self.search_description or " ".join(strip_tags(self.intro).split())[:150]


class HomePage(PortalPage):
    """The site root: composed by editors from portal blocks (banner, quick links, live data)."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = "首页"
        verbose_name_plural = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not self.body:
            # A fresh install with nothing composed yet still leads somewhere.
            context["sections"] = self.get_children().live().public().order_by("path")
        return context


class SectionPage(PortalPage):
    """栏目页: a section of the portal (个人办事, 法人办事 ...) composed from the same blocks."""

    parent_page_types = ["cms.HomePage", "cms.SectionPage"]
    subpage_types = ["cms.SectionPage"]

    class Meta:
        verbose_name = "栏目页"
        verbose_name_plural = "栏目页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subsections"] = SectionPage.objects.child_of(self).live().public().order_by("path")
        return context
