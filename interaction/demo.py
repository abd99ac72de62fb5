"""Demo 咨询投诉建议: about a dozen in every state over the demo departments and their matters.

Open items are spread over the last three weeks so the lights mean something (green, yellow
and red, on the working-day calendar), answered ones carry a reply drafted by the department's
内容维护员 and approved by its 审核员, some are published in 问答公开, some were transferred, a few
refused, a couple came from 12345 with ticket numbers. The rows are what ``interaction.flow``
would have written for the same steps (numbers, encrypted contacts, steps, clocks) but written
with ``bulk_create``. The 政民互动 page is created under the home page.

One item is fixed for the README and the browser tests: the answered consultation of
``DEMO_PHONE``, lookup code ``DEMO_LOOKUP_CODE``.
"""

from __future__ import annotations

import datetime
import random

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from core import demo
from core.pii import keyed_hash
from workdays import service as workdays

from . import clock
from .models import (
    PREFIXES,
    Interaction,
    InteractionCounter,
    InteractionStep,
    Kind,
    Satisfaction,
    Source,
    State,
)
from .pages import InteractionIndexPage

DEMO_PHONE = "13900005678"
DEMO_LOOKUP_CODE = "ZXDEMQ26"
SEED = 20261216
PER_STATE = 12
PAGE_SLUG = "hudong"
NAMES = (
    "王建国",
    "李秀英",
    "张伟",
    "刘芳",
    "陈静",
    "杨洋",
    "赵敏",
    "黄磊",
    "周婷",
    "吴刚",
    "徐丽",
    "孙浩",
    "马超",
    "朱琳",
    "胡杰",
    "郭敏",
    "何平",
    "高翔",
    "林欣",
    "罗娟",
)
# (department key, kind, subject, body, reply)
TOPICS = (
    (
        "market",
        Kind.CONSULTATION,
        "个体工商户营业执照能否网上办理",
        "我想开一家小卖部，请问个体工商户营业执照能不能全程网上办理？需要准备哪些材料？",
        "您好！个体工商户登记可通过市政务服务网“个体工商户设立登记”全程网办，需准备经营者身份证件和经营场所使用证明，"
        "材料齐全的当场办结。如有疑问可拨打 12345 转市场监管局。",
    ),
    (
        "market",
        Kind.COMPLAINT,
        "超市销售过期食品",
        "本人于上周在某社区超市购买的酸奶已过保质期，与店家协商未果，请求处理。",
        "您好！接到投诉后，我局执法人员已到该超市现场检查，责令其下架过期食品并依法立案调查，商家已为您办理退款和赔偿。感谢您的监督。",
    ),
    (
        "market",
        Kind.SUGGESTION,
        "建议延长市场监管窗口周六服务时间",
        "上班族平日难以请假办事，建议市场监管窗口周六全天开放。",
        "您好！感谢您的建议。自下月起，市政务服务中心市场监管窗口周六上午提供预约服务，可通过门户“预约办事”提前预约。",
    ),
    (
        "health",
        Kind.CONSULTATION,
        "医师执业注册变更需要多长时间",
        "我从外市调入本市医院工作，请问医师执业注册变更需要多长时间办结？",
        "您好！医师执业注册变更承诺 5 个工作日办结，材料齐全可通过电子化注册系统网上申请，无需到现场。",
    ),
    (
        "health",
        Kind.COMPLAINT,
        "社区卫生服务中心周末停诊",
        "家门口的社区卫生服务中心周末不开门，老人看病很不方便。",
        "您好！经核查，该中心周末安排了上午门诊，但公示不清。已要求其在门口和网上公示门诊时间，并增加周日上午全科门诊。",
    ),
    (
        "hrss",
        Kind.CONSULTATION,
        "灵活就业人员如何缴纳养老保险",
        "我目前是自由职业者，想了解灵活就业人员怎样参加职工养老保险、缴费基数怎么选。",
        "您好！灵活就业人员可凭身份证在社保经办窗口或网上办理参保登记，"
        "缴费基数可在全省上年度平均工资的 60% 至 300% 之间自选。",
    ),
    (
        "hrss",
        Kind.COMPLAINT,
        "公司拖欠工资两个月",
        "我所在的公司已拖欠全体员工两个月工资，多次讨要无果，请求劳动监察介入。",
        "您好！劳动保障监察大队已约谈该公司负责人，责令其限期支付拖欠工资；逾期不支付的，将依法处理并纳入失信名单。",
    ),
    (
        "housing",
        Kind.CONSULTATION,
        "住房公积金提取租房需要什么材料",
        "在本市租房，请问提取住房公积金支付房租需要哪些材料？多久可以到账？",
        "您好！无房职工租房提取凭身份证和租赁合同（或租赁备案证明）即可申请，网上申请审核通过后 3 个工作日内到账。",
    ),
    (
        "housing",
        Kind.COMPLAINT,
        "小区施工夜间噪音扰民",
        "小区旁边的工地每天晚上十一点以后还在施工，噪音很大，严重影响休息。",
        "您好！经查该工地未取得夜间施工许可，我局已责令其停止夜间施工，并会同生态环境部门加强夜间巡查。",
    ),
    (
        "civil",
        Kind.CONSULTATION,
        "婚姻登记是否需要预约",
        "下个月想去办理结婚登记，请问需要提前预约吗？需要带户口本吗？",
        "您好！婚姻登记可现场办理，也可通过门户网站预约；内地居民办理结婚登记需携带本人身份证和户口簿（已开展“跨省通办”的可仅凭身份证）。",
    ),
    (
        "civil",
        Kind.SUGGESTION,
        "建议增加社区养老服务站",
        "我们小区老年人很多，建议在小区附近增设社区养老服务站，提供助餐服务。",
        "您好！感谢您的建议。我局已将该小区纳入今年社区养老服务站点布局规划，助餐点预计年内建成。",
    ),
    (
        "police",
        Kind.CONSULTATION,
        "身份证丢失如何补办",
        "身份证不慎丢失，请问在哪里补办？能不能异地办理？",
        "您好！居民身份证补领可在全市任一户政窗口办理，已实现跨省异地办理，携带户口簿，现场采集照片和指纹即可。",
    ),
    (
        "resources",
        Kind.CONSULTATION,
        "不动产登记办理时间",
        "二手房买卖过户的不动产登记需要多少个工作日？",
        "您好！二手房转移登记实行“一窗受理、集成服务”，材料齐全的 3 个工作日内办结，可通过门户查询办理进度。",
    ),
)
# The README's item (answered, published): a subject no other demo item has.
FIXED_TOPIC = (
    "market",
    Kind.CONSULTATION,
    "开办餐饮店需要办理哪些证照",
    "我准备在东湖区开一家小面馆，请问需要办理哪些证照？能不能一次办好？",
    "您好！开办餐饮店可通过“我要开餐馆”一件事集成办理，一次提交即可同时办理营业执照和食品经营许可，"
    "材料齐全的 3 个工作日内办结。详见门户“一件事”栏目。",
)
REFUSALS = (
    "来信内容为商业广告，不属于咨询投诉范围。",
    "反映的问题已进入诉讼程序，依法不予受理，请通过司法途径解决。",
    "来信内容不完整，无法核实，请补充具体时间地点后重新提交。",
)


