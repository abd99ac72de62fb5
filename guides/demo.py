"""Demo service guides: a guide for every published demo matter and three "一件事" bundles.

A guide adds only what a guide has (tips, FAQ, forms to download, location, related guides);
everything else is the matter's. Two guides are left "matter changed since last review" so
the staleness flag has something to show, and the suspended and cancelled matters keep their
guides so visitors see how that is said. Running it again creates nothing new.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin
from wagtail.documents import get_document_model

from core import demo
from matters.models import Matter, MatterStatus
from permissions.models import Department

from .models import BundleGuidePage, BundleMember, GuidePage, GuideSectionPage

CITY_CENTRE = {
    "name": "示范市政务服务中心",
    "address": "示范市东湖区人民大道100号",
    "longitude": "114.305215",
    "latitude": "30.592935",
    "transport": "地铁2号线市民之家站B出口步行200米；公交6路、15路、202路市民之家站。",
    "parking": "中心地下停车场办事群众免费停放2小时。",
    "accessibility": "一楼东门设无障碍通道，综合服务台可借用轮椅、老花镜；设有“爱心窗口”优先办理。",
}
DONGHU_CENTRE = {
    "name": "东湖区政务服务中心",
    "address": "示范市东湖区湖滨路28号",
    "longitude": "114.329310",
    "latitude": "30.575120",
    "transport": "公交9路、22路湖滨路站。",
    "parking": "",
    "accessibility": "设无障碍通道和爱心窗口。",
}
XISHAN_CENTRE = {
    "name": "西山区政务服务中心",
    "address": "示范市西山区青年路66号",
    "longitude": "114.241870",
    "latitude": "30.610430",
    "transport": "公交3路、31路区政府站。",
    "parking": "",
    "accessibility": "设无障碍通道和爱心窗口。",
}

ACCEPT_TIP = (
    "<p>材料齐全、符合法定形式的，窗口当场受理并出具受理通知书；材料不齐全的，窗口一次性告知需要补正的全部内容。</p>"
)
ONLINE_TIP = "<p>本事项可全程网上办理，无需到现场。登录示范市政务服务网，使用电子营业执照或个人实名账号办理。</p>"
ELDERLY_TIP = "<p>行动不便的老年人、残疾人可拨打 12345 预约上门服务或由社区代办；窗口设有“爱心窗口”，优先办理。</p>"

FAQ_BY_TYPE = {
    "行政许可": [
        ("材料可以在网上提交吗？", "<p>可以。登录示范市政务服务网提交电子材料，审查通过后凭受理通知书领取结果。</p>"),
        ("许可证到期了怎么办？", "<p>请在有效期届满30个工作日前提出延续申请，逾期需重新申请。</p>"),
    ],
    "行政确认": [
        ("可以委托他人办理吗？", "<p>可以。受托人须携带委托书和本人有效身份证件。</p>"),
        ("办理结果怎么领取？", "<p>可以窗口领取，也可以选择邮寄送达（邮费由政府承担）。</p>"),
    ],
    "行政给付": [
        ("多久能收到款项？", "<p>审核通过后，款项在次月15日前发放到申请人社会保障卡银行账户。</p>"),
        ("不符合条件会通知我吗？", "<p>会。不予批准的，书面告知理由和申请行政复议、提起行政诉讼的途径。</p>"),
    ],
}
FAQ_DEFAULT = [
    ("需要预约吗？", "<p>不需要预约，工作时间到窗口取号即可；也可通过“示范市民”App 预约，减少等候。</p>"),
    ("办理有疑问找谁？", "<p>请拨打政务服务便民热线 12345，或直接咨询办理窗口。</p>"),
]

# Forms to download for a few guides: (matter name, form title).
DOWNLOADS = {
    "食品经营许可": "食品经营许可申请书",
    "企业设立登记": "企业设立登记（备案）申请书",
    "医疗机构执业登记": "医疗机构执业登记申请书",
    "社会团体成立登记": "社会团体成立登记申请表",
    "公共租赁住房申请": "公共租赁住房申请表",
    "工伤认定": "工伤认定申请表",
}

# Matters whose guides are made stale after review: (name, new promised limit, note).
STALE_DEMO = [
    ("居民身份证换领", 10, "自2026年12月起压缩为10个工作日"),
    ("社会保障卡申领", 1, "即时制卡网点当场领卡，其他网点1个工作日"),
]


@dataclass(frozen=True)
class DemoBundle:
    department: str
    title: str
    slug: str
    summary: str
    windows_note: str
    promised_total: int | None
    members: tuple[tuple[str, str, int, str], ...]  # (department key, matter name, stage, note)
    tip: str


BUNDLES = [
    DemoBundle(
        "donghu_market",
        "开办餐饮店“一件事”",
        "kaibancanyindian",
        "在东湖区开一家餐馆、小吃店：营业执照、食品经营许可、排水许可和员工参保一次办。",
        "东湖区政务服务中心一楼“高效办成一件事”综合窗口（1号至3号窗口），一次提交全部材料。",
        10,
        (
            ("donghu_market", "个体工商户设立登记（东湖区）", 1, "以公司形式开办的，改为办理企业设立登记。"),
            ("donghu_market", "食品经营许可（东湖区）", 2, ""),
            ("housing", "城镇污水排入排水管网许可", 2, "餐饮油烟、含油废水排入市政管网前须取得许可。"),
            ("hrss", "社会保险登记", 2, "招用员工的，自用工之日起30日内办理。"),
        ),
        "<p>营业执照、食品经营许可、排水许可同时审查，综合窗口统一出件，最快10个工作日办完。</p>",
    ),
    DemoBundle(
        "health",
        "新生儿出生“一件事”",
        "xinshengerchusheng",
        "宝宝出生后，出生医学证明、户口登记、预防接种证、社会保障卡一次办好。",
        "各助产医院“出生一件事”服务点，或市政务服务中心二楼综合窗口。",
        None,
        (
            ("health", "出生医学证明办理", 1, "在出生的助产机构办理。"),
            ("police", "出生登记", 2, "取得出生医学证明后办理户口登记。"),
            ("health", "预防接种证办理", 2, ""),
            ("hrss", "社会保障卡申领", 3, "户口登记后即可申领，可选择邮寄到家。"),
        ),
        "<p>父母双方的身份证件只需提交一次，出生医学证明信息由卫生健康部门共享给公安、人社部门。</p>",
    ),
    DemoBundle(
        "hrss",
        "退休“一件事”",
        "tuixiu",
        "到了退休年龄：养老金申领、退休人员社会化管理、老年人优待证一次办理。",
        "市政务服务中心二楼人社综合窗口；东湖区居民也可到东湖区政务服务中心办理。",
        None,
        (
            ("hrss", "基本养老保险待遇申领", 1, ""),
            ("donghu_hrss", "退休人员社会化管理服务", 2, "退休后纳入居住地街道（社区）管理服务。"),
            ("donghu_civil", "老年人优待证办理", 2, "年满60周岁的可同时申办。"),
        ),
        "<p>提前三个月可以预约退休“一件事”，工作人员会电话告知需要准备的材料。</p>",
    ),
]


def _block(kind: str, value: dict) -> dict:
    """A StreamField block in its stored (JSON) form."""
    return {"type": kind, "value": value}


def _slug(text: str, taken: set[str]) -> str:
    base = slugify("".join(lazy_pinyin(text, style=Style.FIRST_LETTER))) or "guide"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _summary(matter: Matter) -> str:
    """Who needs the guide and why, in words; never a copy of a time limit or a fee."""
    objects = "、".join(t.name for t in matter.service_objects.all()[:2]) or "申请人"
    return f"{objects}办理{matter.name}需要知道的条件、材料、流程和办理地点。"


def _pdf_form(title: str, sample: bool) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from guides.pdf import FONT

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(A4[0] / 2, A4[1] - 80, title + ("（填写示例）" if sample else ""))
    pdf.setFont(FONT, 12)
    y = A4[1] - 140
    for label, example in [
        ("申请人（单位）名称", "示范市湖滨餐饮有限公司"),
        ("统一社会信用代码/身份证号码", "91990102MA0000000X"),
        ("联系人", "张三"),
        ("联系电话", "0999-88886666"),
        ("住所（经营场所）", "示范市东湖区湖滨路18号"),
        ("申请事项", title.replace("申请书", "").replace("申请表", "")),
    ]:
        pdf.drawString(60, y, f"{label}：" + (example if sample else "_" * 30))
        y -= 36
    pdf.drawString(60, y - 20, "申请人（签字/盖章）：" + ("张三" if sample else "") + "        年    月    日")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _document(title: str, sample: bool):
    Document = get_document_model()
    full_title = title + ("（填写示例）" if sample else "（空白）")
    existing = Document.objects.filter(title=full_title).first()
    if existing is not None:
        return existing
    document = Document(title=full_title)
    name = slugify("".join(lazy_pinyin(title, style=Style.FIRST_LETTER))) + ("-sample" if sample else "-blank")
    document.file.save(f"{name}.pdf", ContentFile(_pdf_form(title, sample)), save=False)
    document.save()
    return document


def _centre(department: Department) -> dict:
    """The service centre where a department's matters are handled."""
    if "东湖区" in department.name:
        return DONGHU_CENTRE
    if "西山区" in department.name:
        return XISHAN_CENTRE
    return CITY_CENTRE


