"""The Excel columns of the catalog (domain.md §1.3) as django-import-export resources.

Each column is an import-export ``Field`` whose widget both renders a value for export and
cleans a cell on import. ``render(clean(cell))`` is the canonical form of a cell: the importer
compares canonical forms, which is why a file exported here imports back with zero changes and
why "20个工作日", "２０" and "20" are the same value.

Export rows are plain dicts built from each matter's latest revision (what its editors work
on), so exporting thousands of matters costs a handful of queries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from import_export import fields, resources, widgets

from core.spreadsheets import cell_text, neutralise

from .models import (
    MaterialForm,
    MaterialSource,
    MaterialType,
    MatterStatus,
    MatterType,
    Necessity,
    Term,
    Vocabulary,
)
from .terms import TermResolver, normalise

MATTER_SHEET = "事项"
MATERIAL_SHEET = "申请材料"
STEP_SHEET = "办理环节"
FAQ_SHEET = "常见问题"
CODE = "实施编码"
LINE_SPLIT = re.compile(r"\s*(?:\r?\n|；|;)\s*")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Chinese."""


def plain(value) -> str:
    """A cell as text: trimmed, without the export-time formula guard, whole floats without
    ".0". Chinese punctuation is kept; parsers that need it use ``half_width``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(str(value).strip())


def half_width(value) -> str:
    """For codes and numbers: full-width digits, letters and spaces to half-width."""
    return unicodedata.normalize("NFKC", plain(value)).strip()


# ---- widgets ----------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    def __init__(self, max_length: int | None = None, required: bool = False, code: bool = False) -> None:
        super().__init__()
        self.max_length, self.required, self.code = max_length, required, code

    def clean(self, value, row=None, **kwargs) -> str:
        text = half_width(value).upper() if self.code else plain(value)
        if self.required and not text:
            raise CellError("不能为空。")
        if self.max_length and len(text) > self.max_length:
            raise CellError(f"长度为{len(text)}个字，超过上限{self.max_length}个字。")
        return text

    def render(self, value, obj=None, **kwargs) -> str:
        return neutralise(str(value or ""))


class WorkingDaysWidget(widgets.Widget):
    """Whole working days: 20, "20个工作日", "２０ 工作日", "即办" (0); blank is "not set"."""

    PATTERN = re.compile(r"^(\d+)\s*(?:个)?\s*(?:工作日|日|天)?$")

    def clean(self, value, row=None, **kwargs) -> int | None:
        text = half_width(value)
        if not text:
            return None
        if text in ("即办", "当场办结", "即时办结"):
            return 0
        match = self.PATTERN.match(text)
        if not match:
            raise CellError("应为整数个工作日，例如“20”或“20个工作日”；即办件填“即办”或0。")
        days = int(match.group(1))
        if days > 32767:
            raise CellError("时限过大。")
        return days

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


class VisitsWidget(widgets.Widget):
    PATTERN = re.compile(r"^(\d)\s*次?(?:及以上)?$")

    def clean(self, value, row=None, **kwargs) -> int:
        text = half_width(value)
        match = self.PATTERN.match(text)
        if not match or int(match.group(1)) > 3:
            raise CellError("应为0、1、2或3（次）。")
        return int(match.group(1))

    def render(self, value, obj=None, **kwargs):
        return int(value or 0)


class YesNoWidget(widgets.Widget):
    YES = {"是", "y", "yes", "true", "1", "收费", "√"}
    NO = {"否", "n", "no", "false", "0", "不收费", "免费", ""}

    def clean(self, value, row=None, **kwargs) -> bool:
        text = normalise(plain(value))
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise CellError("应为“是”或“否”。")

    def render(self, value, obj=None, **kwargs) -> str:
        return "是" if value else "否"


class ChoiceWidget(widgets.Widget):
    """A Django choice by its Chinese label (or its internal value)."""

    def __init__(self, choices, default: str | None = None, aliases: dict[str, str] | None = None) -> None:
        super().__init__()
        self.choices = dict(choices)
        self.default = default
        self.lookup = {normalise(label): value for value, label in self.choices.items()}
        self.lookup.update({normalise(value): value for value in self.choices})
        self.lookup.update({normalise(alias): value for alias, value in (aliases or {}).items()})

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = plain(value)
        if not text:
            if self.default is None:
                raise CellError("不能为空。")
            return self.default
        try:
            return self.lookup[normalise(text)]
        except KeyError:
            raise CellError(f"可选值为：{'、'.join(self.choices.values())}。") from None

    def render(self, value, obj=None, **kwargs) -> str:
        return str(self.choices.get(value, value or ""))


class TermWidget(widgets.Widget):
    """One term of an editable vocabulary, by name, code or alias."""

    def __init__(self, vocabulary: str, many: bool = False) -> None:
        super().__init__()
        self.vocabulary, self.many = vocabulary, many
        self.resolver = TermResolver()

    def reset(self, resolver: TermResolver) -> None:
        self.resolver = resolver

    def _choices(self) -> str:
        names = [t.name for t in Term.objects.of(self.vocabulary)]
        return "、".join(names[:40]) + ("等" if len(names) > 40 else "")

    def clean(self, value, row=None, **kwargs):
        text = plain(value)
        if self.many:
            terms, unknown = self.resolver.resolve_many(self.vocabulary, text)
            if unknown:
                raise CellError(f"无法识别“{'、'.join(unknown)}”；可选值为：{self._choices()}。")
            return terms
        if not text:
            return None
        term = self.resolver.resolve(self.vocabulary, text)
        if term is None:
            raise CellError(f"无法识别“{text}”；可选值为：{self._choices()}。")
        return term

    def render(self, value, obj=None, **kwargs) -> str:
        if self.many:
            return "、".join(term.name for term in value or [])
        return value.name if value else ""


class MatterTypeWidget(widgets.Widget):
    def __init__(self) -> None:
        super().__init__()
        self._types: list[MatterType] | None = None

    def clean(self, value, row=None, **kwargs) -> MatterType:
        text = normalise(plain(value))
        if not text:
            raise CellError("不能为空。")
        if self._types is None:  # once per resource, i.e. per import
            self._types = list(MatterType.objects.all())
        for matter_type in self._types:
            if text in (normalise(matter_type.name), normalise(matter_type.code)):
                return matter_type
        names = "、".join(t.name for t in self._types)
        raise CellError(f"无法识别“{plain(value)}”；可选值为：{names}。")

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value else ""


# Legal bases: one per line, "《法规名称》（文号）第X条", optionally "：条款内容" after the article.
BASIS_PATTERN = re.compile(
    r"^(?P<law>《[^》]+》)\s*(?:[（(](?P<number>[^）)]*)[）)])?\s*(?P<article>[^：:]*?)\s*(?:[：:]\s*(?P<text>.*))?$"
)
# Bases are split at new lines, and at a semicolon only where the next basis (a 《title》) starts:
# an article's text may itself contain semicolons.
BASIS_SPLIT = re.compile(r"\s*(?:\r?\n|[；;](?=\s*《))\s*")


@dataclass(frozen=True)
class BasisCell:
    law_name: str
    document_number: str
    article: str
    text: str = ""  # the article's text; blank keeps the record's text of the same law and article


def one_line(text: str) -> str:
    """A text as one line of a multi-line cell (line breaks would start another value)."""
    return " ".join(str(text or "").split())


class BasesWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> list[BasisCell]:
        result = []
        for line in BASIS_SPLIT.split(plain(value)):
            if not line:
                continue
            match = BASIS_PATTERN.match(line)
            if match:
                law, number, article = match.group("law"), match.group("number") or "", match.group("article")
                text = match.group("text") or ""
            else:
                law, number, article, text = line, "", "", ""
            if len(law) > 200 or len(article) > 100 or len(number) > 100:
                raise CellError(f"“{line[:30]}”过长：法规名称不超过200字，条款不超过100字。")
            result.append(BasisCell(law, number, article.strip(), text.strip()))
        return result

    def render(self, value, obj=None, **kwargs) -> str:
        lines = []
        for basis in value or []:
            number = f"（{basis.document_number}）" if basis.document_number else ""
            text = one_line(basis.text)
            lines.append(f"{basis.law_name}{number}{basis.article}" + (f"：{text}" if text else ""))
        return neutralise("\n".join(lines))


@dataclass(frozen=True)
class PlaceCell:
    name: str
    address: str
    phone: str = ""  # blank keeps the record's phone of the place of the same name


# "，电话：0999-8800000" at the end of a place line (digits first, so "，电话局路1号" is an address).
PHONE_SUFFIX = re.compile(r"[，,]\s*(?:联系)?电话[：:]?\s*(?P<phone>[0-9０-９+＋(（][0-9０-９+＋()（）\-－—/、 转]*)$")


class PlacesWidget(widgets.Widget):
    """Handling places, one per line: "名称，地址" (the address may be left out), optionally
    followed by "，电话：号码"."""

    def clean(self, value, row=None, **kwargs) -> list[PlaceCell]:
        places = []
        for line in LINE_SPLIT.split(plain(value)):
            if not line:
                continue
            phone = ""
            match = PHONE_SUFFIX.search(line)
            if match:
                phone, line = match.group("phone"), line[: match.start()]
            name, _, address = line.partition("，") if "，" in line else line.partition(",")
            if len(name) > 200 or len(address) > 300 or len(phone) > 60:
                raise CellError(f"“{line[:30]}”过长：名称不超过200字，地址不超过300字，电话不超过60字。")
            places.append(PlaceCell(name.strip(), address.strip(), phone.strip()))
        return places

    def render(self, value, obj=None, **kwargs) -> str:
        lines = []
        for place in value or []:
            parts = [place.name] + ([place.address] if place.address else [])
            if place.phone:
                parts.append(f"电话：{one_line(place.phone)}")
            lines.append("，".join(parts))
        return neutralise("\n".join(lines))


@dataclass(frozen=True)
class FeeCell:
    name: str
    standard: str


class FeesWidget(widgets.Widget):
    """Fee standards, one per line: "收费项目：收费标准"."""

    def clean(self, value, row=None, **kwargs) -> list[FeeCell]:
        fees = []
        for line in re.split(r"\s*\r?\n\s*", plain(value)):
            if not line:
                continue
            name, sep, standard = line.partition("：") if "：" in line else line.partition(":")
            if not sep:
                name, standard = "", line
            if len(name) > 200 or len(standard) > 200:
                raise CellError(f"“{line[:30]}”过长：收费项目和收费标准均不超过200字。")
            fees.append(FeeCell(name.strip(), standard.strip()))
        return fees

    def render(self, value, obj=None, **kwargs) -> str:
        return neutralise("\n".join(f"{f.name}：{f.standard}" if f.name else f.standard for f in value or []))


class LinesWidget(TextWidget):
    """A cell of several lines (fee bases), compared line by line."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        return [line for line in re.split(r"\s*\r?\n\s*", plain(value)) if line]

    def render(self, value, obj=None, **kwargs) -> str:
        return neutralise("\n".join(value or []))


