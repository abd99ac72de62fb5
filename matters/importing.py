"""Excel/CSV import and export of the catalog, the way departments actually work.

Reading a workbook gives an ``ImportPlan``: row by row new / changed (with the changed
columns) / unchanged / error, with every problem naming sheet, row, column and value. Nothing
is written unless the whole plan is free of errors, and then all in one transaction:

- changes become Wagtail revisions (never live writes behind Wagtail's back), published when
  the importer may publish in that department and otherwise submitted to the review workflow;
  records that are drafts stay drafts unless the row asks for 在用;
- 事项状态 changes go through ``matters.lifecycle`` with the batch as their reason;
- every touched matter gets a ``matters.import`` log entry naming the batch, and the batch
  keeps the revisions before and after so it can be reverted as a whole.

Columns a sheet leaves out are not touched; a column whose canonical value equals the record's
is not touched either, so details the sheet does not show (a basis's full text, a material's
blank form) survive an edit of the same matter in Excel.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

import tablib
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Max, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, ReferenceIndex, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update, reference_index_auto_update_disabled

from core.bulk import FieldCleaner, insert_rows, new_instance, references, serializable_data
from core.progress import no_progress
from core.signals import records_changed
from core.workbooks import import_limits, inspect_workbook, read_sheets
from permissions.grants import deferred_grants, records_saved
from permissions.models import Department
from permissions.policy import policy_for

from . import lifecycle, standards
from .models import (
    FAQ,
    ORDERED_CHILDREN,
    Fee,
    HandlingPlace,
    ImportBatch,
    LegalBasis,
    Material,
    Matter,
    MatterStatus,
    MatterType,
    ProcessStep,
    Term,
)
from .resources import (
    CODE,
    FAQ_SHEET,
    MATERIAL_SHEET,
    MATTER_SHEET,
    STEP_SHEET,
    BasisCell,
    CellError,
    FAQResource,
    FeeCell,
    MaterialResource,
    MatterResource,
    PlaceCell,
    StepResource,
    canonical,
    copies_of,
    half_width,
    plain,
)
from .terms import TermResolver, normalise

IMPORT_ACTION = "matters.import"
REVERT_ACTION = "matters.import_revert"
MAX_ROWS = 50_000
CHUNK = 500

M2M_COLUMNS = ("exercise_levels", "handling_forms", "service_objects", "natural_themes", "legal_themes")
SIMPLE_COLUMNS = (
    "basic_code",
    "name",
    "matter_type",
    "body_nature",
    "power_source",
    "acceptance_conditions",
    "no_materials_needed",
    "handling_type",
    "statutory_limit",
    "statutory_limit_note",
    "promised_limit",
    "promised_limit_note",
    "is_charged",
    "online_payment",
    "visits",
    "visit_reason",
    "online_depth",
    "online_url",
    "appointment",
    "express_delivery",
    "self_service",
    "in_hall",
    "service_scope",
    "consultation",
    "complaint",
    "result_type",
    "result_name",
    "rights",
    "obligations",
    "remedies",
    "intermediary_exists",
    "intermediary_name",
    "intermediary_content",
)
NOT_COMPARED = ("implementation_code", "department_code", "department_name", "status")
TRANSITIONS = {
    (MatterStatus.IN_FORCE, MatterStatus.SUSPENDED): "suspend",
    (MatterStatus.SUSPENDED, MatterStatus.IN_FORCE): "resume",
    (MatterStatus.IN_FORCE, MatterStatus.CANCELLED): "cancel",
    (MatterStatus.SUSPENDED, MatterStatus.CANCELLED): "cancel",
}


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, missing sheet or headers)."""


def _material_row(child: dict) -> dict:
    return {
        "name": child["name"],
        "material_type": child.get("material_type", "original"),
        "material_form": child.get("material_form", "paper"),
        "copies": copies_of(child),
        "necessity": child.get("necessity", "required"),
        "condition": child.get("condition", ""),
        "source": child.get("source", "applicant"),
        "source_note": child.get("source_note", ""),
        "exempt": child.get("exempt", False),
        "fill_instructions": child.get("fill_instructions", ""),
    }


@dataclass(frozen=True)
class ChildSheet:
    """A sheet of one kind of a matter's inline children, a row each, linked by 实施编码.

    A matter with rows in the sheet gets exactly those children, in that order; one without
    rows keeps its own. A row replaces the record's child of the same ``key`` (its name), so
    what the sheet does not show (a material's blank form) survives.
    """

    title: str
    relation: str  # the related name on Matter
    model: type
    resource: type
    key: str
    label: str  # one child, in messages
    not_validated: tuple[str, ...] = ("matter",)
    to_row: Callable[[dict], dict] | None = None  # a child in a revision -> its row; default: same names

    @cached_property
    def defaults(self) -> dict:
        attributes = [f.attribute for f in self.resource().fields.values() if f.attribute != "implementation_code"]
        return {a: self.model._meta.get_field(a).get_default() for a in attributes}

    def row(self, code: str, child: dict) -> dict:
        if self.to_row is not None:
            return {"implementation_code": code, **self.to_row(child)}
        return {"implementation_code": code, **{a: child.get(a, d) for a, d in self.defaults.items()}}


CHILD_SHEETS = (
    ChildSheet(
        MATERIAL_SHEET,
        "materials",
        Material,
        MaterialResource,
        key="name",
        label="材料",
        not_validated=("matter", "blank_form", "sample"),  # documents are attached in the admin
        to_row=_material_row,
    ),
    ChildSheet(STEP_SHEET, "steps", ProcessStep, StepResource, "name", "办理环节"),
    ChildSheet(FAQ_SHEET, "faqs", FAQ, FAQResource, "question", "常见问题"),
)


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”表" + (f"第{self.row}行" if self.row else "")
        column = f"“{self.column}”列" if self.column else ""
        value = f"（值：“{self.value[:40]}”）" if self.value else ""
        return f"{where}{column}{value}：{self.message}"


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (spreadsheet row number, {header: cell})


