"""The one-time notice (一次性告知单): what a guide tells a visitor to bring and where to go.

Built from the live matters at request time, for a guide (one matter) or a bundle (several,
with the materials merged). The print view, the PDF, the printed-edition record and the
"changed since last review" summary all read the same ``Notice``, so a printed sheet, the
screen and the staleness report never disagree.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from matters.models import Material, MaterialSource, MaterialType, Matter, MatterStatus, Necessity, PaperSpec
from matters.places import handling_places

# ---- formatting ---------------------------------------------------------------------------


def format_limit(days: int | None) -> str:
    """A time limit as visitors read it: 即办, N个工作日, or 未设定."""
    if days is None:
        return "未设定"
    if days == 0:
        return "即办"
    return f"{days}个工作日"


def status_notice(matter: Matter) -> str:
    """Why a matter cannot be applied for now, or "" when it can."""
    if not matter.live or matter.status == MatterStatus.DRAFT:
        return "本事项尚未发布，暂不受理。"
    if matter.status == MatterStatus.SUSPENDED:
        return "本事项已暂停办理，暂不受理申请。恢复办理后将在本页公布。"
    if matter.status == MatterStatus.CANCELLED:
        return "本事项已取消，不再受理申请。"
    return ""


_NAME_STRIP = re.compile(r"[\s《》〈〉“”\"'‘’]")


def material_key(name: str) -> str:
    """Names that differ only in width, spaces or quotation marks are the same material."""
    return _NAME_STRIP.sub("", unicodedata.normalize("NFKC", name)).lower()


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = (value or "").strip()
        if value and value not in seen:
            seen.append(value)
    return seen


# ---- the notice ---------------------------------------------------------------------------


@dataclass
class NoticeMaterial:
    """One line of the checklist: a material from one source, and the matters that need it."""

    name: str
    source: str
    source_label: str
    requirement: str
    necessity: str
    necessity_label: str
    conditions: list[str]
    exempt: bool
    notes: list[str]
    matters: list[str]

    @property
    def required(self) -> bool:
        return self.necessity == Necessity.REQUIRED

    def summary(self) -> str:
        """The whole line as text (used for snapshots and the PDF)."""
        parts = [self.requirement, self.source_label]
        if not self.required:
            parts.append(self.necessity_label + ("：" + "；".join(self.conditions) if self.conditions else ""))
        if self.exempt:
            parts.append("免提交（部门间共享获取）")
        if len(self.matters) > 1:
            parts.append("用于：" + "、".join(self.matters))
        return "；".join(p for p in parts if p)


@dataclass
class NoticePlace:
    """One hall (from the windows that take the matters) or one of a matter's own places."""

    name: str
    address: str
    hours: str
    phone: str
    matters: list[str] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)  # "A01 综合受理窗口" of the hall, in its order
    window_matters: dict[str, list[str]] = field(default_factory=dict, repr=False)


@dataclass
class NoticeMatter:
    name: str
    code: str
    department: str
    version: int
    status_notice: str
    conditions: str
    handling_type: str
    statutory: str
    promised: str
    visits: str
    online: str
    fees: list[str]
    result: str
    stage: int = 1


@dataclass
class Notice:
    title: str
    matters: list[NoticeMatter]
    materials: list[NoticeMaterial]
    places: list[NoticePlace]
    statutory_total: str
    promised_total: str
    consultation: list[str]
    complaint: list[str]
    windows_note: str = ""
    is_bundle: bool = False
    one_window: list[NoticePlace] = field(default_factory=list)  # 一件事: the windows taking every matter

    @property
    def unavailable(self) -> list[NoticeMatter]:
        return [m for m in self.matters if m.status_notice]

    @property
    def checklist(self) -> list[NoticeMaterial]:
        """What the visitor brings: everything not obtained through data sharing."""
        return [m for m in self.materials if not m.exempt]

    @property
    def exempt_materials(self) -> list[NoticeMaterial]:
        return [m for m in self.materials if m.exempt]

    # ---- snapshots, for printed editions and review summaries ---------------------------
    def snapshot(self) -> dict:
        """Everything a printed sheet says, as labelled plain values (stable JSON)."""
        data: dict = {"标题": self.title}
        for m in self.matters:
            prefix = f"{m.name}·" if self.is_bundle else ""
            data[f"{prefix}事项"] = f"{m.name}（{m.code}，{m.department}）"
            data[f"{prefix}事项状态"] = m.status_notice or "正常受理"
            data[f"{prefix}受理条件"] = m.conditions
            data[f"{prefix}法定办结时限"] = m.statutory
            data[f"{prefix}承诺办结时限"] = m.promised
            data[f"{prefix}到办事现场次数"] = m.visits
            data[f"{prefix}收费"] = "；".join(m.fees) if m.fees else "不收费"
            if self.is_bundle:
                data[f"{prefix}办理顺序"] = f"第{m.stage}步"
        if self.is_bundle:
            data["合计法定时限"] = self.statutory_total
            data["合计承诺时限"] = self.promised_total
            data["综合窗口"] = self.windows_note
        data["申请材料"] = {m.name + (f"（{m.source_label}）" if m.source else ""): m.summary() for m in self.materials}
        data["办理地点"] = {p.name: f"{p.address}；{p.hours}；{p.phone}".strip("；") for p in self.places}
        data["咨询方式"] = "；".join(self.consultation)
        data["监督投诉"] = "；".join(self.complaint)
        return data


