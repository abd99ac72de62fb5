"""Demo service halls, windows, hall notices, API terminals and feeds.

Five halls on the four levels (the city centre run by the city government office, two district
centres, a street centre and a community station) with about thirty windows: 综合窗口 taking
matters of several departments (无差别受理), 专业窗口 of one department taking only that
department's matters of their line of business (``topics``; the department's ``rest`` window takes
the others), a "一件事" window per demo bundle (``names``), an 出件窗口, a 帮办代办窗口 and one
window closed with a reason. A window takes only matters handled at its hall (their own 办理地点
there, or none given): the marriage registry's and the police hall's matters keep their places.
Notices: one on screens now, one scheduled, one expired, one without end. Terminals at the city
centre and two elsewhere, with demo keys whose plaintext is fixed (``DEMO_API_KEYS``) so the
README can show curl commands; five feeds.

Everything is looked up by its natural key first, so running it again creates nothing. The demo
keys are public: never load the demo data into a production database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import demo
from matters.demo_data import HOURS, PLACES
from matters.models import Matter
from permissions.models import Department

from .models import Hall, HallLevel, Notice, NoticeLevel, Window, WindowKind

REASON = "演示数据"


@dataclass
class HallsResult:
    halls: int = 0
    windows: int = 0
    notices: int = 0


@dataclass(frozen=True)
class HallSpec:
    code: str
    place: str  # key of matters.demo_data.PLACES
    department: str  # key of the demo department that runs it
    level: str
    directions: str
    hours: str = HOURS


HALLS = [
    HallSpec(
        "city-center",
        "city",
        "gov_office",
        HallLevel.CITY,
        "地铁2号线市民之家站B出口步行200米；公交6路、15路、202路市民之家站。中心地下停车场办事群众免费停放2小时。",
        hours=f"{HOURS}；每周六上午9:00-12:00延时服务（综合窗口、出件窗口）。",
    ),
    HallSpec("donghu-center", "donghu", "donghu", HallLevel.COUNTY, "公交9路、22路湖光路站下车即到。"),
    HallSpec("xishan-center", "xishan", "xishan", HallLevel.COUNTY, "公交3路、31路区政府站向东100米。"),
    HallSpec("hubin-center", "hubin", "hubin", HallLevel.TOWN, "公交22路滨湖北路站；街道办事处一楼。"),
    HallSpec("cuihu-station", "cuihu", "cuihu", HallLevel.COMMUNITY, "翠湖花园1栋一楼，社区居委会旁。"),
]


@dataclass(frozen=True)
class WindowSpec:
    hall: str
    number: str
    name: str
    kind: str
    departments: tuple[str, ...]
    with_matters: bool = True
    closed_reason: str = ""
    topics: tuple[str, ...] = ()  # a 专业窗口's line of business: matters whose name contains one
    rest: bool = False  # the department's matters no other 专业窗口 of the hall takes by topic
    names: tuple[str, ...] = ()  # exactly these matters ("一件事" windows)


_CITY_ALL = ("market", "health", "resources", "hrss", "civil", "housing")
WINDOWS: list[WindowSpec] = [
    # 市政务服务中心: 综合窗口 (无差别受理) in zone A, departmental windows as the matters' places say.
    WindowSpec(
        "city-center",
        "A01",
        "综合受理窗口（企业开办）",
        WindowKind.COMPREHENSIVE,
        ("market", "health", "hrss"),
        topics=("企业设立登记", "个体工商户设立登记", "食品经营许可", "公共场所卫生许可", "社会保险登记"),
    ),
    WindowSpec("city-center", "A02", "综合受理窗口（无差别受理）", WindowKind.COMPREHENSIVE, _CITY_ALL),
    WindowSpec("city-center", "A03", "综合受理窗口（无差别受理）", WindowKind.COMPREHENSIVE, _CITY_ALL),
    WindowSpec(
        "city-center",
        "A04",
        "综合受理窗口（无差别受理）",
        WindowKind.COMPREHENSIVE,
        _CITY_ALL,
        closed_reason="工作人员参加业务培训，本窗口暂停服务，请到A02、A03窗口办理。",
    ),
    WindowSpec(
        "city-center", "A05", "市场监管窗口（食品经营）", WindowKind.DEPARTMENTAL, ("market",), topics=("食品",)
    ),
    WindowSpec("city-center", "A06", "市场监管窗口（登记注册）", WindowKind.DEPARTMENTAL, ("market",), rest=True),
    WindowSpec(
        "city-center",
        "A07",
        "市场监管窗口（特种设备）",
        WindowKind.DEPARTMENTAL,
        ("market",),
        topics=("特种设备", "计量", "检验检测", "工业产品"),
    ),
    WindowSpec(
        "city-center",
        "A08",
        "市场监管窗口（知识产权）",
        WindowKind.DEPARTMENTAL,
        ("market",),
        topics=("专利", "商标", "知识产权", "广告", "股权出质"),
    ),
    WindowSpec(
        "city-center",
        "B10",
        "退休“一件事”综合窗口",
        WindowKind.COMPREHENSIVE,
        ("hrss", "donghu_hrss", "donghu_civil"),
        names=("基本养老保险待遇申领", "退休人员社会化管理服务", "老年人优待证办理"),
    ),
    WindowSpec(
        "city-center",
        "B11",
        "人力资源社会保障窗口（就业创业）",
        WindowKind.DEPARTMENTAL,
        ("hrss",),
        topics=("就业", "失业", "创业", "技能提升", "人力资源服务", "劳务派遣"),
    ),
    WindowSpec("city-center", "B12", "人力资源社会保障窗口（社会保险）", WindowKind.DEPARTMENTAL, ("hrss",), rest=True),
    WindowSpec(
        "city-center",
        "B13",
        "人力资源社会保障窗口（人才服务）",
        WindowKind.DEPARTMENTAL,
        ("hrss",),
        topics=("职业技能等级", "人才"),
    ),
    WindowSpec(
        "city-center",
        "C20",
        "出生“一件事”综合窗口",
        WindowKind.COMPREHENSIVE,
        ("health", "police", "hrss"),
        names=("出生医学证明办理", "出生登记", "预防接种证办理", "社会保障卡申领"),
    ),
    WindowSpec("city-center", "C21", "卫生健康窗口（医疗机构）", WindowKind.DEPARTMENTAL, ("health",), rest=True),
    WindowSpec(
        "city-center", "C22", "卫生健康窗口（执业注册）", WindowKind.DEPARTMENTAL, ("health",), topics=("执业注册",)
    ),
    WindowSpec(
        "city-center",
        "D25",
        "民政窗口（社会组织）",
        WindowKind.DEPARTMENTAL,
        ("civil",),
        topics=("社会团体", "民办非企业", "慈善", "养老机构", "地名"),
    ),
    WindowSpec("city-center", "D26", "民政窗口（社会救助）", WindowKind.DEPARTMENTAL, ("civil",), rest=True),
    WindowSpec(
        "city-center",
        "E31",
        "自然资源和规划窗口（不动产登记）",
        WindowKind.DEPARTMENTAL,
        ("resources",),
        topics=("不动产",),
    ),
    WindowSpec(
        "city-center", "E32", "自然资源和规划窗口（规划许可）", WindowKind.DEPARTMENTAL, ("resources",), rest=True
    ),
    WindowSpec("city-center", "E37", "住房城乡建设窗口（施工许可）", WindowKind.DEPARTMENTAL, ("housing",), rest=True),
    WindowSpec(
        "city-center",
        "E38",
        "住房城乡建设窗口（资质管理）",
        WindowKind.DEPARTMENTAL,
        ("housing",),
        topics=("资质", "燃气经营"),
    ),
    WindowSpec("city-center", "F50", "统一出件窗口", WindowKind.COLLECTION, _CITY_ALL, with_matters=False),
    WindowSpec("city-center", "F51", "统一出件窗口（邮寄送达）", WindowKind.COLLECTION, _CITY_ALL, with_matters=False),
    WindowSpec("city-center", "F60", "帮办代办窗口（爱心窗口）", WindowKind.HELP, _CITY_ALL, with_matters=False),
    # 东湖区政务服务中心
    WindowSpec(
        "donghu-center",
        "01",
        "综合受理窗口（无差别受理）",
        WindowKind.COMPREHENSIVE,
        ("donghu_market", "donghu_civil", "donghu_hrss"),
    ),
    WindowSpec(
        "donghu-center",
        "02",
        "综合受理窗口（无差别受理）",
        WindowKind.COMPREHENSIVE,
        ("donghu_market", "donghu_civil", "donghu_hrss"),
    ),
    WindowSpec("donghu-center", "03", "市场监管专业窗口", WindowKind.DEPARTMENTAL, ("donghu_market",)),
    WindowSpec(
        "donghu-center",
        "05",
        "“高效办成一件事”综合窗口",
        WindowKind.COMPREHENSIVE,
        ("donghu_market", "housing", "hrss"),
        names=("个体工商户设立登记（东湖区）", "食品经营许可（东湖区）", "城镇污水排入排水管网许可", "社会保险登记"),
    ),
    WindowSpec(
        "donghu-center",
        "09",
        "出件窗口",
        WindowKind.COLLECTION,
        ("donghu_market", "donghu_civil", "donghu_hrss"),
        with_matters=False,
    ),
    # 西山区政务服务中心
    WindowSpec(
        "xishan-center",
        "01",
        "综合受理窗口（无差别受理）",
        WindowKind.COMPREHENSIVE,
        ("xishan_market", "xishan_health", "xishan_housing"),
    ),
    WindowSpec("xishan-center", "02", "卫生健康专业窗口", WindowKind.DEPARTMENTAL, ("xishan_health",)),
    WindowSpec(
        "xishan-center",
        "09",
        "出件窗口",
        WindowKind.COLLECTION,
        ("xishan_market", "xishan_health", "xishan_housing"),
        with_matters=False,
    ),
    # 湖滨街道便民服务中心 and 翠湖社区便民服务站
    WindowSpec("hubin-center", "1", "综合便民服务窗口", WindowKind.COMPREHENSIVE, ("hubin",)),
    WindowSpec("hubin-center", "2", "社保医保窗口", WindowKind.DEPARTMENTAL, ("hubin",)),
    WindowSpec("cuihu-station", "1", "便民代办窗口", WindowKind.HELP, ("cuihu",)),
]


@dataclass(frozen=True)
class NoticeSpec:
    title: str
    text: str
    level: str
    halls: tuple[str, ...]
    starts_days: float  # relative to now
    ends_days: float | None


NOTICES = [
    NoticeSpec(
        "市政务服务中心推行“周六不打烊”延时服务",
        "每周六上午9:00-12:00，一楼综合受理窗口和统一出件窗口照常办理企业开办、社保、不动产登记等高频事项。",
        NoticeLevel.INFO,
        ("city-center",),
        -3,
        60,
    ),
    NoticeSpec(
        "业务系统升级期间暂停部分事项办理",
        "因省一体化政务服务平台升级，届时暂停企业登记注册、不动产登记事项的受理，其他事项正常办理，请合理安排办事时间。",
        NoticeLevel.IMPORTANT,
        ("city-center",),
        7,
        8,
    ),
    NoticeSpec(
        "二楼窗口临时调整至一楼办理",
        "因二楼空调系统检修，卫生健康、民政窗口临时调整至一楼B区办理，检修结束后恢复。急需咨询的可拨打12345政务服务便民热线。",
        NoticeLevel.IMPORTANT,
        ("city-center",),
        -40,
        -30,
    ),
    NoticeSpec(
        "网上预约取号，减少排队等候",
        "办事群众可通过“示范市民”App或大厅自助服务终端预约取号，按预约时段到场办理；老年人、残疾人可到帮办代办窗口优先办理。",
        NoticeLevel.INFO,
        ("city-center",),
        -100,
        None,
    ),
    NoticeSpec(
        "东湖区政务服务中心停车场施工",
        "中心停车场施工期间暂停使用，请办事群众绿色出行或就近停放在湖光路公共停车场。",
        NoticeLevel.URGENT,
        ("donghu-center",),
        -1,
        20,
    ),
]


def _tracked(obj, admin):
    obj._change_reason = REASON
    obj._history_user = admin
    return obj


def _halls(departments: dict[str, Department], admin, result: HallsResult) -> dict[str, Hall]:
    halls: dict[str, Hall] = {}
    for order, spec in enumerate(HALLS, start=1):
        hall = Hall.objects.filter(code=spec.code).first()
        if hall is None:
            name, address, phone, _ = PLACES[spec.place]
            hall = Hall(
                code=spec.code,
                name=name,
                level=spec.level,
                department=departments[spec.department],
                address=address,
                phone=phone,
                hours=PLACES[spec.place][3] if spec.place == "cuihu" else spec.hours,
                directions=spec.directions,
                sort_order=order * 10,
            )
            hall.full_clean()
            _tracked(hall, admin).save()
            result.halls += 1
        halls[spec.code] = hall
    return halls


def _window_matters(spec: WindowSpec, hall: Hall, stationed: list[Department]) -> list[Matter]:
    """The matters a demo window takes: see the module's docstring."""
    public = Matter.public_queryset().filter(department__in=stationed)
    if spec.names:
        return list(public.filter(name__in=spec.names))
    here = public.filter(Q(places__address=hall.address) | Q(places__isnull=True)).distinct().order_by("pk")
    if spec.topics:
        return [m for m in here if any(topic in m.name for topic in spec.topics)]
    if spec.rest:
        siblings = [
            topic
            for other in WINDOWS
            if other.hall == spec.hall and other.kind == spec.kind and other.departments == spec.departments
            for topic in other.topics
        ]
        return [m for m in here if not any(topic in m.name for topic in siblings)]
    return list(here)