def _home_page():
    model = apps.get_model(settings.PORTAL_HOME_PAGE_MODEL)
    return model.objects.first()


def ensure_page(admin) -> InteractionIndexPage | None:
    """政民互动 under the home page, once."""
    page = InteractionIndexPage.objects.first()
    if page is not None:
        return page
    home = _home_page()
    if home is None:
        return None
    page = InteractionIndexPage(
        title="政民互动",
        slug=PAGE_SLUG,
        intro="<p>对政务服务有疑问、意见或建议，可以在这里咨询、投诉或提出建议，由负责的部门在规定的工作日内答复。</p>",
        form_help="<p>请如实填写，一事一问；涉及个人隐私和商业秘密的内容请勿填写。紧急求助请拨打 110、120、119。</p>",
        search_description="示范市政民互动：我要咨询、我要投诉、我要建议，进度查询和问答公开。",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    page.save_revision(user=admin, log_action=True).publish(user=admin)
    return page


def _staff(departments) -> dict[int, dict[str, object]]:
    from permissions.models import Membership

    staff: dict[int, dict[str, object]] = {}
    for membership in Membership.objects.filter(department__in=departments).select_related("user").order_by("pk"):
        staff.setdefault(membership.department_id, {}).setdefault(membership.role, membership.user)
    return staff


class _Builder:
    def __init__(self, today: datetime.date, departments: dict, matters: dict, staff: dict) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, not a secret)
        self.today = today
        self.departments = departments
        self.matters = matters
        self.staff = staff
        self.items: list[Interaction] = []
        self.steps: list[list[InteractionStep]] = []

    def back(self, n: int) -> datetime.date:
        """The working day ``n`` working days before today (n = 0: today or the last working day)."""
        day = self.today
        while not workdays.working_day(day).value:
            day -= datetime.timedelta(days=1)
        while n > 0:
            day -= datetime.timedelta(days=1)
            if workdays.working_day(day).value:
                n -= 1
        return day

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, self.rng.randrange(60))))

    def name_of(self, user) -> str:
        return (user.get_full_name() or user.get_username())[:100] if user else "系统"

    def step(self, steps, action, label, before, after, day, user=None, note="", **extra):
        steps.append(
            InteractionStep(
                action=action,
                label=label,
                from_state=before,
                to_state=after,
                on=day,
                at=self.at(day, 9 + len(steps)),
                actor=user,
                actor_name=self.name_of(user) if user else extra.pop("actor_name", "系统"),
                note=note,
                **extra,
            )
        )

    def plan(self, state: str, serial: int, topic, age: int, hotline: bool = False, fixed: bool = False) -> None:
        dept_key, kind, subject, body, reply = topic
        department = self.departments[dept_key]
        owner = self.staff.get(department.pk, {}).get("owner")
        reviewer = self.staff.get(department.pk, {}).get("reviewer")
        matter = self.matters.get(department.pk)
        submitted_on = self.back(age)
        name = NAMES[serial % len(NAMES)]
        item = Interaction(
            department=department,
            kind=kind,
            subject=subject,
            body=body,
            matter=matter if serial % 3 == 0 else None,
            source=Source.HOTLINE if hotline else (Source.MATTER if matter and serial % 3 == 0 else Source.PORTAL),
            name=name,
            phone=DEMO_PHONE if fixed else f"139{20260000 + serial:08d}",
            email=f"visitor{serial}@example.cn" if serial % 4 == 0 else "",
            consent=fixed or serial % 3 != 2,
            submitted_at=self.at(submitted_on, 8 + serial % 9),
            reply_days=clock.reply_days(kind),
            hotline_ticket=f"12345-{submitted_on:%Y%m%d}-{serial:04d}" if hotline else "",
        )
        if fixed:
            item.lookup_code = DEMO_LOOKUP_CODE
        clock.start(item, submitted_on)
        steps: list[InteractionStep] = []
        self.step(
            steps, "submit_new", "提交", "", State.SUBMITTED, submitted_on,
            note=f"通过{Source(item.source).label}提交" + (f"，12345工单号 {item.hotline_ticket}" if hotline else ""),
            actor_name="12345热线" if hotline else "来信人", to_department=department,
        )  # fmt: skip
        day = submitted_on
        current = State.SUBMITTED

        def next_day(n: int = 1) -> datetime.date:
            return min(workdays.due_date(day, n).value, self.today)

        if state == State.TRANSFERRED:
            # The visitor chose the wrong department: the government office passes it on at once.
            first = self.departments["gov_office"] if dept_key != "gov_office" else self.departments["market"]
            item.transfers = 1
            day = next_day()
            steps[0].to_department = first
            self.step(
                steps, "transfer", "转办", current, State.TRANSFERRED, day, self.staff.get(first.pk, {}).get("owner"),
                note=f"转至{department.name}：属于该部门职责", from_department=first, to_department=department,
            )  # fmt: skip
            current = State.TRANSFERRED
        elif state == State.REJECTED:
            day = next_day()
            item.refusal = REFUSALS[serial % len(REFUSALS)]
            item.closed_on = day
            self.step(steps, "reject", "不予受理", current, State.REJECTED, day, owner, note=item.refusal)
            current = State.REJECTED
        elif state != State.SUBMITTED:
            day = next_day()
            self.step(steps, "accept", "受理", current, State.HANDLING, day, owner)
            current = State.HANDLING
            if state in (State.REVIEW, State.RETURNED, State.ANSWERED, State.CLOSED):
                if state in (State.ANSWERED, State.CLOSED):
                    day = next_day()
                item.reply, item.reply_drafted_by = reply, owner
                self.step(steps, "submit", "提交审核", current, State.REVIEW, day, owner)
                current = State.REVIEW
            if state == State.RETURNED:
                self.step(
                    steps, "return", "退回修改", current, State.RETURNED, day, reviewer,
                    note="请补充办理依据和咨询电话。",
                )  # fmt: skip
                current = State.RETURNED
            if state in (State.ANSWERED, State.CLOSED):
                day = next_day()
                item.reply_approved_by, item.reply_approved_at = reviewer, self.at(day, 15)
                item.answered_on = day
                item.published = item.consent
                self.step(steps, "approve", "审核通过", current, State.ANSWERED, day, reviewer)
                current = State.ANSWERED
            if state == State.CLOSED:
                day = next_day(2)
                item.closed_on = day
                item.satisfaction = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.SATISFIED)[serial % 3]
                label = Satisfaction(item.satisfaction).label
                if hotline:
                    self.step(
                        steps, "close", "办结", current, State.CLOSED, day, None,
                        note=f"回访结果：{label}", actor_name="12345热线",
                    )  # fmt: skip
                else:
                    self.step(steps, "close", "办结", current, State.CLOSED, day, owner, note=f"回访结果：{label}")
                current = State.CLOSED
        item.state = current
        item.light = clock.light_of(item, self.today)
        item.light_since = self.today if item.light else None
        item.revision = len(steps) - 1
        self.items.append(item)
        self.steps.append(steps)


