"""Every change of a case happens here: opening it and each step of ``cases.states``.

One transaction per step, the case row locked (``select_for_update``; SQLite takes the whole
database with ``transaction_mode="IMMEDIATE"``, retried by ``core.locking``). A caller that read
the case at some ``revision`` passes it: when someone else acted meanwhile the step is refused
(``CaseConflict``) and nothing changes — two clerks on one case, one wins, the other is told.
Every step is a ``CaseStep`` (who, when, why), recomputes the clock and the light, and tells the
applicant (``cases.notify``). Bad input raises ``CaseError`` with a Chinese message and the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.cache import bump
from core.identity import IdType, check_personal_id, check_phone
from core.locking import retry_if_locked
from core.pii import normalise
from permissions.validators import validate_credit_code

from . import clock, notify
from .models import (
    ApplicantKind,
    Case,
    CaseCounter,
    CaseMaterial,
    CaseState,
    CaseStep,
    Channel,
    NoticeKind,
    SpecialKind,
    SpecialProcedure,
)
from .states import ACTIONS, refusal

# The version of everything computed from completed cases (the public rates): bumped by a completion.
RATES_VERSION = "cases-rates"
COMPLETING = frozenset({"approve", "deny", "complete_now"})


class CaseError(Exception):
    """A refused step or bad input: ``message`` in Chinese, ``field`` naming what was wrong."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CaseConflict(CaseError):
    """Someone else acted on the case since the caller read it."""


@dataclass
class Applicant:
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str = ""
    contact_person: str = ""


def clean_applicant(data: Mapping[str, str]) -> Applicant:
    """Check the applicant's fields; the first bad one raises ``CaseError`` naming it."""
    kind = (data.get("kind") or "").strip()
    if kind not in ApplicantKind.values:
        raise CaseError("申请人类型应为“自然人”或“法人或其他组织”。", "applicant_kind")
    name = (data.get("name") or "").strip()
    if not name:
        raise CaseError("请填写申请人姓名或名称。", "applicant_name")
    if len(name) > 100:
        raise CaseError("申请人姓名或名称不能超过100个字。", "applicant_name")
    id_type = (data.get("id_type") or "").strip()
    if id_type not in IdType.values:
        raise CaseError("证件类型不正确。", "id_type")
    if kind == ApplicantKind.PERSON and id_type == IdType.CREDIT_CODE:
        raise CaseError("自然人请选择身份证件，例如居民身份证。", "id_type")
    if kind == ApplicantKind.ORGANISATION and id_type != IdType.CREDIT_CODE:
        raise CaseError("法人或其他组织请填写统一社会信用代码。", "id_type")
    number = normalise(data.get("id_number") or "")
    try:
        if not number:
            raise ValidationError("请填写证件号码。")
        if id_type == IdType.CREDIT_CODE:
            validate_credit_code(number)
        else:
            check_personal_id(id_type, number)
    except ValidationError as error:
        raise CaseError(" ".join(error.messages), "id_number") from error
    phone = normalise(data.get("phone") or "")
    try:
        check_phone(phone)
    except ValidationError as error:
        raise CaseError(" ".join(error.messages), "phone") from error
    email = (data.get("email") or "").strip()
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError as error:
            raise CaseError("电子邮箱格式不正确。", "email") from error
    contact = (data.get("contact_person") or "").strip()[:50]
    return Applicant(kind, name, id_type, number, phone, email, contact)


@dataclass
class Intake:
    """What a case is opened with, whichever way it came in."""

    matter: object
    applicant: Applicant
    channel: str
    window: object | None = None
    hall: object | None = None
    received: Iterable[int] | None = ()  # indexes of the frozen materials received; None: all of them
    deferred: Iterable[int] = ()  # indexes accepted as 容缺后补
    files: Mapping[int, object] = field(default_factory=dict)  # index -> checked upload
    applied_at: datetime.datetime | None = None
    external_id: str = ""


def _text(value: str, label: str, field_name: str, limit: int = 500) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise CaseError(f"{label}不能超过{limit}个字。", field_name)
    return value


def _check_matter(matter, window, hall) -> None:
    if not matter.is_public:  # Matter.public_queryset()'s rule, on the row the caller just read
        raise CaseError(f"事项“{matter.name}”未发布或不在有效期内，不能申请。", "matter")
    if matter.promised_limit is None:
        raise CaseError(f"事项“{matter.name}”未设定承诺办结时限，请先在事项目录中补充。", "matter")
    if not matter.department.is_active:
        raise CaseError(f"事项的实施部门“{matter.department}”已停用。", "matter")
    if window is not None:
        if not window.hall.is_active or not window.is_open:
            raise CaseError(f"窗口“{window}”未开放。", "window")
        if window.kind != "comprehensive" and not window.matters.filter(pk=matter.pk).exists():
            raise CaseError(f"窗口“{window}”不办理事项“{matter.name}”。", "window")
    if hall is not None and not hall.is_active:
        raise CaseError(f"大厅“{hall}”已停用。", "hall")