class CopiesWidget(widgets.Widget):
    """纸质份数: "1", or "原件1份、复印件2份" when both are asked for."""

    PATTERN = re.compile(r"^(?:原件\s*(\d+)\s*份)?[、，,\s]*(?:复印件\s*(\d+)\s*份)?$")

    def clean(self, value, row=None, **kwargs) -> tuple[int | None, int | None]:
        text = half_width(value)
        if not text:
            return (None, None)
        if text.isdigit():
            return (int(text), None)
        match = self.PATTERN.match(text)
        if not match or not any(match.groups()):
            raise CellError("应为份数，例如“1”或“原件1份、复印件1份”。")
        return tuple(int(g) if g else 0 for g in match.groups())

    def render(self, value, obj=None, **kwargs):
        original, copy = value
        if copy is None:
            return original
        return f"原件{original}份、复印件{copy}份"


def copies_of(material: dict) -> tuple[int, int | None]:
    """纸质份数 of a material: one number unless both originals and copies are asked for."""
    kind = material.get("material_type", MaterialType.ORIGINAL)
    original, copy = material.get("original_copies", 1), material.get("copy_copies", 0)
    if kind == MaterialType.ORIGINAL and not copy:
        return (original, None)
    if kind == MaterialType.COPY and not original:
        return (copy, None)
    return (original, copy)


