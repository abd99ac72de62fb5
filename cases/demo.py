"""Six months of demo cases (办件) across the demo halls and departments, built in bulk.

About twenty a working day, as the matters' own promises and the halls' windows make them
likely: 即办件 done on the spot, 承诺件 accepted at a window or after an online pre-review,
some sent a 补正告知 first, some through a 特别程序, a few rejected or withdrawn, most done early,
some late — and, today, cases running green, yellow and red, with 督办 on some red ones and the
departments' answers. The rows are what ``cases.flow`` would have written for the same steps
(numbers, frozen matter data, encrypted applicants, steps, notices, the clock on the working-day
calendar) but written with ``bulk_create``: stepping two thousand cases through the flow one
row lock at a time would add a minute to ``load_demo``.

One case is fixed for the README's walk-through: the first case of the market regulator's
``DEMO_CASE_PHONE`` applicant, lookup code ``DEMO_LOOKUP_CODE``.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import demo
from core.identity import resident_id_check_char
from core.pii import keyed_hash
from matters.models import Matter
from permissions.demo_data import credit_code
from workdays import service as workdays

from . import clock
from .models import (
    Case,
    CaseAlert,
    CaseCounter,
    CaseMaterial,
    CaseNotice,
    CaseState,
    CaseStep,
    Channel,
    Light,
    NoticeKind,
    NoticeStatus,
    OrderState,
    SpecialKind,
    SpecialProcedure,
    SupervisionOrder,
)

DEMO_CASE_PHONE = "13800001234"
DEMO_LOOKUP_CODE = "DEMAC2SE"
DAYS = 182
SEED = 20261204
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉力鹏飞斌宇浩凯晨欣怡佳琪梓涵子轩一诺雨桐思远"
COMPANY_WORDS = ("鑫源", "华泰", "恒达", "瑞丰", "金桥", "天成", "宏图", "新禾", "博远", "嘉禾", "东润", "南山")
COMPANY_KINDS = (
    "餐饮管理有限公司",
    "商贸有限公司",
    "建筑工程有限公司",
    "科技有限公司",
    "医疗器械有限公司",
    "物业服务有限公司",
)


def _resident_id(rng: random.Random) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
    first = f"990102{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first + resident_id_check_char(first)


def _phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "150", "186", "177", "199")) + f"{rng.randrange(10**8):08d}"


def _applicant(rng: random.Random, serial: int) -> dict:
    if rng.random() < 0.3:
        name = "示范市" + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
        return {
            "applicant_kind": "organisation",
            "applicant_name": name,
            "id_type": "credit_code",
            "id_number": credit_code("91", "990100", f"{30000000 + serial:08d}"),
            "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
        }
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return {
        "applicant_kind": "person",
        "applicant_name": rng.choice(SURNAMES) + given,
        "id_type": "resident_id",
        "id_number": _resident_id(rng),
    }


class _Builder:
    """Plans the cases of one working day after another, then writes everything in bulk."""

    def __init__(self, today: datetime.date, actors: dict) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, not a secret)
        self.today = today
        self.actors = actors
        self.cases: list[Case] = []
        self.steps: list[list[CaseStep]] = []
        self.materials: list[list[CaseMaterial]] = []
        self.notices: list[list[CaseNotice]] = []
        self.specials: list[list[SpecialProcedure]] = []

    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return workdays.due_date(day, n).value

    def plan(self, matter: Matter, windows: list, day: datetime.date, serial: int) -> None:
        rng = self.rng
        roll = rng.random()
        online_ok = matter.online_depth_id is not None
        if windows and roll < 0.55:
            channel, window = Channel.WINDOW, rng.choice(windows)
        elif online_ok and roll < 0.85:
            channel, window = (Channel.ONLINE if rng.random() < 0.8 else Channel.MOBILE), None
        elif windows and roll < 0.9:
            channel, window = Channel.KIOSK, rng.choice(windows)
        else:
            channel, window = Channel.PUSHED, None
        applied_at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60)))
        )
        who = _applicant(rng, serial)
        phone = DEMO_CASE_PHONE if serial == 0 else _phone(rng)
        department = matter.department
        case = Case(
            department=department,
            lookup_code=DEMO_LOOKUP_CODE if serial == 0 else Case._meta.get_field("lookup_code").default(),
            matter=matter,
            matter_name=matter.name,
            matter_code=matter.implementation_code,
            matter_revision=matter.live_revision_id,
            promised_limit=matter.promised_limit,
            statutory_limit=matter.statutory_limit,
            immediate=matter.promised_limit == 0,
            level=self.levels.get(matter.pk, ""),
            phone=phone,
            phone_hash=keyed_hash(phone),
            email="",
            channel=channel,
            hall=window.hall if window else None,
            window=window,
            external_id=f"HALL-{serial:06d}" if channel == Channel.PUSHED else "",
            applied_at=applied_at,
            visits=1 if channel == Channel.WINDOW else 0,
            state=CaseState.APPLIED,
            **who,
        )
        case.id_number_hash = keyed_hash(case.id_number)
        actor = self.actors.get(department.pk) or self.actors.get(None)
        actor_name = (actor.get_full_name() if actor else "") or "窗口工作人员"
        steps = [
            CaseStep(
                action="apply",
                label="申请",
                to_state=CaseState.APPLIED,
                on=day,
                at=applied_at,
                actor_name=who["applicant_name"] if channel != Channel.PUSHED else "大厅综合受理系统",
                note=f"通过{Channel(channel).label}提交申请",
            )
        ]
        notices = [
            self._notice(
                case,
                NoticeKind.RECEIVED,
                f"您的办件申请已收到（{case.number}）",
                f"您申请的“{case.matter_name}”已收到，办件编号 {case.number}。",
                applied_at,
            )
        ]
        materials = [
            CaseMaterial(name=m.name, necessity=m.necessity, received=True, sort_order=i)
            for i, m in enumerate(x for x in matter.materials.all() if not x.exempt)
        ]
        specials: list[SpecialProcedure] = []
        state = CaseState.APPLIED

        def step(action: str, label: str, to: str, on: datetime.date, note: str = "") -> bool:
            nonlocal state
            if on > self.today:
                return False
            at = timezone.make_aware(
                datetime.datetime.combine(on, datetime.time(10 + rng.randrange(7), rng.randrange(60)))
            )
            steps.append(
                CaseStep(
                    action=action,
                    label=label,
                    from_state=state,
                    to_state=to,
                    on=on,
                    at=max(at, applied_at),
                    actor_name=actor_name,
                    note=note,
                )
            )
            state = to
            return True

        received = clock.received_on(case)
        if case.immediate:
            if step("complete_now", "当场办结", CaseState.APPROVED, day):
                case.accepted_on = case.completed_on = day
            self._finish(case, steps, notices, materials, specials, state, step)
            return
        fate = rng.random()
        accept_on = (
            received
            if channel in (Channel.WINDOW, Channel.KIOSK, Channel.PUSHED)
            else self.wd(received, rng.choice((0, 1, 1, 2)))
        )
        if fate < 0.02:
            step("prereview", "预审", CaseState.PREREVIEW, received)
            step(
                "reject",
                "不予受理",
                CaseState.REJECTED,
                accept_on,
                "申请事项不属于本机关职权范围，已告知向有权机关申请",
            )
            case.closed_on = accept_on if state == CaseState.REJECTED else None
            self._finish(case, steps, notices, materials, specials, state, step)
            return
        if fate < 0.12 and materials:
            told = self.wd(received, rng.choice((0, 1, 2)))
            bad = rng.sample(range(len(materials)), k=min(len(materials), rng.choice((1, 1, 2))))
            named = []
            for i in bad:
                materials[i].defect = rng.choice(("未签字盖章", "复印件不清晰", "已过有效期", "与原件不一致"))
                named.append(f"{materials[i].name}：{materials[i].defect}")
            if step("amend", "补正告知", CaseState.AMENDMENT, told, "；".join(named)):
                case.amendments = 1
                notices.append(
                    self._notice(
                        case,
                        NoticeKind.AMENDMENT,
                        f"补正告知（{case.number}）",
                        "您申请的“" + case.matter_name + "”需要补正以下全部内容：\n" + "\n".join(named),
                        told,
                    )
                )
                back = self.wd(told, rng.choice((1, 2, 3, 5, 8)))
                if step("resubmit", "提交补正材料", CaseState.PREREVIEW, back):
                    case.visits += 1 if channel == Channel.WINDOW else 0
                    accept_on = back
                else:
                    for i in bad:
                        materials[i].received = False
                    self._finish(case, steps, notices, materials, specials, state, step)
                    return
        elif fate < 0.14:
            if step("withdraw", "撤回申请", CaseState.WITHDRAWN, accept_on, "申请人申请撤回"):
                case.closed_on = accept_on
            self._finish(case, steps, notices, materials, specials, state, step)
            return
        if not step("accept", "受理", CaseState.ACCEPTED, accept_on):
            self._finish(case, steps, notices, materials, specials, state, step)
            return
        case.accepted_on = accept_on
        promised = case.promised_limit
        start = self.wd(accept_on, 1)
        step("handle", "审查办理", CaseState.HANDLING, start)
        special_days = 0
        if promised >= 5 and rng.random() < 0.06:
            begin = self.wd(accept_on, max(1, promised // 3))
            kind = rng.choice(
                (SpecialKind.EXPERT_REVIEW, SpecialKind.INSPECTION, SpecialKind.PUBLICITY, SpecialKind.HEARING)
            )
            length = rng.choice((3, 5, 7))
            end = self.wd(begin, length - 1)
            if step("special_start", "启动特别程序", CaseState.SPECIAL, begin, f"{SpecialKind(kind).label}"):
                finished = end <= self.today
                specials.append(
                    SpecialProcedure(kind=kind, started_on=begin, ended_on=end if finished else None, note="演示数据")
                )
                if finished and step("special_end", "特别程序结束", CaseState.HANDLING, end):
                    special_days = length
                else:
                    self._finish(case, steps, notices, materials, specials, state, step)
                    return
        late = rng.random()
        if (self.today - day).days < 40 and rng.random() < 0.12:
            used = promised + special_days + 30  # still open today: overdue (red) unless just accepted
        elif late < 0.04:
            used = promised + special_days + rng.choice((1, 2, 3))
        elif late < 0.15:
            used = promised + special_days
        else:
            used = max(1, round((promised + special_days) * rng.uniform(0.25, 0.85)))
        done = self.wd(accept_on, used)
        if rng.random() < 0.05 and step("deny", "办结（不予许可）", CaseState.DENIED, done, "经审查不符合法定条件"):
            case.completed_on, case.outcome_note = done, "经审查不符合法定条件"
        elif step("approve", "办结（准予）", CaseState.APPROVED, done, "准予许可"):
            case.completed_on = done
        if case.completed_on and rng.random() < 0.8:
            handed = self.wd(done, rng.choice((0, 1, 2)))
            if step("deliver", "出件送达", CaseState.DELIVERED, handed):
                case.delivered_on = handed
        self._finish(case, steps, notices, materials, specials, state, step)

    def _notice(self, case: Case, kind: str, subject: str, body: str, when) -> CaseNotice:
        if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
            when = timezone.make_aware(datetime.datetime.combine(when, datetime.time(17)))
        return CaseNotice(
            kind=kind,
            channel="sms",
            recipient=case.phone[:3] + "****" + case.phone[-4:],
            subject=subject,
            body=body,
            status=NoticeStatus.SENT,
            sent_at=when,
        )

    def _finish(self, case, steps, notices, materials, specials, state, step) -> None:
        case.state = state
        if case.accepted_on:
            reading = clock.read(case, procedures=specials, today=self.today)
            clock.apply(case, reading)
            notices.append(
                self._notice(
                    case,
                    NoticeKind.ACCEPTED,
                    f"您的办件已受理（{case.number}）",
                    f"您申请的“{case.matter_name}”已于{case.accepted_on:%Y年%m月%d日}受理，承诺于{case.due_date:%Y年%m月%d日}前办结。",
                    case.accepted_on,
                )
            )
        if case.completed_on:
            notices.append(
                self._notice(
                    case,
                    NoticeKind.COMPLETED,
                    f"办结通知（{case.number}）",
                    f"您申请的“{case.matter_name}”已于{case.completed_on:%Y年%m月%d日}办结。",
                    case.completed_on,
                )
            )
        case.light = clock.light_of(case, self.today)
        case.light_since = self.today if case.light else None
        case.revision = len(steps) - 1
        self.cases.append(case)
        self.steps.append(steps)
        self.materials.append(materials)
        self.notices.append(notices)
        self.specials.append(specials)


@demo.register("cases", "办件", order=55)
def load(context: demo.DemoContext) -> dict[str, int]:
    from halls.models import Window

    _post_window_clerk()
    if Case.objects.exists():
        return {"办件": Case.objects.count()}
    today = timezone.localdate()
    matters = list(
        Matter.public_queryset()
        .filter(promised_limit__isnull=False)
        .select_related("department")
        .prefetch_related("materials", "exercise_levels")
        .order_by("implementation_code")
    )
    if not matters:
        return {"办件": 0}
    comprehensive = list(
        Window.objects.filter(kind="comprehensive", is_open=True, hall__is_active=True).select_related("hall")
    )
    by_matter: dict[int, list] = {}
    for window in (
        Window.objects.filter(is_open=True, hall__is_active=True).select_related("hall").prefetch_related("matters")
    ):
        for matter in window.matters.all():
            by_matter.setdefault(matter.pk, []).append(window)
    User = get_user_model()
    actors = {m.department_id: m.user for m in _memberships(User)}
    builder = _Builder(today, actors)
    builder.levels = {m.pk: "、".join(t.name for t in m.exercise_levels.all())[:30] for m in matters}
    rng = builder.rng
    weights = [3 if m.promised_limit == 0 else 2 if m.in_hall else 1 for m in matters]
    # The README's case first: the market regulator's first matter, applied for a week ago.
    market = next((m for m in matters if m.promised_limit), matters[0])
    serial = 0
    builder.plan(
        market,
        by_matter.get(market.pk, []) or comprehensive[:1],
        workdays.due_date(today - datetime.timedelta(days=10), 1).value,
        serial,
    )
    day = today - datetime.timedelta(days=DAYS)
    while day <= today:
        if workdays.working_day(day).value:
            for _ in range(rng.randint(14, 24)):
                serial += 1
                matter = rng.choices(matters, weights)[0]
                windows = by_matter.get(matter.pk, []) or (
                    [rng.choice(comprehensive)] if comprehensive and matter.in_hall else []
                )
                builder.plan(matter, windows, day, serial)
        day += datetime.timedelta(days=1)
    return _write(builder, today, context)


def _memberships(User):
    from permissions.models import Membership

    return Membership.objects.filter(role="owner").select_related("user").order_by("pk")


def _post_window_clerk() -> None:
    """The demo window clerk staffs the city centre's two 无差别受理 windows."""
    from halls.models import Window

    clerk = get_user_model().objects.filter(username="window_clerk").first()
    if clerk is None:
        return
    for window in Window.objects.filter(hall__code="city-center", number__in=("A02", "A03")).exclude(staff=clerk):
        window.staff.add(clerk)  # once: every add is a history record of the window


