"""Demo terminals (with known, public demo keys) and feeds, on the demo halls."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core import demo
from halls.models import Hall

from .forms import fields_of_source
from .models import Feed, FeedSource, Terminal, TerminalKey, TerminalKind
from .service import sync_service_user

# terminal name -> plaintext key ("<8-character prefix>.<32-character secret>"); public demo values.
DEMO_API_KEYS: dict[str, str] = {
    "市政务服务中心排队叫号机": "demoQUE1.q7Lm2Xv9Rt4Kp8Ws3Nd6Hy1Bz5Cf0Ja2",
    "市政务服务中心自助服务终端": "demoKSK1.k3Pw8Zr5Mn1Tx7Qc4Vb9Ls2Hd6Gf0Ye3",
    "市政务服务中心LED显示屏": "demoLED1.e5Rn2Wq8Ys4Uk7Mb1Xc9Tp3Lz6Hv0Dg4",
    "示范市政务服务网（门户网站）": "demoWEB1.w1Bx6Nc3Qm8Rt5Ky2Lp9Vd4Hs7Zg0Jf5",
    "市场监管局业务系统": "demoSCJG.s8Hd3Kq6Wm1Yr9Tn4Bx7Lc2Vp5Zf0Gj6",
}


# What each demo terminal polls while `make run` serves (``manage.py demo_terminals``). The LED
# screen is left out on purpose: it is the demo's example of a terminal that went silent (失联).
DEMO_POLLS: dict[str, str] = {
    "市政务服务中心排队叫号机": "/api/v1/windows/?hall=city-center",
    "市政务服务中心自助服务终端": "/api/v1/matters/?page_size=20",
    "示范市政务服务网（门户网站）": "/api/v1/guides/?page_size=20",
    "市场监管局业务系统": "/api/v1/matters/?page_size=20",
}


@dataclass
class TerminalsResult:
    terminals: int = 0
    feeds: int = 0


@dataclass(frozen=True)
class TerminalSpec:
    name: str
    kind: str
    department: str
    hall: str | None
    scopes: tuple[str, ...]
    interval: int
    seen_minutes_ago: int | None
    contact: str


TERMINALS = [
    TerminalSpec(
        "市政务服务中心排队叫号机",
        TerminalKind.QUEUE,
        "gov_office",
        "city-center",
        (),
        1,
        1,
        "中心信息科 周工 0999-8800016",
    ),
    TerminalSpec(
        "市政务服务中心自助服务终端",
        TerminalKind.KIOSK,
        "gov_office",
        "city-center",
        ("submit_requests",),
        60,
        10,
        "中心信息科 周工 0999-8800016",
    ),
    TerminalSpec(
        "市政务服务中心LED显示屏",
        TerminalKind.SCREEN,
        "gov_office",
        "city-center",
        (),
        5,
        None,
        "中心信息科 周工 0999-8800016",
    ),
    TerminalSpec(
        "示范市政务服务网（门户网站）",
        TerminalKind.PORTAL,
        "gov_office",
        None,
        (),
        15,
        5,
        "市大数据中心 运维值班 0999-8800200",
    ),
    TerminalSpec(
        "市场监管局业务系统",
        TerminalKind.DEPARTMENT_SYSTEM,
        "market",
        None,
        ("read_drafts", "write_matters"),
        1440,
        120,
        "市市场监管局信息中心 0999-8830011",
    ),
]


@dataclass(frozen=True)
class FeedSpec:
    slug: str
    title: str
    description: str
    source: str
    department: str
    halls: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    ordering: str = "-updated"
    size: int = 20
    requires_key: bool = False


FEEDS = [
    FeedSpec(
        "city-hall-notices",
        "市政务服务中心大厅公告",
        "供中心LED显示屏和叫号机滚动显示。",
        FeedSource.NOTICES,
        "gov_office",
        halls=("city-center",),
    ),
    FeedSpec(
        "scjg-kiosk-matters",
        "市场监管事项（自助终端）",
        "自助服务终端“市场监管”栏目列出的事项，只取名称等少数字段。",
        FeedSource.MATTERS,
        "market",
        departments=("market",),
        fields=("id", "name", "department", "updated_at"),
        ordering="name",
        size=50,
    ),
    FeedSpec(
        "latest-documents",
        "最新公开信息",
        "门户网站首页“最新公开”栏目，最新发布在前。",
        FeedSource.DOCUMENTS,
        "gov_office",
        ordering="-published",
        size=10,
    ),
    FeedSpec(
        "city-windows",
        "市政务服务中心窗口",
        "窗口号、名称、进驻部门和开放状态，供大厅导览屏使用。",
        FeedSource.WINDOWS,
        "gov_office",
        halls=("city-center",),
        ordering="name",
        size=100,
    ),
    FeedSpec(
        "all-hall-notices",
        "全市各大厅公告（终端专用）",
        "各级大厅的显示屏和自助终端拉取的公告，须带接口密钥访问。",
        FeedSource.NOTICES,
        "gov_office",
        size=50,
        requires_key=True,
    ),
]


def _tracked(obj, admin):
    obj._history_user = admin
    obj._change_reason = demo.REASON
    return obj


def demo_key(terminal: Terminal, key: str) -> TerminalKey:
    """A key with a known plaintext, stored exactly as ``BaseAPIKeyManager.assign_key`` stores one."""
    prefix, _, _ = key.partition(".")
    hashed = TerminalKey.objects.key_generator.hash(key)
    return TerminalKey.objects.create(
        id=f"{prefix}.{hashed}", prefix=prefix, hashed_key=hashed, name="演示密钥（公开，仅供演示）", terminal=terminal
    )


def _terminals(departments, halls, admin, result: TerminalsResult) -> None:
    now = timezone.now()
    for spec in TERMINALS:
        terminal = Terminal.objects.filter(name=spec.name).first()
        if terminal is None:
            terminal = Terminal(
                name=spec.name,
                kind=spec.kind,
                department=departments[spec.department],
                hall=halls[spec.hall] if spec.hall else None,
                scopes=list(spec.scopes),
                expected_interval=spec.interval,
                contact=spec.contact,
            )
            terminal.full_clean()
            _tracked(terminal, admin).save()
            if spec.seen_minutes_ago is not None:
                seen = now - datetime.timedelta(minutes=spec.seen_minutes_ago)
                Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=seen, last_seen_ip="10.20.1.15")
            sync_service_user(terminal)
            result.terminals += 1
        key = DEMO_API_KEYS[spec.name]
        if not TerminalKey.objects.filter(prefix=key.partition(".")[0]).exists():
            demo_key(terminal, key)


def _feeds(departments, halls, admin, result: TerminalsResult) -> None:
    for spec in FEEDS:
        if Feed.objects.filter(slug=spec.slug).exists():
            continue
        available = {name for name, _ in fields_of_source(spec.source)}
        feed = Feed(
            slug=spec.slug,
            title=spec.title,
            description=spec.description,
            source=spec.source,
            department=departments[spec.department],
            fields=[name for name in spec.fields if name in available],
            ordering=spec.ordering,
            size=spec.size,
            requires_key=spec.requires_key,
        )
        feed.full_clean()
        _tracked(feed, admin).save()
        feed.halls.set([halls[code] for code in spec.halls])
        feed.departments.set([departments[key] for key in spec.departments])
        result.feeds += 1


@demo.register("terminals", "接入终端", order=60)
def load(context: demo.DemoContext) -> dict[str, int]:
    halls = {hall.code: hall for hall in Hall.objects.all()}
    result = TerminalsResult()
    _terminals(context.departments, halls, context.admin, result)
    _feeds(context.departments, halls, context.admin, result)
    context.notes += ["", "演示接入终端密钥（公开的演示值，请求头 Authorization: Api-Key <密钥>）："]
    context.notes += [f"  {key}  {name}" for name, key in DEMO_API_KEYS.items()]
    return {"终端": Terminal.objects.count(), "数据订阅": Feed.objects.count()}
