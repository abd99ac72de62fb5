"""Demo disclosure catalog: 200+ documents across departments and statutory categories.

Dated from January 2025 to November 2026 with their original publication dates (index numbers
are assigned for those dates), a few published late, some regulations and normative documents
repealed or amended and replaced, so the catalog, its filters and the 2025 annual report have
realistic content. The statutory category pages and the disclosure guide are created too.
Deterministic: running it again creates nothing new.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from core import demo
from disclosure.index_numbers import assign_index_number
from disclosure.models import (
    Classification,
    DisclosureCategoryPage,
    DisclosureDocumentPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureSectionPage,
    DocumentInterpretation,
    Facet,
    Validity,
)
from permissions.models import Department

# department key -> (short prefix used in document numbers, topic)
DEPARTMENT_STYLE = {
    "city": ("示政", "综合政务"),
    "gov_office": ("示政办", "综合政务"),
    "market": ("示市监", "市场监管、安全生产监管"),
    "health": ("示卫健", "卫生、体育"),
    "resources": ("示自然资规", "国土资源、能源"),
    "hrss": ("示人社", "劳动、人事、监察"),
    "police": ("示公", "公安、安全、司法"),
    "civil": ("示民", "民政、扶贫、救灾"),
    "housing": ("示建", "城乡建设、环境保护"),
    "donghu": ("东政", "综合政务"),
    "donghu_market": ("东市监", "市场监管、安全生产监管"),
    "donghu_civil": ("东民", "民政、扶贫、救灾"),
    "donghu_hrss": ("东人社", "劳动、人事、监察"),
    "xishan": ("西政", "综合政务"),
    "xishan_market": ("西市监", "市场监管、安全生产监管"),
    "xishan_health": ("西卫健", "卫生、体育"),
    "hubin": ("湖街", "综合政务"),
}

# category key -> (genre, [title templates]); {d} = department name, {y} = year, {n} = a number
TEMPLATES: dict[str, tuple[str, list[str]]] = {
    "organisation": ("其他", ["{d}机构职能", "{d}领导分工调整"]),
    "normative_document": (
        "通知",
        [
            "{d}关于印发《{y}年行政执法检查计划》的通知",
            "{d}关于进一步规范行政许可办理工作的通知",
            "{d}关于印发《政务服务事项容缺受理办法》的通知",
            "{d}关于优化营商环境若干措施的实施意见",
        ],
    ),
    "plan": ("意见", ["{d}{y}年工作要点", "{d}“十五五”发展规划编制工作方案"]),
    "statistics": ("报告", ["{y}年第{n}季度{d}主要业务数据", "{y}年{n}月{d}统计信息"]),
    "licensing": ("公告", ["{d}行政许可决定公示（{y}年第{n}期）"]),
    "punishment": ("决定", ["{d}行政处罚决定公示（{y}年第{n}期）"]),
    "compulsion": ("决定", ["{d}行政强制决定公示（{y}年第{n}期）"]),
    "budget": ("报告", ["{d}{y}年部门预算", "{d}{y}年部门决算"]),
    "fees": ("公告", ["{d}行政事业性收费项目目录（{y}年版）"]),
    "procurement": ("公告", ["{d}{y}年信息化运维服务项目政府采购公告", "{d}办公设备采购项目中标结果公告"]),
    "recruitment": ("公告", ["{d}{y}年度考试录用公务员公告"]),
    "emergency": ("通知", ["{d}突发事件应急预案（{y}年修订）"]),
    "supervision": ("通报", ["{y}年第{n}季度{d}监督抽查情况通报"]),
}
REGULATIONS = [
    ("示范市城市市容和环境卫生管理办法", 1),
    ("示范市政府信息公开工作规定", 2),
    ("示范市优化营商环境办法", 3),
    ("示范市公共资源交易管理办法", 4),
    ("示范市城市市容和环境卫生管理办法（2025年修订）", 5),
]


@dataclass
class DisclosureResult:
    documents: int = 0


def _classification(facet: str, **lookup) -> Classification:
    return Classification.objects.get(facet=facet, **lookup)


def _section(department: Department) -> DisclosureSectionPage | None:
    return DisclosureSectionPage.objects.filter(department=department).first()


def _publish(page: DisclosureDocumentPage, section, published: datetime.date, user) -> None:
    demo.publish_new(section, page, user, added=lambda page: assign_index_number(page, on=published))
    moment = datetime.datetime.combine(published, datetime.time(10, 0), tzinfo=datetime.UTC)
    DisclosureDocumentPage.objects.filter(pk=page.pk).update(
        first_published_at=moment, last_published_at=moment, latest_revision_created_at=moment
    )


def load_disclosure(departments: dict[str, Department], user) -> DisclosureResult:
    """Create the demo disclosure catalog once (skipped when any document exists)."""
    result = DisclosureResult()
    index = DisclosureIndexPage.objects.first()
    if index is None:
        return result
    _category_pages(index, user)
    _guide_page(index, user)
    if DisclosureDocumentPage.objects.exists():
        return result
    rng = random.Random(2025)  # noqa: S311 (demo data, not security)
    genres = {c.name: c for c in Classification.objects.filter(facet=Facet.GENRE)}
    topics = {c.name: c for c in Classification.objects.filter(facet=Facet.TOPIC)}
    categories = {c.key: c for c in Classification.objects.filter(facet=Facet.CATEGORY)}
    serials: dict[tuple[str, int], int] = {}
    made: list[DisclosureDocumentPage] = []

    def number(prefix: str, year: int, kind: str = "发") -> str:
        serials[(prefix, year)] = serials.get((prefix, year), 0) + 1
        return f"{prefix}{kind}〔{year}〕{serials[(prefix, year)]}号"

    start = datetime.date(2025, 1, 6)
    span = (datetime.date(2026, 11, 20) - start).days
    for key, (prefix, topic_name) in DEPARTMENT_STYLE.items():
        department = departments.get(key)
        section = _section(department) if department else None
        if section is None:
            continue
        for i, (category_key, (genre_name, titles)) in enumerate(sorted(TEMPLATES.items())):
            if rng.random() < 0.1:
                continue
            for copy in range(
                2 if category_key in ("licensing", "punishment", "statistics", "normative_document") else 1
            ):
                written = start + datetime.timedelta(days=rng.randrange(span))
                # Most are published within days; about one in twelve late (more than 20 working days).
                delay = rng.randrange(35, 60) if rng.random() < 0.08 else rng.randrange(0, 12)
                published = min(written + datetime.timedelta(days=delay), datetime.date(2026, 11, 27))
                title = rng.choice(titles).format(
                    d=department.name, y=written.year, n=(written.month - 1) // 3 + 1 + copy
                )
                page = DisclosureDocumentPage(
                    title=title,
                    slug=f"doc-{key}-{i}-{copy}",
                    issuing_body=department,
                    document_number=number(prefix, written.year) if genre_name in ("通知", "意见", "决定") else "",
                    written_date=written,
                    summary=f"{department.name}发布{title.replace(department.name, '')}，现予公开。",
                    keywords=" ".join(filter(None, [categories[category_key].name[:4], topic_name[:2]])),
                    topic=topics[topic_name],
                    genre=genres[genre_name],
                    body=f"<p>{title}。</p><p>（正文略）各有关单位：现将有关事项公开如下……</p>",
                    owner=user,
                )
                page.categories = [categories[category_key]]
                _publish(page, section, published, user)
                made.append(page)
    made += _regulations(departments, categories, topics, genres, user)
    _repeal_some(made, rng)
    result.documents = len(made)
    return result


def _regulations(departments, categories, topics, genres, user) -> list[DisclosureDocumentPage]:
    """Municipal regulations (规章) of the city government, one replaced in 2025."""
    city = departments.get("city")
    section = _section(city) if city else None
    if section is None:
        return []
    made = []
    for title, order in REGULATIONS:
        written = datetime.date(2025, 2 * order, 10)  # February to October 2025
        page = DisclosureDocumentPage(
            title=title,
            slug=f"regulation-{order}",
            issuing_body=city,
            document_number=f"示范市人民政府令第{order + 20}号",
            written_date=written,
            summary=f"《{title}》已经市人民政府常务会议通过，现予公布。",
            keywords="规章",
            topic=topics["综合政务"],
            genre=genres["命令（令）"],
            body=f"<p>《{title}》</p><p>第一条 为了……制定本办法。</p>",
            owner=user,
        )
        page.categories = [categories["regulation"]]
        _publish(page, section, written + datetime.timedelta(days=5), user)
        made.append(page)
    # The 2025 revision replaces the original regulation, which is repealed the day it is published.
    _mark(made[0], Validity.REPEALED, made[-1].publication_date, made[-1])
    return made


# (slug of the regulation explained, title of its 政策解读, what the 解读 says)
INTERPRETATIONS = [
    (
        "regulation-3",
        "《示范市优化营商环境办法》政策解读",
        "<p>一、制定背景</p><p>为持续优化营商环境、激发市场主体活力，市人民政府制定了《示范市优化营商环境办法》。</p>"
        "<p>二、主要内容</p><p>办法明确了政务服务“一网通办”、涉企事项容缺受理和承诺制审批等措施。</p>",
    ),
    (
        "regulation-2",
        "《示范市政府信息公开工作规定》政策解读",
        "<p>一、为什么制定</p><p>为落实《中华人民共和国政府信息公开条例》，规范本市政府信息公开工作。</p>"
        "<p>二、有哪些新规定</p><p>规定明确了主动公开的范围和时限、依申请公开的办理程序和答复期限。</p>",
    ),
]


def load_interpretations(departments: dict[str, Department], user) -> int:
    """Two 政策解读, each linked to the city regulation it explains (created once)."""
    city = departments.get("city")
    section = _section(city) if city else None
    category = Classification.objects.filter(facet=Facet.CATEGORY, key="policy_interpretation").first()
    if section is None or category is None or DocumentInterpretation.objects.exists():
        return 0
    regulations = {
        p.slug: p for p in DisclosureDocumentPage.objects.child_of(section).filter(slug__startswith="regulation-")
    }
    made = 0
    for slug, title, body in INTERPRETATIONS:
        regulation = regulations.get(slug)
        if regulation is None or regulation.publication_date is None:
            continue
        page = DisclosureDocumentPage(
            title=title,
            slug=f"{slug}-jd",
            issuing_body=city,
            written_date=regulation.written_date,
            summary=f"对{regulation.title}的制定背景和主要内容进行解读。",
            keywords="政策解读",
            topic=_classification(Facet.TOPIC, name="综合政务"),
            genre=_classification(Facet.GENRE, name="其他"),
            body=body,
            owner=user,
        )
        page.categories = [category]
        page.interpreted_links = [DocumentInterpretation(document=regulation, sort_order=0)]
        _publish(page, section, regulation.publication_date + datetime.timedelta(days=1), user)
        made += 1
    return made


def _repeal_some(made: list[DisclosureDocumentPage], rng: random.Random) -> None:
    """Within each issuing body, mark some normative documents replaced by a later one of the
    same body (repealed or amended, dated the day the new one was published), and two expired."""
    normative = list(
        DisclosureDocumentPage.objects.filter(
            pk__in=[p.pk for p in made], categories__key="normative_document"
        ).order_by("issuing_body_id", "written_date", "pk")
    )
    by_body: dict[int, list[DisclosureDocumentPage]] = {}
    for page in normative:
        by_body.setdefault(page.issuing_body_id, []).append(page)
    pairs = [(docs[0], docs[1]) for docs in by_body.values() if len(docs) > 1]
    for older, newer in pairs[:6]:
        _mark(older, rng.choice([Validity.REPEALED, Validity.AMENDED]), newer.publication_date, newer)
    for docs in list(by_body.values())[-2:]:
        _mark(docs[-1], Validity.EXPIRED, datetime.date(2026, 10, 31), None)


def _mark(page: DisclosureDocumentPage, validity: str, day: datetime.date, replaced_by) -> None:
    """Publish the validity change as an editor would (a new revision of the document)."""
    page = DisclosureDocumentPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    page.validity, page.validity_date, page.replaced_by = validity, day, replaced_by
    page.save_revision().publish()


def _category_pages(index: DisclosureIndexPage, user) -> None:
    """法定主动公开内容: one page per statutory category (created once)."""
    if DisclosureCategoryPage.objects.exists():
        return
    for category in Classification.objects.of(Facet.CATEGORY).order_by("sort_order"):
        page = DisclosureCategoryPage(title=category.name, slug=f"fd-{category.key or category.pk}", category=category)
        demo.publish_new(index, page, user)


GUIDE = {
    "body_scope": (
        "<p>本机关主动公开的政府信息包括机构职能、规章和行政规范性文件、规划计划、统计信息、行政许可和行政处罚决定、"
        "财政预算决算、行政事业性收费、政府采购、公务员招考、突发公共事件应急预案以及监督检查情况等。</p>"
        "<p>主动公开的政府信息自形成或者变更之日起20个工作日内在本网站“政府信息公开”栏目发布，"
        "并同步在市档案馆、市图书馆和市政务服务中心查阅点提供。</p>"
    ),
    "how_to_apply": (
        "<p>公民、法人或者其他组织可以通过以下方式申请获取政府信息：</p><ol><li>在线申请：在本网站“依申请公开”栏目填写申请表；"
        "</li><li>信函申请：邮寄申请表并在信封上注明“政府信息公开申请”；</li><li>当面申请：到受理机构填写申请表。</li></ol>"
        "<p>申请时请提供姓名或者名称、身份证明、联系方式，所需政府信息的名称、文号或者便于查询的其他特征性描述，"
        "以及获取信息的方式和途径。</p>"
    ),
    "processing": (
        "<p>能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；需要延长答复期限的，"
        "经政府信息公开工作机构负责人同意并告知申请人，延长期限最长不超过20个工作日。</p>"
        "<p>申请内容不明确的，在收到申请之日起7个工作日内一次性告知补正，答复期限自收到补正的申请之日起计算。"
        "征求第三方意见所需时间不计算在答复期限内。</p>"
    ),
    "fees": (
        "<p>提供政府信息不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
        "按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费。</p>"
    ),
    "remedies": (
        "<p>公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向市政务公开办投诉、举报，"
        "也可以依法申请行政复议或者提起行政诉讼。</p>"
    ),
}


def _guide_page(index: DisclosureIndexPage, user) -> None:
    if DisclosureGuidePage.objects.exists():
        return
    page = DisclosureGuidePage(
        title="示范市人民政府信息公开指南",
        slug="gkzn",
        office="示范市人民政府办公室（政务公开办）",
        address="示范市东湖区人民大道100号市民之家A座3楼",
        hours="周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）",
        phone="0999-8800100",
        postcode="999001",
        email="zwgk@shifan.gov.cn",
        **GUIDE,
    )
    demo.publish_new(index, page, user)


@demo.register("disclosure", "政府信息公开", order=40)
def load(context: demo.DemoContext) -> dict[str, int]:
    from .demo_requests import load_report, load_requests
    from .models import AnnualReportPage, DisclosureRequest

    load_disclosure(context.departments, context.admin)
    load_interpretations(context.departments, context.admin)
    load_requests(context.departments, context.admin)
    load_report(context.admin)
    return {
        "公开信息": DisclosureDocumentPage.objects.count(),
        "依申请公开": DisclosureRequest.objects.count(),
        "年度报告": AnnualReportPage.objects.count(),
    }