@demo.register("interaction", "政民互动", order=62)
def load(context: demo.DemoContext) -> dict[str, int]:
    from matters.models import Matter

    ensure_page(context.admin)
    if Interaction.objects.exists():
        return {"咨询投诉建议": Interaction.objects.count()}
    departments = context.departments or {}
    if not all(key in departments for key in {t[0] for t in TOPICS} | {"gov_office"}):
        from permissions.demo_data import DEPARTMENTS
        from permissions.models import Department

        by_code = {d.credit_code: d for d in Department.objects.all()}
        departments = {spec.key: by_code.get(spec.credit_code) for spec in DEPARTMENTS}
        if not all(departments.get(key) for key in {t[0] for t in TOPICS} | {"gov_office"}):
            return {"咨询投诉建议": 0}
    used = [departments[key] for key in {t[0] for t in TOPICS} | {"gov_office"}]
    matters: dict[int, object] = {}
    for matter in Matter.public_queryset().filter(department__in=used).order_by("implementation_code"):
        matters.setdefault(matter.department_id, matter)
    today = timezone.localdate()
    builder = _Builder(today, departments, matters, _staff(used))
    serial = 0
    # Open items aged so the lights vary: consultations (5 days) and complaints (10 days).
    open_ages = (0, 1, 1, 2, 3, 3, 4, 5, 6, 8, 9, 12)
    for state in State:
        for i in range(PER_STATE):
            serial += 1
            topic = TOPICS[(serial * 7 + i) % len(TOPICS)]
            age = (
                open_ages[i]
                if state in (State.SUBMITTED, State.TRANSFERRED, State.HANDLING, State.REVIEW, State.RETURNED)
                else 4 + i
            )
            hotline = i in (3, 9) and state in (State.SUBMITTED, State.HANDLING, State.ANSWERED, State.CLOSED)
            builder.plan(state, serial, topic, age, hotline=hotline)
    serial += 1
    builder.plan(State.ANSWERED, serial, FIXED_TOPIC, 3, fixed=True)
    return _write(builder, context)


