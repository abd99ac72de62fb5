"""服务大厅 on the portal: every public hall by level, and one page per hall with its windows
(open or closed, with the reason), the matters each window handles and the notices in force.

One routable page placed by editors under the home page; halls are read through the same
public querysets as the API, so a deactivated hall or an expired notice is never shown.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import PortalStreamBlock, portal_links
from cms.blocks.halls import notices_in_force
from matters.models import Matter
from permissions.models import Department

from .models import Hall, HallLevel, Window


class HallIndexPage(RoutablePageMixin, Page):
    """服务大厅: where to go in person, and what each window does."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    body = StreamField(
        PortalStreamBlock(),
        verbose_name="页面内容",
        blank=True,
        help_text="可选：显示在大厅列表下方的栏目（如大厅公告、办事指引）。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "服务大厅"
        verbose_name_plural = "服务大厅"

    def get_meta_description(self) -> str:
        return self.search_description or "各级政务服务中心、便民服务中心（站）的地址、办公时间、咨询电话和窗口。"

    @path("")
    def index(self, request):
        halls = list(Hall.public_queryset().order_by("sort_order", "code"))
        links = portal_links(request)
        for hall in halls:
            hall.portal_url = links.hall(hall.code)
        groups = [(label, [h for h in halls if h.level == code]) for code, label in HallLevel.choices]
        return self.render(request, context_overrides={"hall_groups": [(label, hs) for label, hs in groups if hs]})

    @path("<slug:code>/", name="hall")
    def hall(self, request, code: str):
        hall = Hall.public_queryset().filter(code=code).first()
        if hall is None:
            raise Http404("没有这个服务大厅，或该大厅已停用。")
        windows = list(
            Window.objects.filter(hall=hall)
            .order_by("sort_order", "number")
            .prefetch_related(
                Prefetch("departments", queryset=Department.objects.order_by("sort_order", "name")),
                Prefetch(
                    "matters",
                    queryset=Matter.public_queryset().order_by("department__sort_order", "implementation_code"),
                ),
            )
        )
        links = portal_links(request)
        for window in windows:
            window.matter_links = [(m, links.matter(m.implementation_code)) for m in window.matters.all()]
        notices = list(notices_in_force(Hall.public_queryset().filter(pk=hall.pk)))
        return self.render(
            request,
            context_overrides={
                "hall": hall,
                "windows": windows,
                "open_count": sum(1 for w in windows if w.is_open),
                "notices": notices,
                "breadcrumbs": [(self.title, self.get_url(request)), (hall.name, "")],
            },
            template="halls/hall_detail.html",
        )
