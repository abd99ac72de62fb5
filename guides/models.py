"""Service guide pages. The "Service guides" issue adds the guide and bundle pages."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from permissions.models import DepartmentSectionPage


class GuideIndexPage(Page):
    """办事指南: the index of every department's guide section."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["guides.GuideSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = "办事指南首页"
        verbose_name_plural = "办事指南首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = (
            GuideSectionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("department")
            .order_by("department__sort_order", "title")
        )
        return context


class GuideSectionPage(DepartmentSectionPage):
    """One department's guides; its role groups may edit everything below it."""

    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "部门办事指南栏目"
        verbose_name_plural = "部门办事指南栏目"