def _windows(departments, halls, admin, result: HallsResult) -> None:
    for order, spec in enumerate(WINDOWS, start=1):
        hall = halls[spec.hall]
        if Window.objects.filter(hall=hall, number=spec.number).exists():
            continue
        window = Window(
            hall=hall,
            department=hall.department,
            number=spec.number,
            name=spec.name,
            kind=spec.kind,
            is_open=not spec.closed_reason,
            closed_reason=spec.closed_reason,
            sort_order=order * 10,
        )
        window.full_clean()
        _tracked(window, admin).save()
        stationed = [departments[key] for key in spec.departments]
        window.departments.set(stationed)
        if spec.with_matters:
            window.matters.set(_window_matters(spec, hall, stationed))
        result.windows += 1


def _notices(halls, admin, result: HallsResult) -> None:
    # Validity windows start and end at 8 o'clock local time, counted from today.
    base = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    for spec in NOTICES:
        if Notice.objects.filter(title=spec.title).exists():
            continue
        notice = Notice(
            title=spec.title,
            text=spec.text,
            level=spec.level,
            department=halls[spec.halls[0]].department,
            starts_at=base + datetime.timedelta(days=spec.starts_days),
            ends_at=base + datetime.timedelta(days=spec.ends_days) if spec.ends_days is not None else None,
        )
        notice.full_clean(exclude=["halls"])
        _tracked(notice, admin).save()
        notice.halls.set([halls[code] for code in spec.halls])
        result.notices += 1


@transaction.atomic
def load_halls(departments: dict[str, Department], admin) -> HallsResult:
    """Create the demo halls, windows and notices once."""
    result = HallsResult()
    halls = _halls(departments, admin, result)
    _windows(departments, halls, admin, result)
    _notices(halls, admin, result)
    return result


@demo.register("halls", "服务大厅", order=50)
def load(context: demo.DemoContext) -> dict[str, int]:
    load_halls(context.departments, context.admin)
    return {"大厅": Hall.objects.count(), "窗口": Window.objects.count(), "公告": Notice.objects.count()}