def digest(snapshot: dict) -> str:
    """A short, stable fingerprint of a snapshot: the printed edition's code."""
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def describe_changes(old: dict, new: dict) -> list[str]:
    """What differs between two snapshots, in sentences a visitor or reviewer can act on."""
    changes: list[str] = []
    for label in _unique([*old.keys(), *new.keys()]):
        before, after = old.get(label), new.get(label)
        if before == after:
            continue
        if isinstance(before, dict) or isinstance(after, dict):
            before, after = before or {}, after or {}
            for key in after.keys() - before.keys():
                changes.append(f"{label}：新增“{key}”")
            for key in before.keys() - after.keys():
                changes.append(f"{label}：不再需要“{key}”" if label == "申请材料" else f"{label}：删除“{key}”")
            for key in sorted(before.keys() & after.keys()):
                if before[key] != after[key]:
                    changes.append(f"{label}：“{key}”由“{before[key]}”改为“{after[key]}”")
        elif before is None:
            changes.append(f"新增{label}：{after}")
        elif after is None:
            changes.append(f"删除{label}（原为“{before}”）")
        else:
            changes.append(f"{label}：由“{before}”改为“{after}”")
    return changes


# ---- building ----------------------------------------------------------------------------


def _requirement(material_type: str, form: str, originals: int, copies: int, specs: Sequence[str]) -> str:
    parts = []
    if material_type in (MaterialType.ORIGINAL, MaterialType.BOTH) and originals:
        parts.append(f"原件{originals}份")
    if material_type in (MaterialType.COPY, MaterialType.BOTH) and copies:
        parts.append(f"复印件{copies}份")
    if not parts:
        parts.append(MaterialType(material_type).label)
    text = "、".join(parts) + "，" + {"paper": "纸质", "electronic": "电子", "both": "纸质和电子"}[form]
    specs = [s for s in specs if s != PaperSpec.ANY]
    if specs and form != "electronic":
        text += "，" + "/".join(specs) + "纸"
    return text


def merge_materials(pairs: Iterable[tuple[Matter, Iterable[Material]]]) -> list[NoticeMaterial]:
    """One checklist line per (material, source): the same material from the same source is
    asked for once, listing every matter that needs it; from different sources it is kept apart.

    Where the matters ask differently, the line asks for the most: originals and copies at
    the largest count, required if any matter requires it, exempt only if every matter
    obtains it through data sharing.
    """
    groups: dict[tuple[str, str], list[tuple[Matter, Material]]] = {}
    for matter, materials in pairs:
        for material in materials:
            groups.setdefault((material_key(material.name), material.source), []).append((matter, material))
    lines = []
    for (_, source), items in groups.items():
        materials = [m for _, m in items]
        types = {m.material_type for m in materials}
        forms = {m.material_form for m in materials}
        material_type = types.pop() if len(types) == 1 else MaterialType.BOTH
        form = forms.pop() if len(forms) == 1 else "both"
        necessities = {m.necessity for m in materials}
        if Necessity.REQUIRED in necessities:
            necessity = Necessity.REQUIRED
        elif Necessity.DEFERRABLE in necessities:
            necessity = Necessity.DEFERRABLE
        else:
            necessity = Necessity.CONDITIONAL
        source_notes = _unique(m.source_note for m in materials)
        source_label = MaterialSource(source).label + (f"（{'、'.join(source_notes)}）" if source_notes else "")
        lines.append(
            NoticeMaterial(
                name=materials[0].name.strip(),
                source=source,
                source_label=source_label,
                requirement=_requirement(
                    material_type,
                    form,
                    max(m.original_copies for m in materials),
                    max(m.copy_copies for m in materials),
                    _unique(m.paper_spec for m in materials),
                ),
                necessity=necessity,
                necessity_label=Necessity(necessity).label,
                conditions=[] if necessity == Necessity.REQUIRED else _unique(m.condition for m in materials),
                exempt=all(m.exempt for m in materials),
                notes=_unique(m.fill_instructions for m in materials),
                matters=_unique(matter.name for matter, _ in items),
            )
        )
    return lines


