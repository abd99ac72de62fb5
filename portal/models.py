"""The portal's own pages: the home page, the section pages editors compose, the halls page.

These lived in the ``cms`` and ``halls`` apps until ``cms`` became settings only and domains
stopped knowing the portal; they keep their tables (``db_table``), rows and content types.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from halls.models import Hall, HallLevel, Window
from matters.models import Matter
from permissions.models import Department
from permissions.regions import in_region, request_region

from .blocks import PortalStreamBlock, portal_links
from .blocks.halls import notices_in_force

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
    """A site's root: composed by editors from portal blocks (banner, quick links, live data).

    The city's home page sits at the top of the tree; each district's and town's site (网站群的
    子站) has its own home page as a child of the city's, so Wagtail serves it at its own host name
    and, where none reaches it, at a path prefix (``/donghu/``). One level only: no home page
    under a sub-site's, and one city home page (docs/sites.md).
    """

    parent_page_types = ["wagtailcore.Page", "portal.HomePage"]

    class Meta:
        db_table = "cms_homepage"
        verbose_name = "首页"
        verbose_name_plural = "首页"

    @classmethod
    def can_create_at(cls, parent) -> bool:
        return super().can_create_at(parent) and cls._home_parent_allowed(parent)

    def can_move_to(self, parent) -> bool:
        return super().can_move_to(parent) and self._home_parent_allowed(parent, exclude=self.pk)

    @classmethod
    def _home_parent_allowed(cls, parent, exclude: int | None = None) -> bool:
        """Under the tree root: only while there is no city home page; else under the city's only."""
        if parent.depth == 1:
            return not cls.objects.filter(depth=2).exclude(pk=exclude).exists()
        return parent.depth == 2

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not self.body:
            # A fresh install with nothing composed yet still leads somewhere.
            context["sections"] = self.get_children().live().public().order_by("path")
        return context


class SectionPage(PortalPage):
    """栏目页: a section of the portal (个人办事, 法人办事 ...) composed from the same blocks."""

    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types = ["portal.SectionPage"]

    class Meta:
        db_table = "cms_sectionpage"
        verbose_name = "栏目页"
        verbose_name_plural = "栏目页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subsections"] = SectionPage.objects.child_of(self).live().public().order_by("path")
        return context


# ---- 服务大厅: every public hall by level, one page per hall with its windows and notices -----


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
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        db_table = "halls_hallindexpage"
        verbose_name = "服务大厅"
        verbose_name_plural = "服务大厅"

    def get_meta_description(self) -> str:
        return self.search_description or "各级政务服务中心、便民服务中心（站）的地址、办公时间、咨询电话和窗口。"

    @path("")
    def index(self, request):
        # The visitor's 区划: the halls its departments run (a district's centre, its streets' stations).
        halls = list(in_region(Hall.public_queryset(), request_region(request)).order_by("sort_order", "code"))
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