def _guide_body(matter: Matter) -> list[dict]:
    tips = [ACCEPT_TIP]
    if matter.visits == 0:
        tips.append(ONLINE_TIP)
    body = [_block("notice", {"kind": "tip", "title": "温馨提示", "text": "".join(tips)})]
    if any(t.key == "natural_person" for t in matter.service_objects.all()):
        body.append(_block("notice", {"kind": "notice", "title": "适老化服务", "text": ELDERLY_TIP}))
    if matter.name in DOWNLOADS:
        title = DOWNLOADS[matter.name]
        body.append(
            _block(
                "downloads",
                {
                    "heading": "表格下载",
                    "items": [
                        {
                            "title": title,
                            "blank": _document(title, sample=False).pk,
                            "sample": _document(title, sample=True).pk,
                            "note": "请用黑色签字笔填写，不得涂改。",
                        }
                    ],
                },
            )
        )
    faq = FAQ_BY_TYPE.get(matter.matter_type.name, FAQ_DEFAULT)
    body.append(_block("faq", {"heading": "办事指南常见问题", "items": [{"question": q, "answer": a} for q, a in faq]}))
    body.append(_block("location", _centre(matter.department)))
    return body


@dataclass
class GuideResult:
    guides: int = 0
    bundles: int = 0


def load_guides(user) -> GuideResult:
    """Create the missing demo guides and bundles, published as ``user``."""
    result = GuideResult()
    sections = {s.department_id: s for s in GuideSectionPage.objects.all()}
    guided = set(GuidePage.objects.values_list("matter_id", flat=True))
    matters = (
        Matter.objects.filter(live=True, matter_type__applied_for=True)
        .exclude(pk__in=guided)
        .select_related("department", "matter_type")
        .prefetch_related("service_objects")
        .order_by("department__sort_order", "implementation_code")
    )
    slugs: dict[int, set[str]] = {}
    created: dict[str, GuidePage] = {}
    for matter in matters:
        section = sections.get(matter.department_id)
        if section is None:
            continue
        taken = slugs.setdefault(section.pk, set(section.get_children().values_list("slug", flat=True)))
        guide = GuidePage(
            title=f"{matter.name}办事指南",
            slug=_slug(matter.name, taken),
            matter=matter,
            summary=_summary(matter),
            body=_guide_body(matter),
            owner=user,
        )
        demo.publish_new(section, guide, user, log_revision=True)
        created[matter.name] = guide
        result.guides += 1
    result.bundles = _load_bundles(user)
    if created:
        _make_stale(user, created)
    return result


