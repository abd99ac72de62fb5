"""Demo portal pages: the composed home page and the section pages under it, and the sub-sites.

The home page gets a banner, quick links and nine live data blocks; the sections 个人办事
(grbs), 法人办事 (frbs), 部门服务 (bmfw), 一件事 (yjs) and the 服务大厅 page (fwdt) are created
under it. Everything is published as a revision by the admin, as an editor would. Pages that
exist already are left alone (an editor may have changed them), so running it again changes
nothing.

The site group (docs/sites.md): 东湖区 and 西山区 (districts) and 湖滨街道 (a street) each get a
Wagtail site whose home page is a child of the city's (``/donghu/`` through the city's address,
``http://donghu.localhost:8000/`` by its own host name), composed from the same blocks, with its
own 门户网站设置 (theme.demo) and its editors' group (“东湖区网站编辑”) with one demo editor.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page, Site

from cases.pages import CaseIndexPage
from core import demo
from disclosure.models import DisclosureIndexPage
from guides.models import GuideIndexPage
from matters.models import Term, Vocabulary
from matters.pages import MatterCatalogPage
from permissions import demo_data
from permissions.models import Department
from ratings.pages import RatingIndexPage
from theme.demo import load_site_settings
from theme.sites import ensure_site_editors

from .models import HallIndexPage, HomePage, SectionPage


def _dept(key: str) -> int | None:
    spec = next(d for d in demo_data.DEPARTMENTS if d.key == key)
    return Department.objects.filter(credit_code=spec.credit_code).values_list("pk", flat=True).first()


def _term(vocabulary: str, *, name: str = "", key: str = "") -> str:
    lookup = {"key": key} if key else {"name": name}
    pk = Term.objects.filter(vocabulary=vocabulary, **lookup).values_list("pk", flat=True).first()
    return str(pk) if pk else ""


def _page_id(model) -> int | None:
    return model.objects.values_list("pk", flat=True).first()


def _block(kind: str, **value) -> dict:
    return {"type": kind, "value": value}


def _more(text: str = "更多", page: int | None = None, url: str = "") -> dict:
    return {"show": True, "text": text, "page": page, "url": url}


NO_MORE = {"show": False, "text": "更多", "page": None, "url": ""}


def _matters(heading: str, *, width: str = "half", count: int = 6, **filters) -> dict:
    return _block(
        "matter_list",
        heading=heading,
        width=width,
        count=count,
        ordering=filters.pop("ordering", "catalog"),
        link_to=filters.pop("link_to", "guide"),
        more=_more(),
        **filters,
    )


def _immediate_matters() -> dict:
    """即办事项: the block every home page of the demo shows, the city's and each sub-site's."""
    return _matters(
        "即办事项 · 立等可取",
        handling_type=_term(Vocabulary.HANDLING_TYPE, key="immediate"),
        link_to="matter",
    )


def _news_and_notices(documents: int) -> list[dict]:
    """最新公开 beside 大厅公告, half a row each, on every home page of the demo."""
    return [
        _block(
            "disclosure_list",
            heading="最新公开",
            count=documents,
            show_index_number=False,
            show_date=True,
            width="half",
            more=_more("公开目录"),
        ),
        _block("hall_notices", heading="大厅公告", count=4, width="half", more=_more("服务大厅")),
    ]


def _themes(heading: str, vocabulary: str, width: str = "full") -> dict:
    return _block(
        "themes", heading=heading, vocabulary=vocabulary, show_counts=True, width=width, more=_more("全部事项")
    )


# ---- section pages -----------------------------------------------------------------------------


def _sections() -> list[dict]:
    natural, legal = Vocabulary.NATURAL_THEME, Vocabulary.LEGAL_THEME
    return [
        {
            "slug": "grbs",
            "title": "个人办事",
            "intro": "<p>生育收养、户籍证件、就业创业、社会保障、婚姻登记、退休养老……按主题找到您要办的事。</p>",
            "search_description": (
                "示范市个人办事：按生育、户籍、就业、社保、婚姻、退休等主题查找面向自然人的政务服务事项和办事指南。"
            ),
            "body": [
                _themes("按主题办事", natural),
                _matters(
                    "社会保障",
                    theme=_term(natural, name="社会保障（社会保险、社会救助）"),
                ),
                _matters("证件办理", theme=_term(natural, name="证件办理")),
                _matters("就业创业", theme=_term(natural, name="就业创业")),
                _matters("婚姻登记与生育收养", theme=_term(natural, name="婚姻登记")),
                _matters(
                    "最近更新的个人事项",
                    width="full",
                    count=8,
                    ordering="updated",
                    service_object=_term(Vocabulary.SERVICE_OBJECT, key="natural_person"),
                ),
            ],
        },
        {
            "slug": "frbs",
            "title": "法人办事",
            "intro": "<p>企业开办、准营准办、工程建设、医疗卫生……面向企业和社会组织的事项一站查找。</p>",
            "search_description": (
                "示范市法人办事：企业开办、准营准办、工程建设项目审批、资质认证等面向法人的政务服务事项。"
            ),
            "body": [
                _themes("按主题办事", legal),
                _matters("市场监管 · 企业开办", department=_dept("market"), theme=_term(legal, name="设立变更")),
                _matters("准营准办", theme=_term(legal, name="准营准办")),
                _matters("国土和规划建设", theme=_term(legal, name="国土和规划建设")),
                _matters("医疗卫生", theme=_term(legal, name="医疗卫生")),
                _matters(
                    "全程网办 · 企业不跑腿",
                    width="full",
                    count=8,
                    online_depth=_term(Vocabulary.ONLINE_DEPTH, key="depth_4"),
                    service_object=_term(Vocabulary.SERVICE_OBJECT, key="legal_enterprise"),
                ),
            ],
        },
        {
            "slug": "bmfw",
            "title": "部门服务",
            "intro": "<p>按实施部门查找事项：市级部门、区县和街道（镇）、社区的在用事项一览。</p>",
            "search_description": (
                "示范市部门服务：市级部门、区县、街道（镇）和社区的政务服务事项，按部门查看办事指南和效能统计。"
            ),
            "body": [
                _block("departments", heading="按部门查找", show_counts=True, width="full", more=_more("事项目录")),
                _block(
                    "stats",
                    heading="各部门效能统计",
                    figures=[
                        "total",
                        "immediate_share",
                        "compression",
                        "at_most_one_visit_share",
                        "fully_online_share",
                    ],
                    breakdown="department",
                    width="full",
                    more=NO_MORE,
                ),
            ],
        },
        {
            "slug": "yjs",
            "title": "一件事",
            "intro": "<p>把群众和企业眼中的“一件事”集成办理：一次告知、一表申请、一套材料、一窗受理、一网办理。</p>",
            "search_description": (
                "示范市“高效办成一件事”：新生儿出生、退休、开办餐饮店等集成办理事项，一次告知、一表申请、一窗受理。"
            ),
            "body": [
                _block(
                    "text",
                    heading="什么是“一件事”",
                    text=(
                        "<p>“一件事”是把多个部门的相关事项按办事人的需要整合在一起，"
                        "由牵头部门统一受理、并联审批、统一出件。</p>"
                        "<ul><li>一次告知：所有材料一次讲清楚；</li>"
                        "<li>一表申请、一套材料：重复的材料只交一次；</li>"
                        "<li>一窗受理：到综合窗口或网上一次提交。</li></ul>"
                    ),
                    width="full",
                    more=NO_MORE,
                ),
                _block("bundles", heading="全部“一件事”", count=30, show_summary=True, width="full", more=_more()),
            ],
        },
    ]


def _home_body(sections: dict[str, int]) -> list[dict]:
    catalog, guides, disclosure = _page_id(MatterCatalogPage), _page_id(GuideIndexPage), _page_id(DisclosureIndexPage)
    halls = _page_id(HallIndexPage)

    def link(icon: str, label: str, description: str, page: int | None = None, url: str = "") -> dict:
        return {"icon": icon, "label": label, "description": description, "page": page, "url": url}

    return [
        _block(
            "banner",
            title="“一网通办”就在身边",
            text="政务服务事项在线查询，办事指南一次告知；能网办的不跑腿，要跑腿的最多跑一次。",
            link_text="查找办事事项",
            page=catalog,
            url="",
            style="primary",
        ),
        _block(
            "quick_links",
            heading="",
            width="full",
            more=NO_MORE,
            links=[
                link("person", "个人办事", "户籍、社保、婚育、就业", page=sections.get("grbs")),
                link("enterprise", "法人办事", "开办、准营、工程建设", page=sections.get("frbs")),
                link("department", "部门服务", "按部门查找事项", page=sections.get("bmfw")),
                link("bundle", "一件事", "集成办理，一次办好", page=sections.get("yjs")),
                link("guide", "办事指南", "材料、时限、流程", page=guides),
                link("hall", "服务大厅", "地址、时间、窗口", page=halls),
                link("document", "政府信息公开", "法定主动公开内容", page=disclosure),
                link("search", "依申请公开", "在线提交申请", url="/xxgk/apply/"),
            ],
        ),
        _immediate_matters(),
        _matters(
            "全程网办 · 一次不用跑",
            online_depth=_term(Vocabulary.ONLINE_DEPTH, key="depth_4"),
            link_to="matter",
        ),
        *_news_and_notices(documents=8),
        _block(
            "stats",
            heading="政务服务效能",
            figures=["total", "immediate_share", "compression", "at_most_one_visit_share", "fully_online_share"],
            breakdown="",
            width="full",
            more=_more("事项目录"),
        ),
        _themes("主题服务", "both"),
        _block(
            "bundles", heading="高效办成一件事", count=6, show_summary=True, width="full", more=_more("全部“一件事”")
        ),
        _block(
            "halls",
            heading="市政务服务中心窗口",
            halls=["city-center"],
            show_windows=True,
            count=1,
            width="full",
            more=_more("全部服务大厅"),
        ),
    ]


# ---- loading -----------------------------------------------------------------------------------


def _publish(page: Page, admin) -> None:
    page.save_revision(user=admin, log_action=True).publish(user=admin)


def _ensure_sections(home: HomePage, admin) -> dict[str, int]:
    result: dict[str, int] = {}
    existing = {p.slug: p.pk for p in home.get_children()}
    for spec in _sections():
        if spec["slug"] in existing:
            result[spec["slug"]] = existing[spec["slug"]]
            continue
        page = SectionPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            search_description=spec["search_description"],
            body=json.dumps(spec["body"], ensure_ascii=False),
            show_in_menus=True,
        )
        home.add_child(instance=page)
        _publish(page, admin)
        result[spec["slug"]] = page.pk
    if "fwdt" in existing:
        result["fwdt"] = existing["fwdt"]
    else:
        halls = HallIndexPage(
            title="服务大厅",
            slug="fwdt",
            intro="<p>市、区（县）政务服务中心和街道（镇）、社区便民服务中心（站）的地址、办公时间、咨询电话，"
            "以及各窗口的开放情况和可办理事项。</p>",
            search_description="示范市各级政务服务中心、便民服务中心（站）的地址、办公时间、咨询电话、窗口和大厅公告。",
            body=json.dumps(
                [_block("hall_notices", heading="各大厅公告", count=10, width="full", more=NO_MORE)],
                ensure_ascii=False,
            ),
            show_in_menus=True,
        )
        home.add_child(instance=halls)
        _publish(halls, admin)
        result["fwdt"] = halls.pk
    result[CASES_SLUG] = _ensure_case_index(home, admin, existing)
    result[RATINGS_SLUG] = _ensure_rating_index(home, admin, existing)
    return result


CASES_SLUG = "banjian"
RATINGS_SLUG = "pingjia"


def _ensure_rating_index(home: HomePage, admin, existing: dict[str, int]) -> int:
    """好差评 (评价公示 and the rating forms) under the home page, once."""
    if RATINGS_SLUG in existing:
        return existing[RATINGS_SLUG]
    page = RatingIndexPage.objects.first()
    if page is not None:
        return page.pk
    page = RatingIndexPage(
        title="好差评",
        slug=RATINGS_SLUG,
        intro=(
            "<p>政务服务“好差评”：一次一评、一事一评。办结后可在窗口评价器、受理通知书和出件单上的二维码、"
            "“办件查询”页面评价；差评由办理部门核实整改并回访。</p>"
        ),
        search_description="示范市政务服务“好差评”评价公示：各部门、大厅、事项的评价数、好评率、差评数和整改率。",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    _publish(page, admin)
    return page.pk


def _ensure_case_index(home: HomePage, admin, existing: dict[str, int]) -> int:
    """办件服务 (办件公示、办件查询、在线申请) under the home page, once."""
    if CASES_SLUG in existing:
        return existing[CASES_SLUG]
    page = CaseIndexPage.objects.first()
    if page is not None:  # an editor made it under another slug
        return page.pk
    page = CaseIndexPage(
        title="办件服务",
        slug=CASES_SLUG,
        intro="<p>查询办件进度、查看办件公示，全程网办事项可以在线提交申请。</p>",
        lookup_help="<p>办件编号和查询码在申请回执和短信、邮件通知中；如有疑问，请拨打政务服务便民热线 12345。</p>",
        search_description="示范市政务服务办件查询、办件公示和在线申请：凭办件编号和联系电话或查询码查询办理进度。",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    _publish(page, admin)
    return page.pk


@transaction.atomic
def load_portal_pages(admin) -> None:
    """Compose the demo home page and section pages; running it again changes nothing."""
    home = HomePage.objects.filter(depth=2).first()  # the city's (sub-sites' home pages are below it)
    if home is None:
        return
    sections = _ensure_sections(home, admin)
    home.refresh_from_db()
    if not home.body:
        home.body = json.dumps(_home_body(sections), ensure_ascii=False)
        if not home.search_description:
            home.search_description = (
                "示范市人民政府门户网站：政务服务事项查询、办事指南、“一件事”集成办理、服务大厅窗口和政府信息公开。"
            )
        _publish(home, admin)


def point_site_at_demo_url() -> None:
    """Point the default site at the address ``make run`` serves, so printed QR codes and links open."""
    url = urlsplit(settings.DEMO_SITE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (url.hostname, url.port or 80):
        site.hostname, site.port = url.hostname, url.port or 80
        site.save(update_fields=["hostname", "port"])


# ---- the site group: district and town sites ---------------------------------------------------


@dataclass(frozen=True)
class SubSiteSpec:
    key: str  # the home page's slug (the path prefix), the host name's first label, theme.demo's key
    department: str  # demo_data key of the 区划: the people's government or 街道办
    name: str  # 东湖区
    site_name: str
    hall: str  # the code of its 政务服务中心 / 便民服务中心
    bureau: str  # demo_data key of a department whose matters head its home page
    editor: str  # the demo account of its 网站编辑 (permissions.demo_data.USERS)

    @property
    def group_name(self) -> str:
        return f"{self.name}网站编辑"


SUB_SITES = [
    SubSiteSpec(
        "donghu",
        "donghu",
        "东湖区",
        "示范市东湖区政务服务与政务公开网站",
        "donghu-center",
        "donghu_market",
        "donghu_web",
    ),
    SubSiteSpec(
        "xishan",
        "xishan",
        "西山区",
        "示范市西山区政务服务与政务公开网站",
        "xishan-center",
        "xishan_market",
        "xishan_web",
    ),
    SubSiteSpec("hubin", "hubin", "湖滨街道", "东湖区湖滨街道便民服务网站", "hubin-center", "hubin", "hubin_web"),
]


def sub_site_host(key: str) -> tuple[str, int]:
    """The demo host name of a sub-site: ``donghu.localhost`` beside 127.0.0.1 or localhost (every
    browser sends *.localhost to this machine), ``donghu.<host>`` beside a named host; same port."""
    url = urlsplit(settings.DEMO_SITE_URL)
    host = url.hostname or "localhost"
    try:
        ipaddress.ip_address(host)
        host = "localhost"
    except ValueError:
        pass
    base = "localhost" if host == "localhost" or host.endswith(".localhost") else host
    return f"{key}.{base}", url.port or 80


def _sub_site_body(spec: SubSiteSpec) -> list[dict]:
    catalog, guides, disclosure = _page_id(MatterCatalogPage), _page_id(GuideIndexPage), _page_id(DisclosureIndexPage)
    halls = _page_id(HallIndexPage)
    bundles = SectionPage.objects.filter(slug="yjs").values_list("pk", flat=True).first()

    def link(icon: str, label: str, description: str, page: int | None) -> dict:
        return {"icon": icon, "label": label, "description": description, "page": page, "url": ""}

    return [
        _block(
            "banner",
            title=f"{spec.name}政务服务",
            text=f"{spec.name}及所辖单位的政务服务事项、办事指南和服务大厅，一网查询，就近办理。",
            link_text="查找办事事项",
            page=catalog,
            url="",
            style="primary",
        ),
        _block(
            "quick_links",
            heading="",
            width="full",
            more=NO_MORE,
            links=[
                link("person", "事项目录", "本级和下级在用事项", catalog),
                link("guide", "办事指南", "材料、时限、流程", guides),
                link("bundle", "一件事", "集成办理，一次办好", bundles),
                link("hall", "服务大厅", "地址、时间、窗口", halls),
                link("document", "政府信息公开", "法定主动公开内容", disclosure),
            ],
        ),
        _matters(f"{spec.name}事项", department=_dept(spec.bureau), link_to="matter"),
        _immediate_matters(),
        *_news_and_notices(documents=6),
        _block(
            "halls",
            heading="办事大厅",
            halls=[spec.hall],
            show_windows=True,
            count=1,
            width="full",
            more=_more("全部服务大厅"),
        ),
    ]


def _ensure_sub_site(spec: SubSiteSpec, city_home: HomePage, admin) -> Site:
    """The sub-site's home page under the city's, its Site and its settings; what exists is kept."""
    home = HomePage.objects.child_of(city_home).filter(slug=spec.key).first()
    if home is None:
        home = HomePage(
            title=f"{spec.name}政务服务",
            slug=spec.key,
            intro=f"<p>欢迎访问{spec.site_name}。</p>",
            search_description=SUB_SITE_DESCRIPTIONS.get(spec.key, ""),
            body=json.dumps(_sub_site_body(spec), ensure_ascii=False),
            show_in_menus=False,
        )
        city_home.add_child(instance=home)
        _publish(home, admin)
    hostname, port = sub_site_host(spec.key)
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=spec.site_name)
    elif (site.hostname, site.port) != (hostname, port) and spec.key in site.hostname:
        site.hostname, site.port = hostname, port  # ``make run PORT=…``: the demo's links follow it
        site.save(update_fields=["hostname", "port"])
    region = Department.objects.filter(pk=_dept(spec.department)).first()
    load_site_settings(site, spec.key, region, settings.DEMO_SITE_URL, region.slug if region else "")
    return site


SUB_SITE_DESCRIPTIONS = {
    "donghu": "示范市东湖区政务服务：东湖区及所辖街道的政务服务事项、办事指南、区政务服务中心窗口和政府信息公开。",
    "xishan": "示范市西山区政务服务：西山区及所辖镇的政务服务事项、办事指南、区政务服务中心窗口和政府信息公开。",
    "hubin": "东湖区湖滨街道便民服务：街道和社区可办事项、便民服务中心窗口和办事指南。",
}


def _ensure_site_editor(spec: SubSiteSpec, site: Site) -> None:
    group = ensure_site_editors(site, spec.group_name)
    user = get_user_model().objects.filter(username=spec.editor).first()
    if user is not None and not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)


@transaction.atomic
def load_sub_sites(admin) -> int:
    """The demo's district and town sites, each with its home page, settings and editors."""
    city_home = HomePage.objects.filter(depth=2).first()
    if city_home is None:
        return 0
    for spec in SUB_SITES:
        site = _ensure_sub_site(spec, city_home, admin)
        _ensure_site_editor(spec, site)
    return len(SUB_SITES)


def _site_lines() -> list[str]:
    scheme = urlsplit(settings.DEMO_SITE_URL).scheme or "http"
    base = settings.DEMO_SITE_URL.rstrip("/")
    lines = ["", "子站（同一后台；无子站域名时按路径访问）："]
    for spec in SUB_SITES:
        hostname, port = sub_site_host(spec.key)
        host = hostname if port in (80, 443) else f"{hostname}:{port}"
        lines.append(f"  {spec.site_name:<24} {base}/{spec.key}/  或  {scheme}://{host}/  （编辑 {spec.editor}）")
    return lines


@demo.register("portal", "门户页面", order=80)
def load(context: demo.DemoContext) -> dict[str, int]:
    point_site_at_demo_url()
    load_portal_pages(context.admin)
    sites = load_sub_sites(context.admin)
    context.notes += _site_lines()
    return {"栏目页": SectionPage.objects.count(), "子站": sites}