def _next_number(department, year: int) -> str:
    """The next serial of the department's year, taken in one statement (UPDATE … RETURNING holds the
    row lock to the end of the transaction, so two cases never get one number)."""
    from django.db import connection

    table = CaseCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE department_id = %s AND year = %s RETURNING last"  # noqa: S608  (table name from the model, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [department.pk, year])
        row = cursor.fetchone()
    if row is None:  # the department's first case of the year
        CaseCounter.objects.get_or_create(department=department, year=year)
        return _next_number(department, year)
    return f"{year}-{department.pk:03d}-{row[0]:06d}"


def material_rows(matter) -> list:
    """The matter's materials a case asks for, in order (exempt ones, shared by departments, left out):
    index i everywhere (forms, pushes, 补正) is material i of the case."""
    return [m for m in matter.materials.all() if not m.exempt]


def frozen_materials(matter) -> list[dict]:
    from matters.models import Necessity

    return [
        {"name": m.name, "necessity": m.necessity, "optional": m.necessity != Necessity.REQUIRED}
        for m in material_rows(matter)
    ]


def _actor_name(user, fallback: str = "") -> str:
    if user is None:
        return fallback or "系统"
    return (user.get_full_name() or user.get_username())[:100]


@retry_if_locked
def open_case(intake: Intake, *, user=None, source_user=None) -> tuple[Case, bool]:
    """Open a case; (case, created). A pushed case with an ``external_id`` already seen is returned as is."""
    matter, window, hall = intake.matter, intake.window, intake.hall
    if intake.channel not in Channel.values:
        raise CaseError("申请渠道不正确。", "channel")
    external_id = _text(intake.external_id, "业务系统办件号", "external_id", 64)
    if source_user is not None and external_id:
        existing = next(
            iter(Case.objects.filter(source_user=source_user, external_id=external_id).order_by()[:1]), None
        )
        if existing is not None:
            return existing, False
    if window is not None:
        hall = window.hall
    _check_matter(matter, window, hall)
    applied_at = intake.applied_at or timezone.now()
    if applied_at > timezone.now() + datetime.timedelta(minutes=5):
        raise CaseError("申请时间不能晚于当前时间。", "applied_at")
    case = Case(
        department=matter.department,
        matter=matter,
        matter_name=matter.name,
        matter_code=matter.implementation_code,
        matter_revision=matter.live_revision_id,
        promised_limit=matter.promised_limit,
        statutory_limit=matter.statutory_limit,
        immediate=matter.promised_limit == 0,
        level=", ".join(sorted(t.name for t in matter.exercise_levels.all()))[:30],
        applicant_kind=intake.applicant.kind,
        applicant_name=intake.applicant.name,
        id_type=intake.applicant.id_type,
        id_number=intake.applicant.id_number,
        phone=intake.applicant.phone,
        email=intake.applicant.email,
        contact_person=intake.applicant.contact_person,
        channel=intake.channel,
        hall=hall,
        window=window,
        source_user=source_user,
        external_id=external_id,
        registered_by=user,
        applied_at=applied_at,
        visits=1 if intake.channel == Channel.WINDOW else 0,
    )
    case.number = _next_number(matter.department, timezone.localtime(applied_at).year)
    case.save()
    frozen = frozen_materials(matter)
    received = set(range(len(frozen)) if intake.received is None else intake.received)
    deferred = set(intake.deferred)
    materials = []
    for index, item in enumerate(frozen):
        upload = intake.files.get(index)
        materials.append(
            CaseMaterial(
                case=case,
                name=item["name"],
                necessity=item["necessity"],
                received=index in received or upload is not None,
                deferred=index in deferred,
                file=upload or "",
                original_name=(getattr(upload, "original_name", "") or "")[:200],
                sort_order=index,
            )
        )
    if intake.files:
        for material in materials:
            material.save()  # one by one: a FileField is written to storage on save
    else:
        CaseMaterial.objects.bulk_create(materials)
    applied = CaseStep.objects.create(
        case=case,
        action="apply",
        label="申请",
        to_state=CaseState.APPLIED,
        on=timezone.localtime(applied_at).date(),
        actor=user,
        actor_name=_actor_name(user or source_user, "申请人"),
        note=f"通过{Channel(intake.channel).label}提交申请",
        external_id=external_id,
    )
    notify.notify(
        case,
        NoticeKind.RECEIVED,
        f"您的办件申请已收到（{case.number}）",
        f"您申请的“{case.matter_name}”已收到，办件编号 {case.number}，查询码 {case.lookup_code}。"
        "可凭办件编号和手机号码或查询码查询办理进度。",
    )
    case.opening_steps = [applied]  # the steps so far, for a caller that answers with them (no query)
    return case, True


