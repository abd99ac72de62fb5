"""Government information disclosure. The disclosure issue adds catalog items and requests."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from permissions.models import DepartmentSectionPage


class DisclosureIndexPage(Page):
    """政府信息公开: the disclosure column, linked prominently from the home page."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["disclosure.DisclosureSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = "政府信息公开首页"
        verbose_name_plural = "政府信息公开首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = (
            DisclosureSectionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("department")
            .order_by("department__sort_order", "title")
        )
        return context


class DisclosureSectionPage(DepartmentSectionPage):
    """One department's disclosure column; its role groups may edit everything below it."""

    parent_page_types = ["disclosure.DisclosureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "部门信息公开栏目"
        verbose_name_plural = "部门信息公开栏目"