# ---- resources ---------------------------------------------------------------------------


def _field(attribute: str, column: str, widget: widgets.Widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


STATUS_WIDGET = ChoiceWidget(
    [(value, label) for value, label in MatterStatus.choices],
    default="",
    aliases={"在用": MatterStatus.IN_FORCE, "有效": MatterStatus.IN_FORCE, "取消": MatterStatus.CANCELLED},
)


class SheetResource(resources.Resource):
    """One sheet of the catalog workbook: columns in declaration order, all or nothing per import."""

    class Meta:
        use_transactions = True
        rollback_on_validation_errors = True
        use_bulk = False

    def get_export_order(self):
        return tuple(self.fields)


class MatterResource(SheetResource):
    """Sheet 事项: the minimum columns of domain.md §1.3, the elements the standardisation
    rules need (权力来源, 办理形式, 必须现场办理原因说明, 审批结果类型) and the other single-valued
    elements a 实施清单 carries (时限说明, 网上办理地址, 预约/快递/自助/进驻大厅, 通办范围, 权利义务,
    救济途径, 中介服务), so a whole matter fits in a workbook."""

    implementation_code = _field("implementation_code", CODE, TextWidget(50, required=True, code=True))
    basic_code = _field("basic_code", "基本编码", TextWidget(50, code=True))
    name = _field("name", "事项名称", TextWidget(200, required=True))
    matter_type = _field("matter_type", "事项类型", MatterTypeWidget())
    department_code = _field("department_code", "实施主体编码", TextWidget(18, required=True, code=True))
    department_name = _field("department_name", "实施主体", TextWidget(100))
    body_nature = _field("body_nature", "实施主体性质", TermWidget(Vocabulary.BODY_NATURE))
    power_source = _field("power_source", "权力来源", TermWidget(Vocabulary.POWER_SOURCE))
    exercise_levels = _field("exercise_levels", "行使层级", TermWidget(Vocabulary.LEVEL, many=True))
    legal_bases = _field("legal_bases", "设定依据", BasesWidget())
    acceptance_conditions = _field("acceptance_conditions", "受理条件", TextWidget())
    no_materials_needed = _field("no_materials_needed", "无需提交材料", YesNoWidget())
    handling_type = _field("handling_type", "办件类型", TermWidget(Vocabulary.HANDLING_TYPE))
    statutory_limit = _field("statutory_limit", "法定办结时限", WorkingDaysWidget())
    statutory_limit_note = _field("statutory_limit_note", "法定办结时限说明", TextWidget(300))
    promised_limit = _field("promised_limit", "承诺办结时限", WorkingDaysWidget())
    promised_limit_note = _field("promised_limit_note", "承诺办结时限说明", TextWidget(300))
    is_charged = _field("is_charged", "是否收费", YesNoWidget())
    fee_standards = _field("fee_standards", "收费标准", FeesWidget())
    fee_bases = _field("fee_bases", "收费依据", LinesWidget())
    online_payment = _field("online_payment", "支持网上支付", YesNoWidget())
    visits = _field("visits", "到办事现场次数", VisitsWidget())
    visit_reason = _field("visit_reason", "必须现场办理原因说明", TextWidget(300))
    online_depth = _field("online_depth", "网上办理深度", TermWidget(Vocabulary.ONLINE_DEPTH))
    online_url = _field("online_url", "网上办理地址", TextWidget(200))
    handling_forms = _field("handling_forms", "办理形式", TermWidget(Vocabulary.HANDLING_FORM, many=True))
    appointment = _field("appointment", "支持预约办理", YesNoWidget())
    express_delivery = _field("express_delivery", "支持物流快递", YesNoWidget())
    self_service = _field("self_service", "支持自助终端办理", YesNoWidget())
    in_hall = _field("in_hall", "进驻政务大厅", YesNoWidget())
    service_scope = _field("service_scope", "通办范围", TermWidget(Vocabulary.SERVICE_SCOPE))
    service_objects = _field("service_objects", "服务对象", TermWidget(Vocabulary.SERVICE_OBJECT, many=True))
    natural_themes = _field("natural_themes", "自然人主题分类", TermWidget(Vocabulary.NATURAL_THEME, many=True))
    legal_themes = _field("legal_themes", "法人主题分类", TermWidget(Vocabulary.LEGAL_THEME, many=True))
    places = _field("places", "办理地点", PlacesWidget())
    hours = _field("hours", "办理时间", TextWidget(200))
    consultation = _field("consultation", "咨询方式", TextWidget())
    complaint = _field("complaint", "监督投诉方式", TextWidget())
    result_type = _field("result_type", "审批结果类型", TermWidget(Vocabulary.RESULT_TYPE))
    result_name = _field("result_name", "办理结果名称", TextWidget(200))
    rights = _field("rights", "依法享有的权利", TextWidget())
    obligations = _field("obligations", "依法履行的义务", TextWidget())
    remedies = _field("remedies", "行政复议和行政诉讼途径", TextWidget())
    intermediary_exists = _field("intermediary_exists", "存在中介服务", YesNoWidget())
    intermediary_name = _field("intermediary_name", "中介服务名称", TextWidget(200))
    intermediary_content = _field("intermediary_content", "中介服务内容", TextWidget())
    status = _field("status", "事项状态", STATUS_WIDGET)

    #: Columns an import must have; the others may be left out (then they are not changed).
    REQUIRED = (CODE, "事项名称", "事项类型", "实施主体编码")

    def __init__(self, resolver: TermResolver | None = None) -> None:
        super().__init__()
        resolver = resolver or TermResolver()
        for field in self.fields.values():
            if isinstance(field.widget, TermWidget):
                field.widget.reset(resolver)


class MaterialResource(SheetResource):
    """Sheet 申请材料, one row per material, linked to its matter by 实施编码."""

    implementation_code = _field("implementation_code", CODE, TextWidget(50, code=True))
    name = _field("name", "材料名称", TextWidget(200, required=True))
    material_type = _field("material_type", "材料类型", ChoiceWidget(MaterialType.choices, MaterialType.ORIGINAL))
    material_form = _field("material_form", "材料形式", ChoiceWidget(MaterialForm.choices, MaterialForm.PAPER))
    copies = _field("copies", "纸质份数", CopiesWidget())
    necessity = _field("necessity", "必要性", ChoiceWidget(Necessity.choices, Necessity.REQUIRED))
    condition = _field("condition", "适用情形", TextWidget(300))
    source = _field(
        "source",
        "来源渠道",
        ChoiceWidget(MaterialSource.choices, MaterialSource.APPLICANT, aliases={"申请人": "applicant"}),
    )
    source_note = _field("source_note", "来源渠道说明", TextWidget(200))
    exempt = _field("exempt", "免提交", YesNoWidget())
    fill_instructions = _field("fill_instructions", "填报须知", TextWidget())

    REQUIRED = (CODE, "材料名称")


class StepResource(SheetResource):
    """Sheet 办理环节, one row per step, in order, linked to its matter by 实施编码."""

    implementation_code = _field("implementation_code", CODE, TextWidget(50, code=True))
    name = _field("name", "环节名称", TextWidget(100, required=True))
    role = _field("role", "办理处室/岗位", TextWidget(100))
    handler = _field("handler", "办理人", TextWidget(100))
    time_limit = _field("time_limit", "办理时限", WorkingDaysWidget())
    criteria = _field("criteria", "审查标准", TextWidget())
    special_procedure = _field("special_procedure", "有特别程序", YesNoWidget())

    REQUIRED = (CODE, "环节名称")


class FAQResource(SheetResource):
    """Sheet 常见问题, one row per question, in order, linked to its matter by 实施编码."""

    implementation_code = _field("implementation_code", CODE, TextWidget(50, code=True))
    question = _field("question", "问题", TextWidget(300, required=True))
    answer = _field("answer", "解答", TextWidget(required=True))

    REQUIRED = (CODE, "问题", "解答")


def canonical(field: fields.Field, value) -> str:
    """The comparable text of a cleaned value: what the widget would export."""
    rendered = field.widget.render(value)
    return "" if rendered is None else str(rendered)


def header_names(resource: resources.Resource) -> list[str]:
    return [field.column_name for field in resource.fields.values()]
