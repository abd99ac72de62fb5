"""The annual report on government information disclosure (年度报告, template of 2021; domain.md §3).

``compute_tables(year, department)`` counts the records: documents made, repealed and in force
(section 二, rules and normative documents) and requests received, carried over, answered by
outcome and carried forward (section 三), for one department or the whole government. The
result is plain JSON, stored on the report page, so a published report is frozen in its revision
while regenerating a draft gives the numbers of the day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from .models import DisclosureDocumentPage, Validity
from .request_models import (
    REPLY_SUBREASONS,
    REPORT_TYPE_LABELS,
    ApplicantType,
    DisclosureRequest,
    FeeNotice,
    FeeStatus,
    ReplyType,
)

COLUMNS = [t.value for t in ApplicantType] + ["total"]
COLUMN_LABELS = {**{t.value: t.label for t in ApplicantType}, "total": "总计"}
# The five organisation columns as the template heads them.
ORG_COLUMN_LABELS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
NUMERALS = "一二三四五六七"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    level: int  # 0 = 一/二/三/四, 1 = （一）…, 2 = 1. 2. …


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class LayoutRow:
    """One row of table 三 as the template draws it: its label cells, then the seven numbers."""

    key: str
    cells: tuple[Cell, ...]
    numbers: bool = True


def outcome_rows() -> list[Row]:
    """The rows of 三、本年度办理结果 that carry numbers, in the template's order and wording.

    （三）to（六）are headings of their numbered sub-rows in the template, not rows of their own.
    """
    rows = []
    for i, reply_type in enumerate(ReplyType):
        subreasons = REPLY_SUBREASONS.get(reply_type, [])
        if not subreasons:
            rows.append(Row(reply_type.value, f"（{NUMERALS[i]}）{REPORT_TYPE_LABELS[reply_type]}", 1))
        for n, (key, label) in enumerate(subreasons, start=1):
            rows.append(Row(f"{reply_type.value}:{key}", f"{n}.{label}", 2))
    rows.append(Row("replied_total", "（七）总计", 1))
    return rows


def request_rows() -> list[Row]:
    """Every row of table 三 that carries numbers (the label of a sub-row without its heading)."""
    return [
        Row("new", "一、本年新收政府信息公开申请数量", 0),
        Row("carried_in", "二、上年结转政府信息公开申请数量", 0),
        *outcome_rows(),
        Row("carried_out", "四、结转下年度继续办理", 0),
    ]


def request_layout() -> list[LayoutRow]:
    """Table 三 row by row with its merged label cells, exactly as the 2021 template lays it out."""
    outcome_count = len(outcome_rows())
    layout = [
        LayoutRow("new", (Cell("一、本年新收政府信息公开申请数量", colspan=3),)),
        LayoutRow("carried_in", (Cell("二、上年结转政府信息公开申请数量", colspan=3),)),
    ]
    first = True
    for i, reply_type in enumerate(ReplyType):
        heading = f"（{NUMERALS[i]}）{REPORT_TYPE_LABELS[reply_type]}"
        subreasons = REPLY_SUBREASONS.get(reply_type, [])
        lead = (Cell("三、本年度办理结果", rowspan=outcome_count),) if first else ()
        first = False
        if not subreasons:
            layout.append(LayoutRow(reply_type.value, (*lead, Cell(heading, colspan=2))))
            continue
        for n, (key, label) in enumerate(subreasons, start=1):
            cells = (*lead, Cell(heading, rowspan=len(subreasons))) if n == 1 else ()
            layout.append(LayoutRow(f"{reply_type.value}:{key}", (*cells, Cell(f"{n}.{label}"))))
            lead = ()
    layout.append(LayoutRow("replied_total", (Cell("（七）总计", colspan=2),)))
    layout.append(LayoutRow("carried_out", (Cell("四、结转下年度继续办理", colspan=3),)))
    return layout


def _count_by_applicant(queryset) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for applicant_type in queryset.values_list("applicant_type", flat=True):
        counts[applicant_type] += 1
        counts["total"] += 1
    return counts


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {c: a[c] + b[c] for c in COLUMNS}


def request_table(year: int, department=None) -> dict[str, dict[str, int]]:
    """Section 三: row key -> column -> count.

    - A request belongs to the year of its receipt date (《条例》第三十一条), not of the day staff
      typed it in: a letter signed for on 2024-12-30 and entered on 2025-01-03 is 2024's.
    - It is finished on its reply date or the day the applicant withdrew it; until then it is
      carried over (二 and 四).
    - A withdrawal is not a reply: it is counted in （六）其他处理·3.其他 in the year of withdrawal.
    - Identical requests of one applicant merged by the office count once: the merged one is left
      out of every row, the one that answers both is counted.
    So 一 + 二 = 三（七）+ 四 holds in every column.
    """
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    requests = DisclosureRequest.objects.filter(merged_into__isnull=True)
    if department is not None:
        requests = requests.filter(department=department)
    finished_before = Q(reply_date__lt=first_day) | Q(withdrawn_on__lt=first_day)
    finished_by_end = Q(reply_date__lte=last_day) | Q(withdrawn_on__lte=last_day)
    table = {
        "new": _count_by_applicant(requests.filter(received_date__gte=first_day, received_date__lte=last_day)),
        "carried_in": _count_by_applicant(requests.filter(received_date__lt=first_day).exclude(finished_before)),
        "carried_out": _count_by_applicant(requests.filter(received_date__lte=last_day).exclude(finished_by_end)),
    }
    replied = requests.filter(reply_date__gte=first_day, reply_date__lte=last_day)
    withdrawn = _count_by_applicant(requests.filter(withdrawn_on__gte=first_day, withdrawn_on__lte=last_day))
    for reply_type in ReplyType:
        of_type = replied.filter(reply_type=reply_type)
        table[reply_type.value] = _count_by_applicant(of_type)
        for key, _ in REPLY_SUBREASONS.get(reply_type, []):
            table[f"{reply_type.value}:{key}"] = _count_by_applicant(of_type.filter(reply_subreason=key))
    table["other:other"] = _add(table["other:other"], withdrawn)
    table[ReplyType.OTHER.value] = _add(table[ReplyType.OTHER.value], withdrawn)
    table["replied_total"] = _add(_count_by_applicant(replied), withdrawn)
    return table


def fee_summary(year: int, department=None) -> dict:
    """信息处理费 of the year (for section 六, as 国办公开办函〔2021〕30号 asks): notices issued, paid, amount."""
    notices = FeeNotice.objects.filter(issued_on__year=year)
    paid = FeeNotice.objects.filter(status=FeeStatus.PAID, settled_on__year=year)
    if department is not None:
        notices = notices.filter(request__department=department)
        paid = paid.filter(request__department=department)
    amount = paid.aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
    return {"notices": notices.count(), "paid": paid.count(), "amount": f"{amount:.2f}"}


def document_table(year: int, department=None) -> dict[str, dict[str, int]]:
    """Section 二, 第二十条第（一）项: 规章 and 行政规范性文件 made, repealed, in force."""
    documents = DisclosureDocumentPage.objects.live().filter(index_number__isnull=False)
    if department is not None:
        documents = documents.filter(issuing_body=department)
    result = {}
    last_day = datetime.date(year, 12, 31)
    for key in ("regulation", "normative_document"):
        of_kind = documents.filter(categories__key=key).distinct()
        ended = ~Q(validity=Validity.IN_FORCE) & Q(validity_date__lte=last_day)
        result[key] = {
            "made": of_kind.filter(publication_date__year=year).count(),
            "repealed": of_kind.filter(
                validity__in=[Validity.REPEALED, Validity.EXPIRED], validity_date__year=year
            ).count(),
            "in_force": of_kind.filter(publication_date__lte=last_day).exclude(ended).count(),
        }
    return result


def compute_tables(year: int, department=None) -> dict:
    """Everything the report counts, as stored on the page (JSON)."""
    return {
        "year": year,
        "department": department.name if department is not None else "",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "documents": document_table(year, department),
        "requests": request_table(year, department),
        "fees": fee_summary(year, department),
    }


def fee_sentence(fees: dict | None) -> str:
    """Section 六's sentence on information-processing fees."""
    if not fees or not fees.get("notices"):
        return "本年度未收取政府信息公开信息处理费。"
    text = f"本年度发出信息处理费收费通知{fees['notices']}件"
    if fees.get("paid"):
        return text + f"，收取信息处理费{fees['amount']}元（{fees['paid']}件）。"
    return text + "，未收到缴费。"


def identity_holds(requests: dict[str, dict[str, int]]) -> bool:
    """一 + 二 = 三（七） + 四, in every column (the template's own check)."""
    return all(
        requests["new"][c] + requests["carried_in"][c] == requests["replied_total"][c] + requests["carried_out"][c]
        for c in COLUMNS
    )
