"""Demo requests for disclosure: 70+ applications in every state and with every outcome.

Received from December 2024 to November 2026 by several departments, from every kind of
applicant; every reply type and sub-reason of the annual report occurs in 2025, some requests
are carried over from 2024 into 2025 and from 2025 into 2026, some were amended, paused for a
third party or extended, and in 2026 some are overdue or due within days. Built through the
same steps staff take (``disclosure.request_flow``), so the history reads as in real use.
Runs once (skipped when any request exists).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from disclosure import request_flow as flow
from disclosure.request_forms import ID_WEIGHTS
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
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _credit_code(rng: random.Random) -> str:
    from cms.demo_data import credit_code

    return credit_code("91", "990102", f"{rng.randint(10000000, 99999999):08d}")


def _new(rng: random.Random, department: Department, received: datetime.date, applicant_type: str) -> DisclosureRequest:
    person = applicant_type == "person"
    request = DisclosureRequest(
        department=department,
        channel=rng.choice(["online", "online", "online", "in_person", "post", "kiosk"]),
        applicant_type=applicant_type,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) if person else rng.choice(ORGS[applicant_type]),
        id_type="resident_id" if person else "credit_code",
        id_number=_resident_id(rng) if person else _credit_code(rng),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        contact_person="" if person else rng.choice(SURNAMES) + rng.choice(GIVEN),
        address=f"示范市{rng.choice(['东湖区湖滨路', '西山区青年路', '东湖区人民大道'])}{rng.randint(1, 300)}号",
        description=rng.choice(TOPICS).format(y=received.year - (1 if received.month < 4 else 0)),
        delivery_form=rng.choice(["electronic", "electronic", "paper", "reading"]),
        delivery_channel="email",
        email="applicant@example.cn",
        received_date=received,
    )
    request.due_date = flow.compute_due_date(request)
    request._change_reason = "提交申请"
    request.save()
    moment = datetime.datetime.combine(received, datetime.time(9, 30), tzinfo=datetime.UTC)
    DisclosureRequest.objects.filter(pk=request.pk).update(submitted_at=moment)
    request.refresh_from_db()
    return request


def _letter(request: DisclosureRequest, reply_type: str, subreason: str, day: datetime.date) -> str:
    return flow.draft_letter(request, reply_type, subreason, day) or "答复如下。"


def load_requests(departments: dict[str, Department], user) -> int:
    """Create the demo requests once; returns how many were made."""
    if DisclosureRequest.objects.exists():
        return 0
    rng = random.Random(49)  # noqa: S311 (demo data)
    outcomes = [(ReplyType.DISCLOSED, "")] * 8 + [(ReplyType.PARTIAL, "")] * 4
    outcomes += [(reply_type, key) for reply_type, rows in REPLY_SUBREASONS.items() for key, _ in rows]
    types = ["person"] * 6 + ["commercial", "commercial", "research", "public_interest", "legal_service", "other_org"]
    depts = [departments[k] for k in DEPARTMENTS if k in departments]
    made = 0

    def replied(
        received: datetime.date, outcome, reply_day: datetime.date, *, extend=False, consult=False, amend=False
    ):
        nonlocal made
        request = _new(rng, rng.choice(depts), received, rng.choice(types))
        flow.register(request, user)
        reply_type, subreason = outcome
        day = lambda n: received + datetime.timedelta(days=n)  # noqa: E731
        if reply_type == ReplyType.OTHER and subreason == "no_amendment":
            flow.ask_amendment(request, user, "请写明所需信息的名称或文号", day(15), today=day(2))
            reply_day = max(reply_day, day(18))
        else:
            if amend:
                flow.ask_amendment(request, user, "请说明所需信息的时间范围", day(10), today=day(1))
                flow.receive_amendment(request, user, day(6))
                reply_day = max(reply_day, day(12))
            if consult:
                flow.start_consultation(request, user, "相关企业", day(8))
                flow.end_consultation(request, user, day(20))
                reply_day = max(reply_day, day(22))
            if extend:
                flow.extend(request, user, 15, "市政务公开办主任", "需要调取档案并会商相关部门")
        flow.reply(request, user, reply_type, subreason, _letter(request, reply_type, subreason, reply_day), reply_day)
        if reply_day < D(2026, 10, 1):
            flow.close(request, user)
        made += 1
        return request

    # Carried over from 2024: received in December 2024, answered in January 2025.
    for day in (D(2024, 12, 16), D(2024, 12, 20), D(2024, 12, 26), D(2024, 12, 30)):
        replied(day, (ReplyType.DISCLOSED, ""), D(2025, 1, 10) + datetime.timedelta(days=rng.randint(0, 8)))
    # 2025: every outcome, spread over the year; a few late, some paused or extended.
    for i, outcome in enumerate(outcomes * 2):
        received = D(2025, 1, 6) + datetime.timedelta(days=(i * 5) % 320)
        late = i % 11 == 0
        reply_day = received + datetime.timedelta(days=rng.randint(32, 40) if late else rng.randint(5, 24))
        replied(received, outcome, reply_day, extend=i % 9 == 4, consult=i % 13 == 6, amend=i % 10 == 3)
    # Carried over from 2025 into 2026.
    for day in (D(2025, 12, 15), D(2025, 12, 22), D(2025, 12, 29)):
        replied(day, rng.choice(outcomes[:12]), D(2026, 1, 16))
    # 2026: replied ones, then every open state, some overdue and some due soon.
    for i in range(8):
        received = D(2026, 1, 12) + datetime.timedelta(days=i * 40)
        replied(received, rng.choice(outcomes), received + datetime.timedelta(days=rng.randint(6, 25)))
    today = timezone.localdate()
    open_cases = [
        ("submitted", today - datetime.timedelta(days=1)),
        ("submitted", today - datetime.timedelta(days=3)),
        ("registered", today - datetime.timedelta(days=10)),
        ("registered", today - datetime.timedelta(days=24)),  # due within days
        ("registered", today - datetime.timedelta(days=45)),  # overdue
        ("registered", today - datetime.timedelta(days=50)),  # overdue
        ("amendment", today - datetime.timedelta(days=4)),
        ("consultation", today - datetime.timedelta(days=12)),
        ("extended", today - datetime.timedelta(days=26)),
    ]
    for state, received in open_cases:
        request = _new(rng, rng.choice(depts), received, rng.choice(types))
        if state != "submitted":
            flow.register(request, user)
        if state == "amendment":
            flow.ask_amendment(
                request,
                user,
                "请补充所需信息的具体名称",
                today + datetime.timedelta(days=10),
                today=received + datetime.timedelta(days=1),
            )
        elif state == "consultation":
            flow.start_consultation(request, user, "示范市某某开发有限公司", received + datetime.timedelta(days=5))
        elif state == "extended":
            flow.extend(request, user, 10, "市政务公开办主任", "涉及多个部门，需要会商")
        made += 1
    return made


def load_report(user) -> None:
    """The city's 2025 annual report, counted from the demo records and published (once)."""
    from disclosure.models import AnnualReportPage, DisclosureIndexPage

    index = DisclosureIndexPage.objects.first()
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
        other_matters="<p>本年度未收取信息处理费。</p>",
        owner=user,
    )
    index.add_child(instance=page)
    page.save_revision(user=user).publish(user=user)
