"""Standardisation checks (标准化检查, domain.md §1.4) and the completeness score.

Rules read a matter as it is in memory, children and many-to-many values included, so the
same function checks a form being submitted, a row being imported and a saved record.
Errors block submission and publication; warnings are shown on the matter and on the
department's dashboard.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from . import vocabularies as v

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    level: str  # ERROR or WARNING
    code: str
    field: str  # the element concerned, as users name it
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def _keys(manager) -> set[str]:
    return {term.key for term in manager.all()}


def _term_key(term) -> str:
    return term.key if term is not None else ""


def check(matter) -> list[Issue]:
    """Every per-record rule of domain.md §1.4, errors first."""
    issues: list[Issue] = []
    err = lambda code, field, msg: issues.append(Issue(ERROR, code, field, msg))  # noqa: E731
    warn = lambda code, field, msg: issues.append(Issue(WARNING, code, field, msg))  # noqa: E731

    handling = _term_key(matter.handling_type)
    statutory, promised = matter.statutory_limit, matter.promised_limit

    if statutory is not None and promised is not None and promised > statutory:
        err(
            "promised_over_statutory",
            "承诺办结时限",
            f"承诺办结时限（{promised}个工作日）不能超过法定办结时限（{statutory}个工作日）。",
        )
    if handling == v.IMMEDIATE and promised != 0:
        err("immediate_not_zero", "承诺办结时限", "即办件的承诺办结时限应为0。")
    if handling == v.PROMISED and not promised:
        err("promised_zero", "承诺办结时限", "承诺件须填写大于0的承诺办结时限。")

    fees = list(matter.fees.all())
    if matter.is_charged:
        if not fees:
            err("fee_missing", "收费标准", "收费事项须填写收费项目、收费标准和收费依据。")
        for fee in fees:
            if not (fee.standard or "").strip() or not (fee.basis or "").strip():
                err("fee_incomplete", "收费标准", f"收费项目“{fee.name}”须同时填写收费标准和收费依据。")
    elif fees:
        warn("fee_but_free", "是否收费", "填写了收费项目，但“是否收费”为否。")

    depth = _term_key(matter.online_depth)
    if depth == v.DEPTH_4 and matter.visits > 0:
        err("depth4_visits", "到办事现场次数", "网上办理深度为Ⅳ级（全程网办）的事项，到办事现场次数应为0。")
    if matter.visits > 0 and not (matter.visit_reason or "").strip():
        err("visit_reason", "必须现场办理原因说明", "到办事现场次数不为0时，须说明必须现场办理的原因。")

    if not list(matter.legal_bases.all()):
        err("no_basis", "设定依据", "至少须有一条设定依据。")
    if not list(matter.materials.all()) and not matter.no_materials_needed:
        err("no_materials", "申请材料", "没有申请材料；如确实无需材料，请勾选“无需提交材料”。")

    objects = _keys(matter.service_objects)
    if v.NATURAL_PERSON in objects and not list(matter.natural_themes.all()):
        err("natural_theme", "面向自然人主题分类", "服务对象包括自然人，须选择面向自然人主题分类。")
    if objects - {v.NATURAL_PERSON} and not list(matter.legal_themes.all()):
        err("legal_theme", "面向法人主题分类", "服务对象包括法人或其他组织，须选择面向法人主题分类。")

    department = getattr(matter, "department", None) if matter.department_id else None
    if department is not None and not matter.implementation_code.startswith(department.credit_code):
        err(
            "code_prefix",
            "实施编码",
            f"实施编码应以实施主体的统一社会信用代码“{department.credit_code}”开头。",
        )

    if matter.matter_type_id and matter.matter_type.key == v.LICENSING and statutory is None:
        warn("licensing_no_statutory", "法定办结时限", "行政许可事项应填写法定办结时限。")
    if statutory and promised is not None and promised == statutory:
        warn("no_compression", "承诺办结时限", "承诺办结时限与法定办结时限相同，未压缩办理时间。")

    issues.sort(key=lambda issue: issue.level != ERROR)
    return issues


# The elements a complete record has (domain.md §1.1), each a test on the matter.
COMPLETENESS_ELEMENTS: list[tuple[str, callable]] = [
    ("基本编码", lambda m: bool(m.basic_code)),
    ("权力来源", lambda m: m.power_source_id is not None),
    ("实施主体性质", lambda m: m.body_nature_id is not None),
    ("行使层级", lambda m: bool(list(m.exercise_levels.all()))),
    ("设定依据", lambda m: bool(list(m.legal_bases.all()))),
    ("受理条件", lambda m: bool(m.acceptance_conditions.strip())),
    ("申请材料", lambda m: bool(list(m.materials.all())) or m.no_materials_needed),
    ("办理流程", lambda m: bool(list(m.steps.all())) or bool(m.process_description.strip())),
    ("办件类型", lambda m: m.handling_type_id is not None),
    ("法定办结时限", lambda m: m.statutory_limit is not None),
    ("承诺办结时限", lambda m: m.promised_limit is not None),
    ("收费", lambda m: not m.is_charged or bool(list(m.fees.all()))),
    ("办理形式", lambda m: bool(list(m.handling_forms.all()))),
    ("网上办理深度", lambda m: m.online_depth_id is not None),
    ("服务对象", lambda m: bool(list(m.service_objects.all()))),
    ("主题分类", lambda m: bool(list(m.natural_themes.all())) or bool(list(m.legal_themes.all()))),
    ("办理地点", lambda m: bool(list(m.places.all()))),
    ("咨询方式", lambda m: bool(m.consultation.strip())),
    ("监督投诉方式", lambda m: bool(m.complaint.strip())),
    (
        "审批结果",
        lambda m: m.result_type_id is not None and (bool(m.result_name) or m.result_type.key == "none"),
    ),
    ("救济途径", lambda m: bool(m.remedies.strip())),
]


def completeness(matter) -> tuple[int, list[str]]:
    """Percentage of the standard elements present, and the names of those missing."""
    missing = [name for name, present in COMPLETENESS_ELEMENTS if not present(matter)]
    total = len(COMPLETENESS_ELEMENTS)
    return round(100 * (total - len(missing)) / total), missing


def apply_results(matter, issues: list[Issue] | None = None) -> list[Issue]:
    """Store the counts and score on the instance (saved with it); returns the issues.
    ``issues``: ``check(matter)`` when the caller has just made it (the rules read neither the
    status nor the publication fields, so a check made before publishing still holds)."""
    if issues is None:
        issues = check(matter)
    matter.check_errors = sum(1 for i in issues if i.is_error)
    matter.check_warnings = len(issues) - matter.check_errors
    matter.completeness = completeness(matter)[0]
    return issues


# ---- department-level rule: the same material named differently -------------------------

# Parenthetical remarks go; a title's 《》 marks go but its words stay.
_BRACKETS = re.compile(r"[（(【\[].*?[)）】\]]")
_NOISE = re.compile(r"[\s、，,。.;；:：\-—_/“”\"'《》<>]|复印件|原件|副本|正本|扫描件|电子版|一份|的")
_SYNONYMS = {"身份证": "居民身份证", "户口本": "居民户口簿", "户口簿": "居民户口簿"}


def material_key(name: str) -> str:
    """A comparison key under which differently written names of one material meet."""
    key = _NOISE.sub("", _BRACKETS.sub("", name or ""))
    for word, canonical in _SYNONYMS.items():
        if word in key and canonical not in key:
            key = key.replace(word, canonical)
    return key


def inconsistent_material_names(materials: Iterable) -> list[dict]:
    """Groups of materials (of one department's matters) that are one material named differently.

    ``materials`` are Material rows with ``matter`` loaded. Returns dicts with the names used
    and the matters using each name, for groups used by at least two matters.
    """
    groups: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for material in materials:
        key = material_key(material.name)
        if key:
            groups[key][material.name.strip()].add(material.matter)
    result = []
    for key, names in groups.items():
        matters = set().union(*names.values())
        if len(names) > 1 and len(matters) > 1:
            result.append({"key": key, "names": {n: sorted(ms, key=str) for n, ms in names.items()}})
    return sorted(result, key=lambda g: g["key"])