def _load_bundles(user) -> int:
    made = 0
    departments = {d.short_name: d for d in Department.objects.all()}
    from permissions.demo_data import DEPARTMENTS

    by_key = {spec.key: departments[spec.short_name] for spec in DEPARTMENTS if spec.short_name in departments}
    for spec in BUNDLES:
        section = GuideSectionPage.objects.filter(department=by_key[spec.department]).first()
        if section is None or BundleGuidePage.objects.filter(slug=spec.slug).exists():
            continue
        members = []
        for order, (dept_key, name, stage, note) in enumerate(spec.members):
            matter = Matter.objects.get(department=by_key[dept_key], name=name)
            members.append(BundleMember(matter=matter, stage=stage, note=note, sort_order=order))
        related = GuidePage.objects.filter(matter__in=[m.matter for m in members]).live()
        body = [_block("notice", {"kind": "tip", "title": "一次告知、一表申请、一套材料", "text": spec.tip})]
        if related:
            body.append(_block("related_guides", {"heading": "各事项的办事指南", "pages": [p.pk for p in related]}))
        bundle = BundleGuidePage(
            title=spec.title,
            slug=spec.slug,
            summary=spec.summary,
            windows_note=spec.windows_note,
            promised_total=spec.promised_total,
            body=body,
            owner=user,
        )
        bundle.members = members
        demo.publish_new(section, bundle, user, log_revision=True)
        made += 1
    return made


def _make_stale(user, created: dict[str, GuidePage]) -> None:
    """Publish a change to two matters after their guides were reviewed (a realistic backlog)."""
    for name, promised, note in STALE_DEMO:
        guide = created.get(name)
        if guide is None:
            continue
        matter = Matter.objects.get(pk=guide.matter_id)
        if matter.status != MatterStatus.IN_FORCE:
            continue
        draft = matter.get_latest_revision_as_object()
        draft.promised_limit = promised
        draft.promised_limit_note = note
        draft.save_revision(user=user).publish(user=user)


@demo.register("guides", "办事指南", order=30)
def load(context: demo.DemoContext) -> dict[str, int]:
    made = load_guides(context.admin)
    return {
        "办事指南": GuidePage.objects.count(),
        "“一件事”指南": BundleGuidePage.objects.count(),
        "本次新增": made.guides + made.bundles,
    }