@dataclass
class Step:
    """One step asked for: the action of ``cases.states`` and what it needs."""

    action: str
    on: datetime.date | None = None
    note: str = ""
    defects: Mapping[int, str] = field(default_factory=dict)  # 补正: material index -> what is wrong
    extra_defects: str = ""  # 补正 of something not in the materials list
    special_kind: str = ""
    expected_revision: int | None = None
    external_id: str = ""


def _step_date(case: Case, on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise CaseError("办理日期不能晚于今天。", "on")
    if on < timezone.localtime(case.applied_at).date():
        raise CaseError("办理日期不能早于申请日期。", "on")
    last = case.steps.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise CaseError(f"办理日期不能早于上一环节（{last:%Y-%m-%d}）。", "on")
    return on


@retry_if_locked
def act(case_id: int, step: Step, *, user=None, actor_name: str = "") -> Case:
    """Take one step on a case; refused steps change nothing."""
    case = Case.objects.select_for_update().select_related("department").get(pk=case_id)
    if step.expected_revision is not None and step.expected_revision != case.revision:
        raise CaseConflict("该办件已被他人办理（状态或内容已变化），请刷新后查看最新情况再操作。", "revision")
    if step.external_id and case.steps.filter(external_id=step.external_id).exists():
        return case  # a hall system re-sending a step it reported before
    reason = refusal(case.state, step.action)
    if reason:
        raise CaseError(reason, "action")
    action = ACTIONS[step.action]
    note = _text(step.note, "意见或理由", "note")
    if action.needs_note and not note:
        raise CaseError(f"“{action.label}”须写明理由。", "note")
    on = _step_date(case, step.on)
    previous = case.state
    step.note = note
    handler = getattr(_HANDLERS, step.action, None)
    subject_body = handler(case, step, on, note) if handler else None
    case.state = action.target
    reading = clock.read(case, today=on)
    clock.apply(case, reading)
    light = clock.light_of(case, timezone.localdate())
    if light != case.light:  # the day it turned this colour (kept while it stays so)
        case.light, case.light_since = light, timezone.localdate() if light else None
    case.revision += 1
    case.save()
    CaseStep.objects.create(
        case=case,
        action=step.action,
        label=action.label,
        from_state=previous,
        to_state=case.state,
        on=on,
        actor=user,
        actor_name=actor_name or _actor_name(user),
        note=step.note[:500],
        external_id=_text(step.external_id, "业务系统环节号", "external_id", 64),
    )
    if subject_body:
        kind, subject, body = subject_body
        notify.notify(case, kind, subject, body)
    if step.action in COMPLETING:
        transaction.on_commit(lambda: bump(RATES_VERSION))
    return case


class _Handlers:
    """What each step does beyond the state (dates, materials, special procedures), and its notice."""

    @staticmethod
    def accept(case: Case, step: Step, on: datetime.date, note: str):
        missing = case.materials.filter(necessity="required", received=False, deferred=False)
        names = "、".join(missing.values_list("name", flat=True)[:5])
        if names:
            raise CaseError(f"必要材料未收齐：{names}。请收取后再受理，或一次性告知补正。", "materials")
        case.accepted_on, deemed = clock.acceptance_date(case, on)
        if deemed:
            step.note = (note + "；" if note else "") + "超过五个工作日未告知补正，依法自收到申请之日起视为受理"
        due = clock.read(case, today=on).due_date
        return (
            NoticeKind.ACCEPTED,
            f"您的办件已受理（{case.number}）",
            f"您申请的“{case.matter_name}”已于{case.accepted_on:%Y年%m月%d日}受理，承诺于{due:%Y年%m月%d日}前办结。",
        )

    @staticmethod
    def amend(case: Case, step: Step, on: datetime.date, note: str):
        if case.amendments:
            raise CaseError("补正告知应一次性告知全部内容（《行政许可法》第三十二条），本件已告知过补正。", "defects")
        last_day = clock.amendment_last_day(case)
        if on > last_day:
            raise CaseError(
                f"补正告知应在收到申请后五个工作日内（{last_day:%Y-%m-%d}前）作出；逾期未告知的，"
                "自收到申请材料之日起即为受理（《行政许可法》第三十二条），请直接受理。",
                "on",
            )
        materials = {m.sort_order: m for m in case.materials.all()}
        named = []
        for index, defect in step.defects.items():
            material = materials.get(int(index))
            if material is None:
                raise CaseError(f"材料序号 {index} 不在本件的材料清单中。", "defects")
            defect = _text(defect, f"“{material.name}”的补正内容", "defects", 300) or "未提交或不符合要求"
            material.defect, material.received = defect, False
            material.save(update_fields=["defect", "received"])
            named.append(f"{material.name}：{defect}")
        extra = _text(step.extra_defects, "其他补正内容", "defects", 300)
        if extra:
            named.append(extra)
        if not named:
            raise CaseError("请一次性列明需要补正的全部材料或内容。", "defects")
        case.amendments += 1
        step.note = "；".join(named)[:500]
        return (
            NoticeKind.AMENDMENT,
            f"补正告知（{case.number}）",
            f"您申请的“{case.matter_name}”需要补正以下全部内容：\n" + "\n".join(named) + "\n补正后即可受理。",
        )

    @staticmethod
    def resubmit(case: Case, step: Step, on: datetime.date, note: str):
        case.materials.exclude(defect="").update(received=True)
        case.visits += 1 if case.channel == Channel.WINDOW else 0
        return None

    @staticmethod
    def reject(case: Case, step: Step, on: datetime.date, note: str):
        case.closed_on = on
        return (
            NoticeKind.REJECTED,
            f"不予受理通知（{case.number}）",
            f"您申请的“{case.matter_name}”不予受理，理由：{note}。如不服，可依法申请行政复议或提起行政诉讼。",
        )

    @staticmethod
    def special_start(case: Case, step: Step, on: datetime.date, note: str):
        if step.special_kind not in SpecialKind.values:
            raise CaseError("请选择特别程序的种类（检验、检测、检疫、鉴定、专家评审、听证、公示）。", "special_kind")
        SpecialProcedure.objects.create(case=case, kind=step.special_kind, started_on=on, note=note[:300])
        label = SpecialKind(step.special_kind).label
        return (
            NoticeKind.SPECIAL,
            f"特别程序告知（{case.number}）",
            f"您申请的“{case.matter_name}”自{on:%Y年%m月%d日}起进入{label}程序，所需时间不计入办理时限（《行政许可法》第四十五条）。",
        )

    @staticmethod
    def special_end(case: Case, step: Step, on: datetime.date, note: str):
        case.special_procedures.filter(ended_on__isnull=True).update(ended_on=on)
        return None

    @staticmethod
    def _complete(case: Case, on: datetime.date, approved: bool, note: str):
        case.completed_on = on
        case.outcome_note = note
        verdict = "准予许可" if approved else f"不予许可，理由：{note}。如不服，可依法申请行政复议或提起行政诉讼"
        return (
            NoticeKind.COMPLETED,
            f"办结通知（{case.number}）",
            f"您申请的“{case.matter_name}”已于{on:%Y年%m月%d日}办结：{verdict}。",
        )

    @staticmethod
    def approve(case: Case, step: Step, on: datetime.date, note: str):
        return _Handlers._complete(case, on, True, note)

    @staticmethod
    def deny(case: Case, step: Step, on: datetime.date, note: str):
        return _Handlers._complete(case, on, False, note)

    @staticmethod
    def complete_now(case: Case, step: Step, on: datetime.date, note: str):
        if case.accepted_on is None:
            case.accepted_on = on
        if case.accepted_on != on:
            raise CaseError("当场办结只适用于受理当日办结的办件，请选择“办结（准予）”。", "action")
        return _Handlers._complete(case, on, True, note)

    @staticmethod
    def deliver(case: Case, step: Step, on: datetime.date, note: str):
        case.delivered_on = on
        return (
            NoticeKind.DELIVERED,
            f"出件通知（{case.number}）",
            f"您申请的“{case.matter_name}”的办理结果已于{on:%Y年%m月%d日}送达。",
        )

    @staticmethod
    def withdraw(case: Case, step: Step, on: datetime.date, note: str):
        case.closed_on = on
        return (NoticeKind.WITHDRAWN, f"撤回确认（{case.number}）", f"您申请的“{case.matter_name}”已按您的要求撤回。")


_HANDLERS = _Handlers()