def _write(builder: _Builder, today: datetime.date, context: demo.DemoContext) -> dict[str, int]:
    pairs = sorted(
        zip(builder.cases, builder.steps, builder.materials, builder.notices, builder.specials, strict=True),
        key=lambda p: p[0].applied_at,
    )
    counters: dict[tuple[int, int], int] = {}
    for case, *_rest in pairs:  # numbers in order of application, per department and year
        key = (case.department_id, timezone.localtime(case.applied_at).year)
        counters[key] = counters.get(key, 0) + 1
        case.number = f"{key[1]}-{key[0]:03d}-{counters[key]:06d}"
    cases = Case.objects.bulk_create([p[0] for p in pairs], batch_size=500)
    steps, materials, notices, specials = [], [], [], []
    for case, case_steps, case_materials, case_notices, case_specials in pairs:
        for row in (*case_steps, *case_materials, *case_notices, *case_specials):
            row.case = case
        steps += case_steps
        materials += case_materials
        notices += case_notices
        specials += case_specials
    CaseStep.objects.bulk_create(steps, batch_size=1000)
    CaseMaterial.objects.bulk_create(materials, batch_size=1000)
    CaseNotice.objects.bulk_create(notices, batch_size=1000)
    SpecialProcedure.objects.bulk_create(specials, batch_size=500)
    CaseCounter.objects.bulk_create(
        [CaseCounter(department_id=d, year=y, last=n) for (d, y), n in counters.items()], batch_size=500
    )
    alerts = []
    for case in cases:
        if case.due_date is None:
            continue
        late = case.completed_on and case.completed_on > case.due_date
        if case.light in (Light.YELLOW, Light.RED) or late:
            alerts.append(
                CaseAlert(
                    case=case,
                    light=Light.RED if late or case.light == Light.RED else Light.YELLOW,
                    raised_on=min(today, workdays.due_date(case.due_date, 1).value)
                    if late or case.light == Light.RED
                    else today,
                    due_date=case.due_date,
                )
            )
    CaseAlert.objects.bulk_create(alerts, batch_size=1000, ignore_conflicts=True)
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    reds = [c for c in cases if c.light == Light.RED][:6]
    orders = []
    for i, case in enumerate(reds):
        answered = i % 2 == 0
        orders.append(
            SupervisionOrder(
                case=case,
                reason="办件已超过承诺办结时限，请说明原因并限期办结。",
                deadline=workdays.due_date(today, 3).value,
                issued_by=supervisor,
                state=OrderState.ANSWERED if answered else OrderState.OPEN,
                response="已督促承办人加快审查，预计两个工作日内办结。" if answered else "",
                responded_at=timezone.now() if answered else None,
            )
        )
    SupervisionOrder.objects.bulk_create(orders)
    readme = next(c for c in cases if c.lookup_code == DEMO_LOOKUP_CODE)
    context.notes.append(
        f"演示办件：编号 {readme.number}，手机号码 {DEMO_CASE_PHONE}，查询码 {DEMO_LOOKUP_CODE}"
        "（门户“办件服务 → 办件查询”）"
    )
    return {
        "办件": len(cases),
        "办理环节": len(steps),
        "通知": len(notices),
        "监察预警": len(alerts),
        "督办": len(orders),
    }