@dataclass
class RowPlan:
    row: int
    code: str
    name: str
    action: str = "unchanged"  # new, changed, unchanged, error
    changed: list[str] = field(default_factory=list)
    # column -> (current text, incoming text) of each changed 事项 column: the preview shows both
    diffs: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcome: str = ""  # draft, publish, submit ("" when nothing is written)
    transition: str = ""  # a lifecycle action for 事项状态
    values: dict = field(default_factory=dict, repr=False)
    children: dict[str, list[dict]] = field(default_factory=dict, repr=False)  # relation -> rows of its sheet
    matter: Matter | None = field(default=None, repr=False)
    department: Department | None = field(default=None, repr=False)
    obj: Matter | None = field(default=None, repr=False)
    issues: list | None = field(default=None, repr=False)  # standards.check(obj), made once

    OUTCOME_LABELS = {"draft": "保存为草稿", "publish": "直接发布", "submit": "提交审核"}
    ACTION_LABELS = {"new": "新增", "changed": "变更", "unchanged": "无变化", "error": "有错误"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS[self.action]

    @property
    def outcome_label(self) -> str:
        parts = [self.OUTCOME_LABELS.get(self.outcome, "")]
        if self.transition:
            parts.append({"suspend": "暂停", "resume": "恢复", "cancel": "取消"}[self.transition])
        return "，".join(p for p in parts if p)


@dataclass
class ImportPlan:
    file_name: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not tied to a 事项 row
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return self.problems + [p for row in self.rows for p in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def report(self) -> list[str]:
        """The per-row report printed by the command and shown in the preview."""
        lines = [str(p) for p in self.problems]
        for row in self.rows:
            head = f"第{row.row}行 {row.code} {row.name}：{row.action_label}"
            if row.changed and row.action == "changed":
                head += f"（{'、'.join(row.changed)}）"
            if row.outcome_label and row.action in ("new", "changed"):
                head += f" → {row.outcome_label}"
            lines.append(head)
            lines.extend(f"    错误：{p}" for p in row.errors)
            lines.extend(f"    提示：{w}" for w in row.warnings)
        lines.append(
            f"合计：新增 {self.count('new')}，变更 {self.count('changed')}，无变化 {self.count('unchanged')}，"
            f"错误 {len(self.errors)} 处。"
        )
        return lines


# ---- reading files ----------------------------------------------------------------------


def _header(value) -> str:
    return plain(value).replace(" ", "").replace("*", "")


def _sheet_from_rows(name: str, rows: Iterable[tuple]) -> Sheet:
    rows = iter(rows)
    headers: list[str] = []
    for _number, values in rows:
        if any(plain(v) for v in values):
            headers = [_header(v) for v in values]
            break
    else:
        return Sheet(name, [], [])
    data = []
    for number, values in rows:
        if not any(plain(v) for v in values):
            continue
        if len(data) >= MAX_ROWS:
            raise ImportFileError(f"“{name}”表超过{MAX_ROWS}行，请分批导入。")
        data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    return Sheet(name, headers, data)


def read_workbook(content: bytes, file_name: str) -> dict[str, Sheet]:
    """The sheets of an .xlsx workbook, or a CSV file as the 事项 sheet."""
    lower = file_name.lower()
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError("无法识别CSV文件的编码，请另存为UTF-8编码的CSV或Excel工作簿（.xlsx）。")
        rows = enumerate(csv.reader(io.StringIO(text)), start=1)
        return {MATTER_SHEET: _sheet_from_rows(MATTER_SHEET, rows)}
    if not lower.endswith(".xlsx"):
        raise ImportFileError("只支持Excel工作簿（.xlsx）或CSV文件；旧版.xls请先另存为.xlsx。")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError("文件无法作为Excel工作簿打开（不是有效的.xlsx文件），请确认文件未损坏。")
    archive_limits, sheet_limits = import_limits()
    try:
        inspect_workbook(content, file_name, replace(archive_limits, what="工作簿"), sheet_limits)
    except ValidationError as error:
        raise ImportFileError(error.messages[0]) from None
    try:
        read = read_sheets(content)
    except ValidationError as error:
        raise ImportFileError(error.messages[0]) from None
    sheets = {}
    for title, rows in read:
        title = _header(title)
        sheets[title] = _sheet_from_rows(title, enumerate(rows, start=1))
    return sheets


# ---- the export representation of a matter ---------------------------------------------


class Catalog:
    """Caches for rendering matters and materials as sheet rows without a query per row."""

    def __init__(self) -> None:
        self.terms = {t.pk: t for t in Term.objects.all()}
        self.types = {t.pk: t for t in MatterType.objects.all()}
        self.departments = {d.pk: d for d in Department.objects.all()}

    def contents(self, matters: list[Matter]) -> dict[int, dict]:
        """Each matter's latest revision content (or its row, for one never revised)."""
        ids = [m.latest_revision_id for m in matters if m.latest_revision_id]
        by_revision = {}
        for start in range(0, len(ids), CHUNK):
            by_revision.update(Revision.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", "content"))
        result = {}
        for matter in matters:
            content = by_revision.get(matter.latest_revision_id)
            if content is None:
                content = matter.serializable_data()
            result[matter.pk] = content
        return result

    def matter_row(self, matter: Matter, content: dict) -> dict:
        terms = self.terms
        term = terms.get
        department = self.departments.get(matter.department_id)
        fees = content.get("fees", [])
        places = content.get("places", [])
        return {
            "implementation_code": matter.implementation_code,
            "basic_code": content.get("basic_code", ""),
            "name": content.get("name", ""),
            "matter_type": self.types.get(content.get("matter_type")),
            "department_code": department.credit_code if department else "",
            "department_name": department.name if department else "",
            "body_nature": term(content.get("body_nature")),
            "power_source": term(content.get("power_source")),
            "exercise_levels": [terms[pk] for pk in content.get("exercise_levels", []) if pk in terms],
            "legal_bases": [
                BasisCell(b["law_name"], b.get("document_number", ""), b.get("article", ""), b.get("text", ""))
                for b in content.get("legal_bases", [])
            ],
            "acceptance_conditions": content.get("acceptance_conditions", ""),
            "no_materials_needed": content.get("no_materials_needed", False),
            "handling_type": term(content.get("handling_type")),
            "statutory_limit": content.get("statutory_limit"),
            "statutory_limit_note": content.get("statutory_limit_note", ""),
            "promised_limit": content.get("promised_limit"),
            "promised_limit_note": content.get("promised_limit_note", ""),
            "is_charged": content.get("is_charged", False),
            "fee_standards": [FeeCell(f["name"], f["standard"]) for f in fees],
            "fee_bases": [f["basis"] for f in fees],
            "online_payment": content.get("online_payment", False),
            "visits": content.get("visits", 0),
            "visit_reason": content.get("visit_reason", ""),
            "online_depth": term(content.get("online_depth")),
            "online_url": content.get("online_url", ""),
            "handling_forms": [terms[pk] for pk in content.get("handling_forms", []) if pk in terms],
            "appointment": content.get("appointment", False),
            "express_delivery": content.get("express_delivery", False),
            "self_service": content.get("self_service", False),
            "in_hall": content.get("in_hall", True),
            "service_scope": term(content.get("service_scope")),
            "service_objects": [terms[pk] for pk in content.get("service_objects", []) if pk in terms],
            "natural_themes": [terms[pk] for pk in content.get("natural_themes", []) if pk in terms],
            "legal_themes": [terms[pk] for pk in content.get("legal_themes", []) if pk in terms],
            "places": [PlaceCell(p["name"], p.get("address", ""), p.get("phone", "")) for p in places],
            "hours": places[0].get("hours", "") if places else "",
            "consultation": content.get("consultation", ""),
            "complaint": content.get("complaint", ""),
            "result_type": term(content.get("result_type")),
            "result_name": content.get("result_name", ""),
            "rights": content.get("rights", ""),
            "obligations": content.get("obligations", ""),
            "remedies": content.get("remedies", ""),
            "intermediary_exists": content.get("intermediary_exists", False),
            "intermediary_name": content.get("intermediary_name", ""),
            "intermediary_content": content.get("intermediary_content", ""),
            "status": matter.status,
        }

    @staticmethod
    def child_rows(sheet: ChildSheet, code: str, content: dict) -> list[dict]:
        return [sheet.row(code, child) for child in content.get(sheet.relation, [])]


def _keep_details(values: dict, current: dict) -> None:
    """Fill in what a cell may leave out from the record's current row, as writing it would:
    a basis's text (by law and article), a place's address and phone (by name)."""
    if "legal_bases" in values:
        texts = {(b.law_name, b.article): b.text for b in current["legal_bases"]}
        values["legal_bases"] = [
            b if b.text else replace(b, text=texts.get((b.law_name, b.article), "")) for b in values["legal_bases"]
        ]
    if "places" in values:
        places = {p.name: p for p in current["places"]}
        values["places"] = [
            replace(
                p,
                address=p.address or getattr(places.get(p.name), "address", ""),
                phone=p.phone or getattr(places.get(p.name), "phone", ""),
            )
            for p in values["places"]
        ]


def export_queryset(user):
    """What the user may export: the matters they may see in the admin (all for None)."""
    queryset = Matter.objects.all()
    if user is not None:
        queryset = policy_for(Matter).instances_user_has_any_permission_for(user, ["view", "change"])
    return queryset.order_by("department__sort_order", "implementation_code")


def export_databook(
    matters: Iterable[Matter], progress: Callable[[str, int, int], None] = no_progress
) -> tablib.Databook:
    """All sheets for these matters (事项 and one per kind of child), as the import expects them;
    ``progress`` hears of the matters rendered, by the chunk."""
    matters = list(matters)
    catalog = Catalog()
    matter_rows: list[dict] = []
    child_rows: dict[str, list[dict]] = {sheet.relation: [] for sheet in CHILD_SHEETS}
    for start in range(0, len(matters), CHUNK):
        chunk = matters[start : start + CHUNK]
        contents = catalog.contents(chunk)
        for matter in chunk:
            content = contents[matter.pk]
            matter_rows.append(catalog.matter_row(matter, content))
            for sheet in CHILD_SHEETS:
                child_rows[sheet.relation].extend(catalog.child_rows(sheet, matter.implementation_code, content))
        progress("导出事项", start + len(chunk), len(matters))
    first = MatterResource().export(queryset=matter_rows)
    first.title = MATTER_SHEET
    book = tablib.Databook([first])
    for sheet in CHILD_SHEETS:
        dataset = sheet.resource().export(queryset=child_rows[sheet.relation])
        dataset.title = sheet.title
        book.add_sheet(dataset)
    return book


def export_xlsx(matters: Iterable[Matter], progress: Callable[[str, int, int], None] = no_progress) -> bytes:
    return databook_xlsx(export_databook(matters, progress))


def databook_xlsx(book: tablib.Databook) -> bytes:
    """The sheets as .xlsx the way tablib writes them (bold header row, frozen below it,
    multi-line cells wrapped), but through openpyxl's write-only mode: a cell object is made
    only for the styled cells, about a third of the CPU for ten thousand matters."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)
    for dataset in book.sheets():
        sheet = workbook.create_sheet(dataset.title)
        sheet.freeze_panes = "A2"
        header = []
        for title in dataset.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in dataset:
            values = []
            for value in row:
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("-", value)
                    if "\n" in value:
                        value = WriteOnlyCell(sheet, value=value)
                        value.alignment = wrap
                values.append(value)
            sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(matters: Iterable[Matter], progress: Callable[[str, int, int], None] = no_progress) -> bytes:
    """The 事项 sheet only, UTF-8 with BOM so that Excel opens it in Chinese."""
    return ("\ufeff" + export_databook(matters, progress).sheets()[0].export("csv")).encode("utf-8")


def template_xlsx() -> bytes:
    """A blank workbook with the exact headers and one filled example row per sheet."""
    example = {
        "实施编码": "11990100000000114Y010099",
        "基本编码": "000101001000",
        "事项名称": "示例：食品经营许可",
        "事项类型": "行政许可",
        "实施主体编码": "11990100000000114Y",
        "实施主体": "示范市市场监督管理局",
        "实施主体性质": "法定机关",
        "权力来源": "法定本级行使",
        "行使层级": "市级",
        "设定依据": "《中华人民共和国食品安全法》（主席令第21号）第三十五条：国家对食品生产经营实行许可制度。",
        "受理条件": "申请人具有与经营的食品品种、数量相适应的经营场所。",
        "无需提交材料": "否",
        "办件类型": "承诺件",
        "法定办结时限": "20个工作日",
        "法定办结时限说明": "自受理之日起20个工作日",
        "承诺办结时限": 10,
        "承诺办结时限说明": "自受理之日起10个工作日",
        "是否收费": "否",
        "收费标准": "",
        "收费依据": "",
        "到办事现场次数": 1,
        "必须现场办理原因说明": "须现场核验原件",
        "网上办理深度": "Ⅲ级",
        "网上办理地址": "https://zwfw.example.gov.cn/item/11990100000000114Y010099",
        "办理形式": "窗口办理、网上办理",
        "支持预约办理": "是",
        "支持物流快递": "是",
        "支持自助终端办理": "否",
        "进驻政务大厅": "是",
        "通办范围": "全市",
        "服务对象": "企业法人",
        "自然人主题分类": "",
        "法人主题分类": "准营准办",
        "办理地点": "示范市政务服务中心 一楼A区，示范市人民大道88号，电话：0999-8800000",
        "办理时间": "周一至周五 9:00-12:00，13:30-17:00",
        "咨询方式": "0999-12345",
        "监督投诉方式": "12345政务服务便民热线",
        "审批结果类型": "证照",
        "办理结果名称": "食品经营许可证",
        "依法享有的权利": "依法获得办理结果。",
        "依法履行的义务": "如实提交申请材料。",
        "行政复议和行政诉讼途径": "可依法申请行政复议或者提起行政诉讼。",
        "存在中介服务": "否",
        "事项状态": "草稿",
    }
    materials = {
        "实施编码": example["实施编码"],
        "材料名称": "食品经营许可申请书",
        "材料类型": "原件",
        "材料形式": "纸质和电子",
        "纸质份数": 1,
        "必要性": "必要",
        "适用情形": "",
        "来源渠道": "申请人自备",
        "来源渠道说明": "",
        "免提交": "否",
        "填报须知": "如实填写并签字盖章",
    }
    step = {
        "实施编码": example["实施编码"],
        "环节名称": "受理",
        "办理处室/岗位": "受理人员",
        "办理人": "市市场监管局",
        "办理时限": 1,
        "审查标准": "材料齐全、符合法定形式。",
        "有特别程序": "否",
    }
    faq = {
        "实施编码": example["实施编码"],
        "问题": "办理这个事项需要跑几次？",
        "解答": "材料齐全的，最多跑1次。",
    }
    book = tablib.Databook()
    for title, resource, row in (
        (MATTER_SHEET, MatterResource(), example),
        (MATERIAL_SHEET, MaterialResource(), materials),
        (STEP_SHEET, StepResource(), step),
        (FAQ_SHEET, FAQResource(), faq),
    ):
        headers = [f.column_name for f in resource.fields.values()]
        sheet = tablib.Dataset(headers=headers, title=title)
        sheet.append([row.get(h, "") for h in headers])
        book.add_sheet(sheet)
    return book.export("xlsx")


# ---- planning ---------------------------------------------------------------------------


class Planner:
    """Reads the sheets against the database and the user's rights; writes nothing."""

    def __init__(self, user, file_name: str, progress: Callable[[str, int, int], None] = no_progress) -> None:
        self.user = user
        self.progress = progress
        self.plan = ImportPlan(file_name)
        self.resolver = TermResolver()
        self.matter_resource = MatterResource(self.resolver)
        self.by_column = {f.column_name: f for f in self.matter_resource.fields.values()}
        # sheet title -> {column: field}
        self.child_columns = {s.title: {f.column_name: f for f in s.resource().fields.values()} for s in CHILD_SHEETS}
        self.catalog = Catalog()
        self.cleaner = FieldCleaner()  # fields' verdicts on the values the workbook repeats
        self.cells: dict[tuple, tuple[bool, object]] = {}  # the same for its cells
        self.departments = {d.credit_code: d for d in self.catalog.departments.values()}
        self.policy = policy_for(Matter)
        if user is None:
            self.add_ids = self.publish_ids = None  # the system (command without --user) may do all
        else:
            self.add_ids = set(self.policy.departments_for_action(user, "add").values_list("pk", flat=True))
            self.publish_ids = set(self.policy.departments_for_action(user, "publish").values_list("pk", flat=True))

    # -- helpers
    def _may(self, action: str, matter: Matter) -> bool:
        return self.user is None or self.policy.user_has_permission_for_instance(self.user, action, matter)

    def _may_publish(self, department: Department) -> bool:
        return self.publish_ids is None or department.pk in self.publish_ids

    def _clean(self, fld, cells: dict):
        """``fld.clean(cells)``, each column's reading of a cell value remembered: a workbook
        repeats its types, yes/no answers and vocabulary terms on every row, and no widget
        looks at the rest of the row. A list read from a cell is handed out as a copy."""
        raw = cells.get(fld.column_name)  # a short row's missing cells are empty
        key = (fld.column_name, type(raw), raw)
        verdict = self.cells.get(key)
        if verdict is None:
            try:
                verdict = (True, fld.clean({fld.column_name: raw}))
            except (CellError, ValueError) as exc:
                verdict = (False, exc)
            self.cells[key] = verdict
        ok, value = verdict
        if not ok:
            raise value
        return list(value) if type(value) is list else value

    def _check_headers(self, sheet: Sheet, required: Iterable[str], known: Iterable[str]) -> bool:
        known = set(known)
        seen = set()
        ok = True
        for header in sheet.headers:
            if not header:
                continue
            if header in seen:
                self.plan.problems.append(Problem(sheet.name, 1, header, "", "表头重复，请删除重复的列。"))
                ok = False
            seen.add(header)
            if header not in known:
                self.plan.ignored_columns.append(f"{sheet.name}：{header}")
        for header in required:
            if header not in seen:
                self.plan.problems.append(
                    Problem(sheet.name, 1, header, "", "缺少必需的列；请使用导入模板中的表头（须完全一致）。")
                )
                ok = False
        return ok

    def build(self, sheets: dict[str, Sheet]) -> ImportPlan:
        matters_sheet = sheets.get(MATTER_SHEET)
        if matters_sheet is None:
            names = "、".join(sheets) or "无"
            raise ImportFileError(f"工作簿中没有名为“{MATTER_SHEET}”的工作表（现有：{names}）。")
        if not self._check_headers(matters_sheet, MatterResource.REQUIRED, self.by_column):
            return self.plan
        # relation -> {实施编码: [(row number, values)]}
        children: dict[str, dict[str, list[tuple[int, dict]]]] = {}
        for child_sheet in CHILD_SHEETS:
            sheet = sheets.get(child_sheet.title)
            if sheet is None or not sheet.rows:
                continue
            if not self._check_headers(sheet, child_sheet.resource.REQUIRED, self.child_columns[sheet.name]):
                return self.plan
            children[child_sheet.relation] = self._read_children(sheet)

        codes = [half_width(cells.get(CODE)).upper() for _, cells in matters_sheet.rows]
        existing = {}
        for start in range(0, len(codes), CHUNK):
            for matter in Matter.objects.filter(implementation_code__in=codes[start : start + CHUNK]):
                existing[matter.implementation_code] = matter
        if self.user is not None:
            self.policy.prefetch_for(self.user, list(existing.values()))
        contents = self.catalog.contents(list(existing.values()))

        seen: dict[str, int] = {}
        total = len(matters_sheet.rows)
        for done, (number, cells) in enumerate(matters_sheet.rows, start=1):
            code = half_width(cells.get(CODE)).upper()
            mine = {relation: rows[code] for relation, rows in children.items() if code in rows}
            row = self._plan_row(matters_sheet, number, cells, existing, contents, mine, seen)
            self.plan.rows.append(row)
            self.progress("检查事项", done, total)
        planned = set(seen)
        for child_sheet in CHILD_SHEETS:
            for code, rows in children.get(child_sheet.relation, {}).items():
                if code not in planned:
                    number = rows[0][0]
                    self.plan.problems.append(
                        Problem(child_sheet.title, number, CODE, code, "该实施编码在“事项”表中没有对应的行。")
                    )
        return self.plan

    def _read_children(self, sheet: Sheet) -> dict[str, list[tuple[int, dict]]]:
        columns = self.child_columns[sheet.name]
        result: dict[str, list[tuple[int, dict]]] = defaultdict(list)
        last_code = ""
        for number, cells in sheet.rows:
            code = half_width(cells.get(CODE)).upper() or last_code  # blank repeats the code above (merged cells)
            if not code:
                self.plan.problems.append(Problem(sheet.name, number, CODE, "", "不能为空。"))
                continue
            last_code = code
            values = {}
            for column, fld in columns.items():
                if column == CODE or column not in sheet.headers:
                    continue
                try:
                    values[fld.attribute] = self._clean(fld, cells)
                except (CellError, ValueError) as exc:
                    self.plan.problems.append(Problem(sheet.name, number, column, plain(cells.get(column)), str(exc)))
            result[code].append((number, values))
        return result

    def _plan_row(self, sheet, number, cells, existing, contents, children, seen) -> RowPlan:
        code = half_width(cells.get(CODE)).upper()
        row = RowPlan(row=number, code=code, name=plain(cells.get("事项名称")))

        def error(column: str, message: str, value: str | None = None) -> None:
            shown = plain(cells.get(column)) if value is None else value
            row.errors.append(Problem(sheet.name, number, column, shown, message))

        for column, fld in self.by_column.items():
            if column not in sheet.headers:
                continue
            try:
                row.values[fld.attribute] = self._clean(fld, cells)
            except (CellError, ValueError) as exc:
                error(column, str(exc))
        if not code:
            row.action = "error"
            return row
        if code in seen:
            error(CODE, f"与第{seen[code]}行的实施编码重复。")
        seen.setdefault(code, number)

        department = self.departments.get(row.values.get("department_code", ""))
        if "department_code" in row.values and department is None:
            error("实施主体编码", "未知的实施主体编码：请填写本系统中部门的统一社会信用代码。")
        elif department is not None:
            row.department = department
            if not department.is_active:
                error("实施主体编码", f"部门“{department.name}”已停用。")
            name = row.values.get("department_name")
            if name and normalise(name) not in (normalise(department.name), normalise(department.short_name)):
                error("实施主体", f"与实施主体编码对应的部门“{department.name}”不一致。")
            if not code.startswith(department.credit_code):
                error(CODE, f"实施编码应以实施主体的统一社会信用代码“{department.credit_code}”开头。")

        matter = existing.get(code)
        row.matter = matter
        if matter is not None:
            self._plan_existing(row, matter, contents[matter.pk], children, error)
        elif department is not None:
            self._plan_new(row, department, children, error)
        if row.errors:
            row.action = "error"
        return row

    # -- new and existing records
    def _plan_new(self, row: RowPlan, department: Department, children, error) -> None:
        row.action = "new"
        if self.add_ids is not None and department.pk not in self.add_ids:
            error("实施主体编码", f"您没有在“{department.name}”新增事项的权限。")
            return
        status = row.values.get("status") or MatterStatus.DRAFT
        if status in (MatterStatus.SUSPENDED, MatterStatus.CANCELLED):
            error("事项状态", "新事项只能导入为草稿或在用。")
            return
        row.outcome = "draft"
        if status == MatterStatus.IN_FORCE:
            row.outcome = "publish" if self._may_publish(department) else "submit"
        row.children = {relation: [values for _, values in rows] for relation, rows in children.items()}
        row.changed = [c for c, f in self.by_column.items() if f.attribute in row.values]
        row.obj = self._build(
            new_instance(Matter, department=department, implementation_code=row.code, live=False), row
        )
        self._validate(row, error)

    def _plan_existing(self, row: RowPlan, matter: Matter, content: dict, children, error) -> None:
        if not self._may("change", matter):
            if matter.is_public or self._may("view", matter):
                error(CODE, f"该事项属于“{matter.department}”，您没有修改它的权限。")
            else:
                # Whose unpublished matter holds the code is not the importer's to learn
                # (GB/T 22239-2019 8.1.4.2 访问控制): the same words as for any code they may not use.
                error(CODE, "事项编码已被占用或无权修改。")
            return
        if row.department is not None and row.department.pk != matter.department_id:
            error("实施主体编码", f"该事项的实施主体是“{matter.department}”，不能通过导入变更实施主体。")
            return
        current = self.catalog.matter_row(matter, content)
        _keep_details(row.values, current)
        for column, fld in self.by_column.items():
            attribute = fld.attribute
            if attribute in row.values and attribute not in NOT_COMPARED:
                old, new = canonical(fld, current[attribute]), canonical(fld, row.values[attribute])
                if new != old:
                    row.changed.append(column)
                    row.diffs[column] = (old, new)
        for child_sheet in CHILD_SHEETS:
            if child_sheet.relation not in children:
                continue
            incoming = [values for _, values in children[child_sheet.relation]]
            mine = Catalog.child_rows(child_sheet, matter.implementation_code, content)
            if self._child_canon(child_sheet, incoming) != self._child_canon(child_sheet, mine, like=incoming):
                row.changed.append(child_sheet.title)
            row.children[child_sheet.relation] = incoming
        status = row.values.get("status") or ""
        if status and status != matter.status:
            row.changed.append("事项状态")
            row.diffs["事项状态"] = (matter.get_status_display(), MatterStatus(status).label)
        if not row.changed:
            row.action = "unchanged"
            return
        row.action = "changed"
        if matter.status == MatterStatus.CANCELLED:
            error("事项状态", "已取消的事项不能再通过导入修改。")
            return
        content_changed = any(c != "事项状态" for c in row.changed)
        if status and status != matter.status:
            if status == MatterStatus.DRAFT:
                error("事项状态", f"事项当前为“{matter.get_status_display()}”，不能改回草稿。")
            elif matter.status == MatterStatus.DRAFT and status != MatterStatus.IN_FORCE:
                error("事项状态", "草稿事项只能导入为在用（发布），不能暂停或取消。")
            elif matter.status != MatterStatus.DRAFT:
                row.transition = TRANSITIONS.get((matter.status, status), "")
                if not row.transition:
                    error("事项状态", f"不能从“{matter.get_status_display()}”变为该状态。")
                elif self.user is not None and not lifecycle.may_change_state(self.user, matter):
                    error("事项状态", "您没有变更该事项状态的权限。")
        wants_live = matter.live or status == MatterStatus.IN_FORCE
        if content_changed or (matter.status == MatterStatus.DRAFT and status == MatterStatus.IN_FORCE):
            if not wants_live:
                row.outcome = "draft"
            elif self.user is None or self._may("publish", matter):
                row.outcome = "publish"
            else:
                row.outcome = "submit"
            if matter.workflow_in_progress:
                error(CODE, "该事项正在审核中，请待审核结束后再导入修改。")
                return
            row.obj = self._build(matter.get_latest_revision_as_object(), row, only=row.changed)
            self._validate(row, error)

    def _child_canon(self, sheet: ChildSheet, rows: list[dict], like: list[dict] | None = None) -> list[tuple]:
        """Children as comparable tuples, over the columns the sheet has."""
        columns = self.child_columns[sheet.title]
        attributes = [f.attribute for f in columns.values() if f.attribute != "implementation_code"]
        if like is not None:
            present = set().union(*(r.keys() for r in like)) if like else set(attributes)
            attributes = [a for a in attributes if a in present]
        fields_by_attr = {f.attribute: f for f in columns.values()}
        return [tuple(canonical(fields_by_attr[a], r.get(a)) for a in attributes if a in r) for r in rows]

    # -- building the object the revision is made from
    def _build(self, obj: Matter, row: RowPlan, only: list[str] | None = None) -> Matter:
        values = row.values
        columns = set(only) if only is not None else None

        def wanted(attribute: str) -> bool:
            if attribute not in values:
                return False
            column = self.matter_resource.fields[attribute].column_name
            return columns is None or column in columns

        for attribute in SIMPLE_COLUMNS:
            if wanted(attribute):
                setattr(obj, attribute, values[attribute])
        for attribute in M2M_COLUMNS:
            if wanted(attribute):
                getattr(obj, attribute).set(values[attribute])
        if wanted("legal_bases"):
            old = {(b.law_name, b.article): b for b in obj.legal_bases.all()}
            obj.legal_bases = [
                new_instance(
                    LegalBasis,
                    law_name=b.law_name,
                    document_number=b.document_number,
                    article=b.article,
                    text=b.text or getattr(old.get((b.law_name, b.article)), "text", ""),
                )
                for b in values["legal_bases"]
            ]
        if wanted("fee_standards") or wanted("fee_bases"):
            old_fees = list(obj.fees.all())
            standards_ = values.get("fee_standards", [FeeCell(f.name, f.standard) for f in old_fees])
            bases = values.get("fee_bases", [f.basis for f in old_fees])
            old_by_name = {f.name: f for f in old_fees}
            fees = []
            for i, cell in enumerate(standards_):
                name = cell.name or f"{obj.name}收费"[:200]
                previous = old_by_name.get(name)
                basis = bases[i] if i < len(bases) else (bases[-1] if bases else "")
                fees.append(
                    new_instance(
                        Fee,
                        name=name,
                        standard=cell.standard,
                        basis=basis[:300],
                        reducible=getattr(previous, "reducible", False),
                        reduction_basis=getattr(previous, "reduction_basis", ""),
                    )
                )
            obj.fees = fees
        if wanted("places") or wanted("hours"):
            old_places = list(obj.places.all())
            cells = values.get("places", [PlaceCell(p.name, p.address, p.phone) for p in old_places])
            by_name = {p.name: p for p in old_places}
            places = []
            for cell in cells:
                previous = by_name.get(cell.name)
                hours = values["hours"] if "hours" in values else getattr(previous, "hours", "")
                places.append(
                    new_instance(
                        HandlingPlace,
                        name=cell.name,
                        address=cell.address or getattr(previous, "address", ""),
                        phone=cell.phone or getattr(previous, "phone", ""),
                        hours=hours,
                        directions=getattr(previous, "directions", ""),
                    )
                )
            obj.places = places
        if obj.pk is None:
            for relation in CHILD_RELATIONS:  # known empty: no query when serialised
                if not getattr(obj, relation).is_deferring:
                    setattr(obj, relation, [])
        for sheet in CHILD_SHEETS:
            if sheet.relation in row.children and (columns is None or sheet.title in columns):
                setattr(obj, sheet.relation, self._children(sheet, obj, row.children[sheet.relation]))
        return obj

    def _children(self, sheet: ChildSheet, obj: Matter, rows: list[dict]) -> list:
        """The sheet's rows as children; each keeps what the sheet does not show from the
        record's child of the same key."""
        old = defaultdict(list)
        for child in getattr(obj, sheet.relation).all():
            old[getattr(child, sheet.key)].append(child)
        kept = [f.name for f in sheet.model._meta.concrete_fields if f.name not in ("id", "matter", "sort_order")]
        new = []
        for data in rows:
            previous = old[data.get(sheet.key, "")].pop(0) if old.get(data.get(sheet.key, "")) else None
            child = new_instance(
                sheet.model, **{name: getattr(previous, name) for name in kept if previous is not None}
            )
            for attribute, value in data.items():
                if attribute == "copies":
                    self._apply_copies(child, value)
                else:
                    setattr(child, attribute, value)
            new.append(child)
        return new

    @staticmethod
    def _apply_copies(material: Material, copies: tuple[int | None, int | None]) -> None:
        first, second = copies
        if first is None and second is None:
            return
        if second is not None:
            material.original_copies, material.copy_copies = first or 0, second
        elif material.material_type == "copy":
            material.original_copies, material.copy_copies = 0, first
        else:
            material.original_copies = first
            if material.material_type == "original":
                material.copy_copies = 0

    def _validate(self, row: RowPlan, error) -> None:
        obj = row.obj
        labels = {f.attribute: c for c, f in self.by_column.items()}
        try:
            # Foreign keys were resolved from the database already; re-checking each one
            # would cost a query per key per row.
            related = [f.name for f in Matter._meta.concrete_fields if f.is_relation]
            self.cleaner.full_clean(obj, exclude=related, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = labels.get(name) or (obj._meta.get_field(name).verbose_name if name != "__all__" else "")
                for message in messages:
                    error(str(column), message, "")
        kinds = [(s.title, s.label, s.not_validated, getattr(obj, s.relation).all()) for s in CHILD_SHEETS]
        kinds.append(("设定依据", "依据", ("matter",), obj.legal_bases.all()))
        for column, kind, not_validated, items in kinds:
            for item in items:
                try:
                    self.cleaner.full_clean(item, exclude=not_validated)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        label = item._meta.get_field(name).verbose_name if name != "__all__" else kind
                        error(column, f"{label}：{'；'.join(messages)}", "")
        issues = row.issues = standards.check(obj)
        for issue in issues:
            if issue.is_error and row.outcome in ("publish", "submit"):
                error(issue.field, issue.message + "（发布或提交审核前须改正；仅保存草稿时可暂不改正）", "")
            elif not issue.is_error or row.outcome == "draft":
                row.warnings.append(f"{issue.field}：{issue.message}")


def plan_import(
    content: bytes, file_name: str, user, progress: Callable[[str, int, int], None] = no_progress
) -> ImportPlan:
    """Read a workbook and say what importing it would do; writes nothing. ``progress(label,
    done, total)`` hears of each row checked (``core.progress.Progress`` for a command)."""
    try:
        sheets = read_workbook(content, file_name)
        return Planner(user, file_name, progress).build(sheets)
    except ImportFileError as exc:
        plan = ImportPlan(file_name)
        plan.problems.append(Problem(file_name, None, "", "", str(exc)))
        return plan


# ---- applying ---------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("导入文件有错误，未写入任何数据。")
        self.plan = plan


def apply_plan(plan: ImportPlan, user, progress: Callable[[str, int, int], None] = no_progress) -> ImportBatch:
    """Write a plan without errors, all or nothing; returns the batch. ``progress`` hears of
    the matters written (new ones by the chunk, changed ones one by one)."""
    if not plan.ok:
        raise ImportRefused(plan)
    with transaction.atomic(), deferred_grants():
        batch = ImportBatch.objects.create(
            user=user,
            file_name=plan.file_name[:255],
            created=plan.count("new"),
            updated=plan.count("changed"),
            unchanged=plan.count("unchanged"),
        )
        total = plan.count("new") + plan.count("changed")
        items = _create_new([row for row in plan.rows if row.action == "new"], user, batch, progress, total)
        # Each changed matter is saved several times: its references are indexed once, after.
        # A caller that switched the reference index off gets none (the switch does not nest).
        references = not _references_switched_off()
        with disable_reference_index_auto_update() if references else nullcontext():
            for row in plan.rows:
                if row.action == "changed":
                    items.append(_apply_row(row, user, batch))
                    progress("写入事项", len(items), total)
                    if references:
                        ReferenceIndex.create_or_update_for_object(Matter.objects.get(pk=items[-1]["matter"]))
        batch.items = items
        batch.save(update_fields=["items"])
    return batch


CHILD_RELATIONS = ORDERED_CHILDREN


def _create_new(
    rows: list[RowPlan],
    user,
    batch: ImportBatch,
    progress: Callable[[str, int, int], None] = no_progress,
    total: int = 0,
) -> list[dict]:
    """Create the new matters of a batch in bulk, with exactly what Wagtail's create-and-
    publish would leave behind: the row, its children and choices, a revision that is the
    latest (and, when published, the live) one, and the log entries (创建, 发布, 生效, 导入).

    Creating ten thousand matters through the per-object path costs some 150 queries each;
    here it is a few dozen queries per 500 matters. Changes to existing matters keep the
    per-object path (revisions compared, workflows, signals).
    """
    if not rows:
        return []
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Matter)
    user_id = user.pk if user is not None else None
    objs = [row.obj for row in rows]
    for row, obj in zip(rows, objs, strict=True):
        publish = row.outcome == "publish"
        obj.live = publish
        obj.has_unpublished_changes = not publish
        obj.first_published_at = obj.last_published_at = now if publish else None
        obj.status = MatterStatus.IN_FORCE if publish else MatterStatus.DRAFT
        obj.version = 1 if publish else 0
        standards.apply_results(obj, row.issues)
    for start in range(0, len(objs), CHUNK):
        chunk = objs[start : start + CHUNK]
        for obj in chunk:
            obj.created_at = obj.updated_at = now
        insert_rows(Matter, map(vars, chunk))
        pks = dict(
            Matter.objects.filter(implementation_code__in=[obj.implementation_code for obj in chunk]).values_list(
                "implementation_code", "pk"
            )
        )
        for obj in chunk:
            obj.pk = pks[obj.implementation_code]
            obj._state.adding, obj._state.db = False, Matter.objects.db
        for relation in CHILD_RELATIONS:
            children = []
            for obj in chunk:
                for order, child in enumerate(getattr(obj, relation).all()):
                    child.matter = obj
                    child.sort_order = order
                    children.append(child)
            if children:
                insert_rows(type(children[0]), map(vars, children))  # vars: the field values by attname
        for name in M2M_COLUMNS:
            through = getattr(Matter, name).through
            insert_rows(
                through,
                ({"matter_id": obj.pk, "term_id": term.pk} for obj in chunk for term in getattr(obj, name).all()),
            )
        insert_rows(
            Revision,
            (
                {
                    "content_type_id": content_type.pk,
                    "base_content_type_id": content_type.pk,
                    "object_id": str(obj.pk),
                    "user_id": user_id,
                    "created_at": now,
                    "content": serializable_data(obj),  # obj.serializable_data(), without its detours
                    "object_str": str(obj)[:255],
                }
                for obj in chunk
            ),
        )
        own = Revision.objects.filter(base_content_type=content_type, object_id__in=[str(obj.pk) for obj in chunk])
        revision_ids = dict(own.values("object_id").annotate(last=Max("pk")).values_list("object_id", "last"))
        entries = []
        for obj, row in zip(chunk, rows[start : start + CHUNK], strict=True):
            revision = revision_ids[str(obj.pk)]
            obj.latest_revision_id = revision
            obj.live_revision_id = revision if obj.live else None
            logged = [("wagtail.create", {}, revision)]
            if obj.live:
                logged += [
                    ("wagtail.publish", {}, revision),
                    (lifecycle.ENTER_FORCE, {"reason": "首次发布", "version": 1}, revision),
                ]
            logged.append((IMPORT_ACTION, _import_data(batch, row), None))
            label = str(obj)[:255]
            entries += [
                {
                    "content_type_id": content_type.pk,
                    "object_id": str(obj.pk),
                    "label": label,
                    "action": action,
                    "data": data,
                    "timestamp": now,
                    "user_id": user_id,
                    "revision_id": revision,
                    "content_changed": action != IMPORT_ACTION,
                }
                for action, data, revision in logged
            ]
        # One UPDATE each, not bulk_update's CASE of 500 branches (most of this step's time).
        pks = [obj.pk for obj in chunk]
        own = Revision.objects.filter(base_content_type=content_type, object_id=Cast(OuterRef("pk"), CharField()))
        Matter.objects.filter(pk__in=pks).update(latest_revision=Subquery(own.order_by("-pk").values("pk")[:1]))
        Matter.objects.filter(pk__in=pks, live=True).update(live_revision=F("latest_revision"))
        insert_rows(ModelLogEntry, entries)
        _index_references(chunk)
        records_saved(Matter, [obj.pk for obj in chunk])
        records_changed.send(sender=Matter, pks=[obj.pk for obj in chunk])
        progress("写入事项", start + len(chunk), total or len(rows))
    items = []
    for row, obj in zip(rows, objs, strict=True):
        if row.outcome == "submit":
            workflow = obj.get_workflow()
            if workflow is not None:
                workflow.start(Matter.objects.get(pk=obj.pk), user)
        items.append(
            {
                "matter": obj.pk,
                "created": True,
                "before_revision": None,
                "before_live_revision": None,
                "before_status": None,
                "after_revision": obj.latest_revision_id,
            }
        )
    return items


def _references_switched_off() -> bool:
    """Inside ``disable_reference_index_auto_update`` (saves write no reference-index rows)."""
    return getattr(reference_index_auto_update_disabled, "value", False)


def _index_references(matters: list[Matter]) -> None:
    """Wagtail's reference index rows of new matters (which terms, department and documents
    each one uses), as ``ReferenceIndex.create_or_update_for_object`` writes them on a save,
    in one insert: a new matter has no rows to compare with. Not while the reference index is
    switched off (``disable_reference_index_auto_update``), as a save would not either."""
    if _references_switched_off():
        return
    content_type_id = ContentType.objects.get_for_model(Matter).pk
    insert_rows(
        ReferenceIndex,
        (
            {
                "content_type_id": content_type_id,
                "base_content_type_id": content_type_id,
                "object_id": str(matter.pk),
                "to_content_type_id": to_content_type_id,
                "to_object_id": to_object_id,
                "model_path": model_path,
                "content_path": content_path,
                "content_path_hash": _content_path_hash(content_path),
            }
            for matter in matters
            for to_content_type_id, to_object_id, model_path, content_path in references(matter)
        ),
        ignore_conflicts=True,
    )


@lru_cache(maxsize=4096)
def _content_path_hash(content_path: str):
    """Wagtail's hash of a reference's content path (a UUID5): new matters' paths are field
    names (``department``, ``handling_type``), the same for every matter."""
    return ReferenceIndex._get_content_path_hash(content_path)


def _import_data(batch: ImportBatch, row: RowPlan) -> dict:
    return {"batch": batch.pk, "reason": batch.reason, "changed": row.changed, "outcome": row.outcome_label}


def _apply_row(row: RowPlan, user, batch: ImportBatch) -> dict:
    matter = row.matter
    item = {
        "matter": None,
        "created": matter is None,
        "before_revision": matter.latest_revision_id if matter else None,
        "before_live_revision": matter.live_revision_id if matter else None,
        "before_status": matter.status if matter else None,
        "after_revision": None,
    }
    obj = row.obj
    if obj is not None:
        if obj.pk is None or not obj.live:
            obj.save()
        revision = obj.save_revision(user=user, log_action=True)
        item["after_revision"] = revision.pk
        if row.outcome == "publish":
            revision.publish(user=user)
        matter = Matter.objects.get(pk=obj.pk)
        if row.outcome == "submit":
            workflow = matter.get_workflow()
            if workflow is not None:
                workflow.start(matter, user)
    item["matter"] = matter.pk
    if row.transition:
        lifecycle.change_state(matter, user, row.transition, batch.reason, system=user is None)
    log(instance=matter, action=IMPORT_ACTION, user=user, data=_import_data(batch, row))
    return item


def import_file(
    content: bytes,
    file_name: str,
    user,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] = no_progress,
) -> tuple[ImportPlan, ImportBatch | None]:
    plan = plan_import(content, file_name, user, progress)
    if dry_run or not plan.ok:
        return plan, None
    return plan, apply_plan(plan, user, progress)


# ---- reverting a batch ------------------------------------------------------------------


class RevertError(Exception):
    pass


def revert_batch(batch: ImportBatch, user) -> int:
    """Undo a whole batch: created matters are deleted, changed ones get back their earlier
    content (as a new revision, published if it was published) and status. Refused, with
    nothing written, when any matter was changed again after the import."""
    if batch.reverted_at:
        raise RevertError("该批次已撤销。")
    policy = policy_for(Matter)
    with transaction.atomic():
        matters = Matter.objects.select_for_update().in_bulk([i["matter"] for i in batch.items])
        problems = []
        for item in batch.items:
            matter = matters.get(item["matter"])
            if matter is None:
                continue
            if item["after_revision"] and matter.latest_revision_id != item["after_revision"]:
                problems.append(f"“{matter.name}”在导入后又被修改过")
            action = "delete" if item["created"] else "change"
            if user is not None and not policy.user_has_permission_for_instance(user, action, matter):
                problems.append(f"您没有{'删除' if item['created'] else '修改'}“{matter.name}”的权限")
        if problems:
            raise RevertError("不能整批撤销：" + "；".join(problems[:10]) + "。未做任何更改。")
        reason = f"撤销{batch}"
        for item in batch.items:
            matter = matters.get(item["matter"])
            if matter is None:
                continue
            if matter.workflow_in_progress:
                matter.current_workflow_state.cancel(user=user)
            if item["created"]:
                matter.delete()
                continue
            if item["after_revision"] and item["before_revision"]:
                before = Revision.objects.get(pk=item["before_revision"])
                obj = matter.with_content_json(before.content)
                if not matter.live:
                    obj.save()
                revision = obj.save_revision(user=user, log_action=True)
                if matter.live_revision_id == item["after_revision"]:
                    revision.publish(user=user)
            if item["before_status"] and matter.status != item["before_status"]:
                Matter.objects.filter(pk=matter.pk).update(status=item["before_status"], updated_at=timezone.now())
                records_changed.send(sender=Matter, pks=[matter.pk])
            log(instance=matter, action=REVERT_ACTION, user=user, data={"batch": batch.pk, "reason": reason})
        batch.reverted_at = timezone.now()
        batch.reverted_by = user
        batch.save(update_fields=["reverted_at", "reverted_by"])
    return len(batch.items)