def merge_places(matters: Iterable[Matter]) -> list[NoticePlace]:
    """Each place once (a hall by its record, a matter's own place by name and address), with the
    matters handled there and the hall's windows that take them (``matters.places``: the halls'
    windows, else the matter's own places)."""
    matters = list(matters)
    by_matter = handling_places(matters)
    places: dict[object, NoticePlace] = {}
    for matter in matters:
        for place in by_matter[matter.pk]:
            key = place.key or (place.name.strip(), place.address.strip())
            if key not in places:
                places[key] = NoticePlace(place.name, place.address, place.hours, place.phone)
            merged = places[key]
            if matter.name not in merged.matters:
                merged.matters.append(matter.name)
            for counter in place.windows:
                label = str(counter)
                if label not in merged.windows:
                    merged.windows.append(label)
                merged.window_matters.setdefault(label, []).append(matter.name)
    return list(places.values())


def one_window(places: Iterable[NoticePlace], matters: Iterable[Matter]) -> list[NoticePlace]:
    """一件事一窗受理: per hall, the windows that take every one of ``matters`` (none: an empty list)."""
    names = {m.name for m in matters}
    found = []
    for place in places:
        windows = [label for label in place.windows if names <= set(place.window_matters.get(label, ()))]
        if names and windows:
            found.append(NoticePlace(place.name, place.address, place.hours, place.phone, sorted(names), windows))
    return found


def _visits(matter: Matter) -> str:
    text = matter.get_visits_display()
    return f"{text}（{matter.visit_reason}）" if matter.visits and matter.visit_reason else text


def _fees(matter: Matter) -> list[str]:
    if not matter.is_charged:
        return []
    return [f"{fee.name}：{fee.standard}（依据：{fee.basis}）" for fee in matter.fees.all()] or [
        "收费（标准见窗口公示）"
    ]


def notice_matter(matter: Matter, stage: int = 1) -> NoticeMatter:
    online = matter.online_depth.name if matter.online_depth_id else ""
    if matter.online_url:
        online = f"{online}，网上办理：{matter.online_url}".lstrip("，")
    result = "：".join(p for p in (matter.result_type.name if matter.result_type_id else "", matter.result_name) if p)
    return NoticeMatter(
        name=matter.name,
        code=matter.implementation_code,
        department=matter.department.name,
        version=matter.version,
        status_notice=status_notice(matter),
        conditions=matter.acceptance_conditions.strip(),
        handling_type=matter.handling_type.name if matter.handling_type_id else "",
        statutory=format_limit(matter.statutory_limit),
        promised=format_limit(matter.promised_limit),
        visits=_visits(matter),
        online=online,
        fees=_fees(matter),
        result=result,
        stage=stage,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def combined_limit(staged: Sequence[tuple[int, int | None]]) -> int | None:
    """Working days for matters done stage by stage: stages add up, matters within one
    stage run in parallel (the longest counts). Unknown if any limit is unset."""
    if not staged or any(days is None for _, days in staged):
        return None
    by_stage: dict[int, int] = {}
    for stage, days in staged:
        by_stage[stage] = max(by_stage.get(stage, 0), days)
    return sum(by_stage.values())


def build_notice(
    title: str,
    staged_matters: Sequence[tuple[int, Matter]],
    *,
    is_bundle: bool = False,
    windows_note: str = "",
    promised_total: int | None = None,
) -> Notice:
    """The notice of a guide (one matter) or a bundle (several, in stages).

    ``staged_matters`` must come from ``Matter.with_elements`` so nothing is queried per item.
    A matter that cannot be applied for now keeps its line (with its status) but contributes
    no materials, places or time.
    """
    usable = [(stage, m) for stage, m in staged_matters if not status_notice(m)]
    consultation = _unique(line for _, m in usable for line in _lines(m.consultation))
    complaint = _unique(line for _, m in usable for line in _lines(m.complaint))
    computed_promised = combined_limit([(s, m.promised_limit) for s, m in usable])
    places = merge_places(m for _, m in usable)
    return Notice(
        title=title,
        matters=[notice_matter(m, stage) for stage, m in staged_matters],
        materials=merge_materials((m, [] if m.no_materials_needed else m.materials.all()) for _, m in usable),
        places=places,
        statutory_total=format_limit(combined_limit([(s, m.statutory_limit) for s, m in usable])),
        promised_total=format_limit(promised_total if promised_total is not None else computed_promised),
        consultation=consultation or ["12345 政务服务便民热线"],
        complaint=complaint or ["12345 政务服务便民热线"],
        windows_note=windows_note,
        is_bundle=is_bundle,
        one_window=one_window(places, (m for _, m in usable)) if is_bundle else [],
    )
