"""Demo requests for disclosure: about 100 applications in every state and with every outcome.

Received from December 2024 to today by several departments, from every kind of applicant and
through every channel; every reply type and sub-reason of the annual report occurs in 2025, some
requests are carried over from 2024 into 2025 (one signed for by post on 30 December and typed in
later) and from 2025 into 2026, some were amended, paused for a third party, extended, charged a
fee, withdrawn or merged; every notice is a numbered letter with its delivery recorded. Open
requests are placed relative to today: overdue, due soon, waiting for a third party or for an
amendment past its period, a fee awaiting payment, an extension into a year whose holidays are not
yet announced (预计). Built through the same steps staff take (``disclosure.request_flow``), so the
history reads as in real use. Runs once (skipped when any request exists).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from core import demo
from core.identity import resident_id_check_char
from disclosure import request_flow as flow
from disclosure.request_models import REPLY_SUBREASONS, DisclosureRequest, ReplyType
from permissions.models import Department

D = datetime.date
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华"]
ORGS = {
    "commercial": ["示范市湖滨餐饮有限公司", "示范市东方建设工程有限公司", "示范市青石农业发展有限公司"],
    "research": ["示范大学公共管理学院", "示范市社会科学院"],
    "public_interest": ["示范市绿色家园环保协会", "示范市老年人关爱基金会"],
    "legal_service": ["示范市正言律师事务所", "示范市公信律师事务所"],
    "other_org": ["示范市湖滨社区业主委员会", "示范市个体劳动者协会"],
}
TOPICS = [
    "{y}年本市老旧小区改造项目清单及资金安排",
    "某路段道路拓宽工程的建设用地规划许可证",
    "{y}年度食品安全监督抽检不合格产品的处理情况",
    "本街道{y}年最低生活保障对象的审批程序文件",
    "某小区周边污水处理设施的环境影响评价批复",
    "{y}年公共租赁住房分配方案及分配结果",
    "本市出租车运力调整的论证材料",
    "某医院设置审批的批准文件",
    "{y}年部门预算中“三公”经费的明细",
    "本人房屋所在地块的征收补偿方案",
]
DEPARTMENTS = ["market", "health", "resources", "housing", "civil", "hrss", "gov_office", "donghu", "xishan"]


def _resident_id(rng: random.Random) -> str:
    body = f"{rng.choice(['110101', '330102', '420106', '510104'])}{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def _credit_code(rng: random.Random) -> str:
    from permissions.demo_data import credit_code

    return credit_code("91", "990102", f"{rng.randint(10000000, 99999999):08d}")


BACKFILL = "演示数据：按纸质办理记录补录"


def _new(
    rng: random.Random,
    department: Department,
    arrived: datetime.date,
    applicant_type: str,
    *,
    channel: str | None = None,
    same_as: DisclosureRequest | None = None,
    description: str | None = None,
) -> DisclosureRequest:
    """An application as it came in: by its channel, on its day (art. 31 decides the receipt date)."""
    person = applicant_type == "person"
    request = DisclosureRequest(
        department=department,
        applicant_type=applicant_type,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) if person else rng.choice(ORGS[applicant_type]),
        id_type="resident_id" if person else "credit_code",
        id_number=_resident_id(rng) if person else _credit_code(rng),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        contact_person="" if person else rng.choice(SURNAMES) + rng.choice(GIVEN),
        address=f"示范市{rng.choice(['东湖区湖滨路', '西山区青年路', '东湖区人民大道'])}{rng.randint(1, 300)}号",
        description=description or rng.choice(TOPICS).format(y=arrived.year - (1 if arrived.month < 4 else 0)),
        delivery_form=rng.choice(["electronic", "electronic", "paper", "reading"]),
        delivery_channel="email",
        email="applicant@example.cn",
    )
    if same_as is not None:
        for name in ("applicant_type", "name", "id_type", "id_number", "phone", "contact_person", "address", "email"):
            setattr(request, name, getattr(same_as, name))
    channel = channel or rng.choice(["online", "online", "online", "in_person", "post", "kiosk"])
    flow.receive(request, channel, arrived)
    moment = datetime.datetime.combine(arrived, datetime.time(9, 30), tzinfo=datetime.UTC)
    DisclosureRequest.objects.filter(pk=request.pk).update(submitted_at=moment)
    request.refresh_from_db()
    return request


def _letter(request: DisclosureRequest, reply_type: str, subreason: str, day: datetime.date) -> str:
    return flow.draft_letter(request, reply_type, subreason, day) or "答复如下。"


def _deliver(request: DisclosureRequest, user, kind: str, day: datetime.date) -> None:
    """The letter of ``kind`` was e-mailed the day it was issued (or posted, for paper replies)."""
    letter = request.letters.filter(kind=kind).order_by("-pk").first()
    if letter is None:
        return
    if request.delivery_form == "paper":
        flow.record_delivery(
            letter,
            user,
            "post",
            min(day + datetime.timedelta(days=2), timezone.localdate()),
            request.name,
            f"EMS{request.pk:010d}CN",
        )
    else:
        flow.record_delivery(letter, user, "email", day, request.name, request.email)


class Builder:
    """Drives the demo requests through the same steps staff take."""

    def __init__(self, departments: dict[str, Department], user):
        self.rng = random.Random(49)  # noqa: S311 (demo data)
        self.user = user
        self.depts = [departments[k] for k in DEPARTMENTS if k in departments]
        self.types = ["person"] * 6 + [
            "commercial",
            "commercial",
            "research",
            "public_interest",
            "legal_service",
            "other_org",
        ]
        self.made = 0

    def new(self, arrived: datetime.date, **kwargs) -> DisclosureRequest:
        same_as = kwargs.get("same_as")
        department = kwargs.pop("department", None) or (same_as.department if same_as else self.rng.choice(self.depts))
        applicant_type = kwargs.pop("applicant_type", None) or self.rng.choice(self.types)
        self.made += 1
        return _new(self.rng, department, arrived, applicant_type, **kwargs)

    def handle(
        self,
        request: DisclosureRequest,
        outcome,
        reply_day: datetime.date,
        *,
        extend=False,
        consult=False,
        amend=False,
    ) -> DisclosureRequest:
        """From registration to the reply (and archive for older ones), with letters served."""
        user = self.user
        request.refresh_from_db()
        if request.status == "submitted":
            flow.register(request, user)
        reply_type, subreason = outcome
        received = request.received_date
        day = lambda n: received + datetime.timedelta(days=n)  # noqa: E731
        if reply_type == ReplyType.OTHER and subreason == "no_amendment":
            flow.ask_amendment(request, user, "请写明所需信息的名称或文号", day(15), today=day(2))
            _deliver(request, user, "amendment", day(2))
            reply_day = max(reply_day, day(18))
        else:
            if amend:
                flow.ask_amendment(request, user, "请说明所需信息的时间范围", day(10), today=day(1))
                _deliver(request, user, "amendment", day(1))
                flow.receive_amendment(request, user, day(6))
                reply_day = max(reply_day, day(12))
            if consult:
                flow.start_consultation(request, user, "相关企业", day(8))
                flow.end_consultation(request, user, day(20), self.rng.choice(["agreed", "objected"]))
                reply_day = max(reply_day, day(22))
            if extend:
                flow.extend(request, user, 15, "市政务公开办主任", "需要调取档案并会商相关部门", day(14), BACKFILL)
                _deliver(request, user, "extension", day(14))
        flow.reply(
            request,
            user,
            reply_type,
            subreason,
            _letter(request, reply_type, subreason, reply_day),
            reply_day,
            BACKFILL,
        )
        _deliver(request, user, "reply", reply_day)
        if reply_day < D(2026, 10, 1):
            flow.close(request, user)
        return request

    def replied(self, arrived: datetime.date, outcome, reply_day: datetime.date, **kwargs) -> DisclosureRequest:
        steps = {k: kwargs.pop(k) for k in ("extend", "consult", "amend") if k in kwargs}
        return self.handle(self.new(arrived, **kwargs), outcome, reply_day, **steps)


def load_requests(departments: dict[str, Department], user) -> int:
    """Create the demo requests once; returns how many were made."""
    if DisclosureRequest.objects.exists():
        return 0
    b = Builder(departments, user)
    rng = b.rng
    outcomes = [(ReplyType.DISCLOSED, "")] * 8 + [(ReplyType.PARTIAL, "")] * 4
    outcomes += [(reply_type, key) for reply_type, rows in REPLY_SUBREASONS.items() for key, _ in rows]
    outcomes = [o for o in outcomes if o != (ReplyType.OTHER, "fee_unpaid")]  # needs a fee notice: below

    # Carried over from 2024: received in December 2024, answered in January 2025. One came by post,
    # signed for on Monday 30 December and typed in on 3 January: it is 2024's (art. 31).
    for day in (D(2024, 12, 16), D(2024, 12, 20), D(2024, 12, 26)):
        b.replied(day, (ReplyType.DISCLOSED, ""), D(2025, 1, 10) + datetime.timedelta(days=rng.randint(0, 8)))
    b.replied(D(2024, 12, 30), (ReplyType.DISCLOSED, ""), D(2025, 1, 20), channel="post")
    # 2025: every outcome, spread over the year; a few late, some amended, paused or extended.
    for i, outcome in enumerate(outcomes * 2):
        arrived = D(2025, 1, 6) + datetime.timedelta(days=(i * 5) % 320)
        late = i % 11 == 0
        reply_day = arrived + datetime.timedelta(days=rng.randint(32, 40) if late else rng.randint(5, 24))
        b.replied(arrived, outcome, reply_day, extend=i % 9 == 4, consult=i % 13 == 6, amend=i % 10 == 3)
    # Handed in at the hall on Saturday 8 March 2025: received that day, due 7 April (art. 31(1)).
    b.replied(D(2025, 3, 8), (ReplyType.DISCLOSED, ""), D(2025, 4, 3), channel="in_person")
    # Submitted online during the National Day holiday: received on the next working day, 9 October.
    b.replied(D(2025, 10, 4), (ReplyType.PARTIAL, ""), D(2025, 10, 28), channel="online")
    # Withdrawn by the applicant (steps, not replies).
    for arrived, after in ((D(2025, 4, 14), 6), (D(2025, 11, 3), 9)):
        request = b.new(arrived)
        flow.register(request, user)
        flow.withdraw(request, user, request.received_date + datetime.timedelta(days=after), "申请人书面申请撤回")
        if arrived.month < 6:
            flow.close(request, user)  # the later one still waits to be archived
    # One applicant's identical requests (hall and online the same week), merged and answered once.
    first = b.new(D(2025, 5, 12), channel="in_person", applicant_type="person")
    second = b.new(D(2025, 5, 14), channel="online", same_as=first, description=first.description)
    flow.register(second, user)
    flow.merge(second, user, first, "与同一申请人5月12日当面提交的申请内容相同", D(2025, 5, 15))
    _deliver(second, user, "merge", D(2025, 5, 15))
    b.handle(first, (ReplyType.DISCLOSED, ""), D(2025, 5, 30))
    # A company asking for a great many documents in June 2025: ten free, the 11th charged and paid,
    # the 12th charged and never paid (国办函〔2020〕109号).
    market = departments.get("market") or b.depts[0]
    bulk = b.new(D(2025, 6, 2), department=market, applicant_type="commercial", channel="online")
    b.handle(bulk, (ReplyType.DISCLOSED, ""), D(2025, 6, 20))
    for n in range(1, 11):
        request = b.new(D(2025, 6, 2) + datetime.timedelta(days=n), department=market, same_as=bulk)
        if n < 10:
            b.handle(request, (ReplyType.DISCLOSED, ""), D(2025, 6, 25) + datetime.timedelta(days=n))
            continue
        flow.register(request, user)
        received = request.received_date
        flow.charge_fee(request, user, "per_request", day=received + datetime.timedelta(days=3))
        _deliver(request, user, "fee", received + datetime.timedelta(days=3))
        flow.settle_fee(request, user, "paid", received + datetime.timedelta(days=10), Decimal(100), "FS2025060001")
        b.handle(request, (ReplyType.DISCLOSED, ""), received + datetime.timedelta(days=20))
    unpaid = b.new(D(2025, 6, 16), department=market, same_as=bulk)
    flow.register(unpaid, user)
    flow.charge_fee(unpaid, user, "per_request", day=unpaid.received_date + datetime.timedelta(days=1))
    _deliver(unpaid, user, "fee", unpaid.received_date + datetime.timedelta(days=1))
    unpaid.refresh_from_db()
    late_day = unpaid.fee_notice.payment_deadline + datetime.timedelta(days=3)
    flow.reply(
        unpaid,
        user,
        ReplyType.OTHER,
        "fee_unpaid",
        _letter(unpaid, ReplyType.OTHER, "fee_unpaid", late_day),
        late_day,
        BACKFILL,
    )
    _deliver(unpaid, user, "reply", late_day)
    flow.close(unpaid, user)
    # Carried over from 2025 into 2026.
    for day in (D(2025, 12, 15), D(2025, 12, 22), D(2025, 12, 29)):
        b.replied(day, rng.choice(outcomes[:12]), D(2026, 1, 16))
    # 2026: replied ones, then every open state, some overdue and some due soon.
    for i in range(8):
        arrived = D(2026, 1, 12) + datetime.timedelta(days=i * 40)
        b.replied(arrived, rng.choice(outcomes), arrived + datetime.timedelta(days=rng.randint(6, 25)))
    _open_requests(b)
    return b.made


def _open_requests(b: Builder) -> None:
    """Open requests relative to today: every state, overdue ones, due soon, estimated (预计) dates."""
    user, rng = b.user, b.rng
    today = timezone.localdate()
    ago = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    for arrived in (ago(1), ago(3)):
        b.new(arrived)  # 待登记
    for arrived in (ago(10), ago(24), ago(45), ago(50)):  # one due within days, two overdue
        flow.register(b.new(arrived), user)
    # 待补正, and one whose amendment period has passed without an answer (listed as overdue).
    for arrived, deadline in ((ago(4), today + datetime.timedelta(days=10)), (ago(30), ago(5))):
        request = b.new(arrived)
        flow.register(request, user)
        flow.ask_amendment(
            request,
            user,
            "请补充所需信息的具体名称和时间范围",
            deadline,
            today=request.received_date + datetime.timedelta(days=1),
        )
        _deliver(request, user, "amendment", request.received_date + datetime.timedelta(days=1))
    # With a third party: one within its 15 working days, one past them (listed as overdue).
    for arrived, sent in ((ago(12), ago(5)), (ago(40), ago(30))):
        request = b.new(arrived)
        flow.register(request, user)
        flow.start_consultation(request, user, "示范市某某开发有限公司", sent)
    # Extended: the new due date runs into a year whose holidays are not yet announced (预计).
    request = b.new(ago(22))
    flow.register(request, user)
    flow.extend(request, user, 20, "市政务公开办主任", "涉及多个部门，需要会商", ago(2), BACKFILL)
    _deliver(request, user, "extension", ago(2))
    # A fee notice awaiting payment (per page: 160 pages).
    request = b.new(ago(8), applicant_type="research")
    flow.register(request, user)
    flow.charge_fee(request, user, "per_page", pages=160, day=ago(2))
    _deliver(request, user, "fee", ago(2))
    rng.random()


def load_report(user) -> None:
    """The city's 2025 annual report, counted from the demo records and published (once)."""
    from disclosure.models import AnnualReportIndexPage, AnnualReportPage
    from permissions.grants import ensure_role_pages

    ensure_role_pages()
    index = AnnualReportIndexPage.objects.first()
    if index is None or AnnualReportPage.objects.filter(year=2025, scope__isnull=True).exists():
        return
    page = AnnualReportPage(
        title="示范市人民政府2025年政府信息公开工作年度报告",
        slug="ndbg-2025",
        year=2025,
        overview=(
            "<p>2025年，示范市深入贯彻《中华人民共和国政府信息公开条例》，围绕优化营商环境、民生保障等重点领域"
            "加大主动公开力度，规范依申请公开办理，全市政府信息公开工作质量持续提升。</p>"
        ),
        licensing_decisions=12863,
        punishment_decisions=2147,
        enforcement_decisions=318,
        fees_amount="356.42",
        rec_upheld=3,
        rec_corrected=1,
        rec_pending=1,
        lit_direct_upheld=2,
        lit_after_upheld=1,
        problems=(
            "<p>一是部分部门主动公开时效有待提高，个别文件超过20个工作日才公开；二是依申请公开答复书格式不够统一。"
            "下一步将加强时效监测，统一答复书模板，开展业务培训。</p>"
        ),
        other_matters="<p>本年度无其他需要报告的事项。</p>",
        owner=user,
    )
    demo.publish_new(index, page, user)