def _write(builder: _Builder, context: demo.DemoContext) -> dict[str, int]:
    pairs = sorted(zip(builder.items, builder.steps, strict=True), key=lambda p: p[0].submitted_at)
    counters: dict[tuple[str, int], int] = {}
    for item, _steps in pairs:
        key = (item.kind, timezone.localtime(item.submitted_at).year)
        counters[key] = counters.get(key, 0) + 1
        item.number = f"{PREFIXES[item.kind]}{key[1]}-{counters[key]:06d}"
        item.phone_hash = keyed_hash(item.phone)  # what Interaction.save does
    items = Interaction.objects.bulk_create([p[0] for p in pairs], batch_size=500)
    steps = []
    for item, item_steps in zip(items, (p[1] for p in pairs), strict=True):
        for row in item_steps:
            row.interaction = item
        steps += item_steps
    InteractionStep.objects.bulk_create(steps, batch_size=1000)
    InteractionCounter.objects.bulk_create(
        [InteractionCounter(kind=k, year=y, last=n) for (k, y), n in counters.items()], batch_size=100
    )
    fixed = next(i for i in items if i.lookup_code == DEMO_LOOKUP_CODE)
    context.notes.append(
        f"演示咨询：编号 {fixed.number}，手机号码 {DEMO_PHONE}，查询码 {DEMO_LOOKUP_CODE}（门户“政民互动 → 进度查询”）"
    )
    return {
        "咨询投诉建议": len(items),
        "办理环节": len(steps),
        "问答公开": sum(1 for i in items if i.published),
        "12345转入": sum(1 for i in items if i.hotline_ticket),
    }
