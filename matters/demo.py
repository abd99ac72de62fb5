"""Turn the demo catalog specs (matters/demo_data.py) into matters, the way editors would.

Each matter is saved as a draft, gets a revision by the demo administrator and is published
(so it goes through the same signals, standards check and log as an admin publication); the
suspended, cancelled and delegated ones then go through `matters.lifecycle`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core import demo
from permissions.grants import deferred_grants
from permissions.models import Department

from . import demo_data as dm
from . import lifecycle
from .models import FAQ, Fee, HandlingPlace, LegalBasis, Material, Matter, MatterType, ProcessStep, Term

LEVEL_TERMS = {"city": "city", "county": "county", "town": "town", "community": "community"}
SCOPE_TERMS = {"city": "city", "county": "county", "town": "town", "community": "village"}
REMEDIES = (
    "申请人对办理结果不服的，可以自知道该行为之日起六十日内依法申请行政复议，"
    "或者自知道或者应当知道该行为之日起六个月内依法提起行政诉讼。"
)
COMPLAINT = "示范市12345政务服务便民热线；示范市政务服务管理办公室 0999-8800123；“好差评”系统在线评价"
CONDITIONS = {
    "licence": "申请人具备法律、法规规定的条件，申请材料齐全、符合法定形式。",
    "licence_field": "申请人具备法律、法规规定的条件，申请材料齐全、符合法定形式，经营（执业）场所经现场核查符合要求。",
    "registration": "申请人提交的登记材料齐全、符合法定形式，名称、住所等登记事项符合规定。",
    "confirm": "申请人符合法律、法规规定的条件，提交的材料真实、齐全。",
    "benefit": "申请人符合本市规定的保障（补贴）条件，如实申报家庭成员、收入和财产状况。",
    "instant": "申请人本人到场，证件材料齐全有效。",
    "online": "申请人通过实名认证，信息填报完整。",
    "service": "申请人身份信息真实，诉求或申请事项属于本部门职责范围。",
}
STEP_ROLES = {"受理": "受理人员", "申请受理": "受理人员", "审查": "审查人员", "审核": "审核人员", "决定": "决定人员"}
DEFAULT_VISIT_REASON = "须现场核验原件并签字确认"
DELEGATION_REASON = "按照市政府权力下放目录，由基层就近办理"


@dataclass
class Result:
    created: int = 0
    delegated: int = 0


def _place_key(spec: dm.Spec) -> str:
    if spec.place:
        return spec.place
    if spec.department.startswith("donghu"):
        return "donghu"
    if spec.department.startswith("xishan"):
        return "xishan"
    return spec.department if spec.department in dm.PLACES else "city"


def _place(key: str, department_key: str) -> HandlingPlace:
    name, address, phone, hours = dm.PLACES[key]
    window = dm.WINDOWS.get(department_key, "综合受理窗口") if key == "city" else "综合受理窗口"
    return HandlingPlace(name=f"{name} {window}", address=address, phone=phone, hours=hours)


def _steps(profile: dm.Profile, promised: int, department: Department) -> list[ProcessStep]:
    """The profile's steps; steps without a time share what the promised limit leaves."""
    fixed = sum(days for _, days in profile.steps if days is not None)
    open_steps = [name for name, days in profile.steps if days is None]
    left = max(promised - fixed, 0)
    shares = [left // len(open_steps) + (1 if i < left % len(open_steps) else 0) for i in range(len(open_steps))]
    steps = []
    for name, days in profile.steps:
        if days is None:
            days = shares.pop(0)
        steps.append(
            ProcessStep(
                name=name,
                role=STEP_ROLES.get(name, "经办人员"),
                handler=department.short_name,
                time_limit=days,
                criteria="材料齐全、符合法定形式，按规定时限办结。",
            )
        )
    return steps


class CatalogLoader:
    """Creates the demo matters that do not exist yet (by implementation code)."""

    def __init__(self, departments: dict[str, Department], user) -> None:
        self.departments = departments
        self.user = user
        self.types = {t.code: t for t in MatterType.objects.all()}
        self.terms: dict[tuple[str, str], Term] = {}
        for term in Term.objects.all():
            self.terms[(term.vocabulary, term.key or term.name)] = term
            self.terms.setdefault((term.vocabulary, term.name), term)

    def term(self, vocabulary: str, key: str) -> Term:
        return self.terms[(vocabulary, key)]

    def codes(self) -> list[tuple[dm.Spec, str, str]]:
        """(spec, implementation code, basic code) for every spec, stable across runs."""
        serials: Counter[str] = Counter()
        basic: dict[tuple[str, str], str] = {}
        rows = []
        for spec in dm.SPECS:
            serials[spec.department] += 1
            credit = self.departments[spec.department].credit_code
            base_name = spec.name.split("（")[0]
            key = (spec.type_code, base_name)
            basic.setdefault(key, f"{spec.type_code}99{len(basic) + 1:08d}")
            rows.append((spec, f"{credit}{spec.type_code}{serials[spec.department]:04d}", basic[key]))
        return rows

    def load(self) -> Result:
        result = Result()
        existing = set(Matter.objects.values_list("implementation_code", flat=True))
        delegations = []
        for spec, code, basic_code in self.codes():
            if code in existing:
                continue
            matter = self.build(spec, code, basic_code)
            self.publish(matter, spec)
            result.created += 1
            if spec.delegate_to:
                delegations.append((matter, spec))
        for matter, spec in delegations:
            self.delegate(matter, spec)
            result.delegated += 1
        return result

    def build(self, spec: dm.Spec, code: str, basic_code: str) -> Matter:
        department = self.departments[spec.department]
        profile = dm.PROFILES[spec.profile]
        o = spec.overrides
        statutory = o.get("statutory", profile.statutory)
        promised = o.get("promised", profile.promised)
        depth = o.get("depth", profile.depth)
        visits = 0 if depth == 4 else o.get("visits", profile.visits)
        place_key = _place_key(spec)
        place = _place(place_key, spec.department)
        materials = [Material(**{"source": "applicant", **dm.MATERIALS[key]}) for key in spec.materials]
        intermediaries = [m.source_note or m.name for m in materials if m.source == "intermediary"]
        matter = Matter(
            department=department,
            implementation_code=code,
            basic_code=basic_code,
            name=spec.name,
            matter_type=self.types[spec.type_code],
            power_source=self.term("power_source", "statutory"),
            body_nature=self.term("body_nature", "legal_body"),
            acceptance_conditions=CONDITIONS[spec.profile],
            no_materials_needed=not materials,
            handling_type=self.term("handling_type", profile.handling),
            statutory_limit=statutory,
            statutory_limit_note="" if statutory is None else f"自受理之日起{statutory}个工作日",
            promised_limit=promised,
            promised_limit_note="当场办结" if promised == 0 else f"自受理之日起{promised}个工作日",
            is_charged=spec.fee is not None,
            online_payment=spec.fee is not None and depth >= 3,
            visits=visits,
            visit_reason=(o.get("visit_reason") or DEFAULT_VISIT_REASON) if visits else "",
            online_depth=self.term("online_depth", f"depth_{depth}"),
            online_url=f"https://zwfw.shifan.gov.cn/item/{code}" if depth >= 2 else "",
            appointment=department.level in ("city", "county") and visits > 0,
            express_delivery=depth >= 3 and profile.result_type == "licence",
            self_service=spec.profile == "online",
            in_hall=visits > 0,
            service_scope=self.term("service_scope", SCOPE_TERMS[department.level]),
            consultation=f"{place.name}，电话 {place.phone}；12345政务服务便民热线",
            complaint=COMPLAINT,
            result_type=self.term("result_type", o.get("result_type", profile.result_type)),
            result_name=spec.result_name or spec.name,
            rights="依法获得办理结果；对办理过程和结果享有知情权、陈述权、申辩权和监督权。",
            obligations="如实提交申请材料，并对材料的真实性负责。",
            remedies=REMEDIES,
            intermediary_exists=bool(intermediaries),
            intermediary_name="、".join(dict.fromkeys(intermediaries))[:200],
            intermediary_content="出具申请材料所需的技术报告或证明" if intermediaries else "",
            live=False,
        )
        bases = o.get("bases", spec.bases)
        matter.legal_bases = [
            LegalBasis(law_name=law, document_number=number, article=article, text=text)
            for law, number, article, text in (dm.BASES[key] for key in bases)
        ]
        matter.materials = materials
        matter.steps = _steps(profile, promised or 0, department)
        matter.places = [place]
        if spec.fee:
            name, standard, basis = spec.fee
            matter.fees = [Fee(name=name, standard=standard, basis=basis, reducible=False)]
        matter.faqs = [
            FAQ(
                question="办理这个事项需要跑几次？",
                answer="全程网上办理，无需到现场。" if visits == 0 else f"材料齐全的，最多跑{visits}次。",
            )
        ]
        objects = {"n": ["natural_person"], "l": ["legal_enterprise"], "nl": ["natural_person", "legal_enterprise"]}
        matter.service_objects.set([self.term("service_object", key) for key in objects[spec.objects]])
        matter.natural_themes.set([self.term("natural_theme", name) for name in spec.natural_themes])
        matter.legal_themes.set([self.term("legal_theme", name) for name in spec.legal_themes])
        matter.exercise_levels.set([self.term("level", LEVEL_TERMS[department.level])])
        forms = ["online"] if depth == 4 else ["window", "online"] if depth >= 2 else ["window"]
        matter.handling_forms.set([self.term("handling_form", key) for key in forms])
        matter.full_clean()
        matter.save()
        return matter

    def publish(self, matter: Matter, spec: dm.Spec) -> None:
        revision = matter.save_revision(user=self.user, log_action=True)
        if spec.status == "draft":
            return
        revision.publish(user=self.user)
        matter.refresh_from_db()
        if spec.status == "suspended":
            lifecycle.change_state(matter, self.user, "suspend", "主管部门通知暂停受理，待系统升级后恢复")
        elif spec.status == "cancelled":
            lifecycle.change_state(matter, self.user, "cancel", "根据上级权责清单调整，本事项已取消")

    def delegate(self, matter: Matter, spec: dm.Spec) -> None:
        target = self.departments[spec.delegate_to]
        record = lifecycle.delegate(matter, self.user, target, "delegated", DELEGATION_REASON)
        record.places = [_place(spec.delegate_to, spec.delegate_to)]
        record.save()
        record.save_revision(user=self.user, log_action=True).publish(user=self.user)


def load_catalog(departments: dict[str, Department], user) -> Result:
    """Create the missing demo matters; returns how many were made."""
    return CatalogLoader(departments, user).load()


@demo.register("matters", "事项目录", order=20)
def load(context: demo.DemoContext) -> dict[str, int]:
    with deferred_grants():
        created = load_catalog(context.departments, context.admin).created
    return {"事项": Matter.objects.count(), "本次新增": created}
