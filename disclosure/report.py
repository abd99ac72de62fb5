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

from django.db.models import Q
from django.utils import timezone

from .models import DisclosureDocumentPage, Validity
from .request_models import REPLY_SUBREASONS, ApplicantType, DisclosureRequest, ReplyType

COLUMNS = [t.value for t in ApplicantType] + ["total"]
COLUMN_LABELS = {**{t.value: t.label for t in ApplicantType}, "total": "总计"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    level: int  # 0 = 一/二/三/四, 1 = （一）…, 2 = 1. 2. …


def outcome_rows() -> list[Row]:
    """The rows of 三、本年度办理结果, in the official order and wording."""
    numerals = "一二三四五六七"
    rows = []
    for i, reply_type in enumerate(ReplyType):
        rows.append(Row(reply_type.value, f"（{numerals[i]}）{reply_type.label}", 1))
        for n, (key, label) in enumerate(REPLY_SUBREASONS.get(reply_type, []), start=1):
            rows.append(Row(f"{reply_type.value}:{key}", f"{n}.{label}", 2))
    rows.append(Row("replied_total", "（七）总计", 1))
    return rows


def request_rows() -> list[Row]:
    return [
        Row("new", "一、本年新收政府信息公开申请数量", 0),
        Row("carried_in", "二、上年结转政府信息公开申请数量", 0),
        Row("outcomes", "三、本年度办理结果", 0),
        *outcome_rows(),
        Row("carried_out", "四、结转下年度继续办理", 0),
    ]


def _bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _count_by_applicant(queryset) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for applicant_type in queryset.values_list("applicant_type", flat=True):
        counts[applicant_type] += 1
        counts["total"] += 1
    return counts


def request_table(year: int, department=None) -> dict[str, dict[str, int]]:
    """Section 三: row key -> column -> count. Receipt is the day the application came in
    (``submitted_at``), not the clock's restart after an amendment."""
    start, end = _bounds(year)
    requests = DisclosureRequest.objects.all()
    if department is not None:
        requests = requests.filter(department=department)
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    table = {
        "new": _count_by_applicant(requests.filter(submitted_at__gte=start, submitted_at__lt=end)),
        "carried_in": _count_by_applicant(
            requests.filter(submitted_at__lt=start).filter(Q(reply_date__isnull=True) | Q(reply_date__gte=first_day))
        ),
        "carried_out": _count_by_applicant(
            requests.filter(submitted_at__lt=end).filter(Q(reply_date__isnull=True) | Q(reply_date__gt=last_day))
        ),
    }
    replied = requests.filter(reply_date__gte=first_day, reply_date__lte=last_day)
    for reply_type in ReplyType:
        of_type = replied.filter(reply_type=reply_type)
        table[reply_type.value] = _count_by_applicant(of_type)
        for key, _ in REPLY_SUBREASONS.get(reply_type, []):
            table[f"{reply_type.value}:{key}"] = _count_by_applicant(of_type.filter(reply_subreason=key))
    table["replied_total"] = _count_by_applicant(replied)
    return table


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
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "documents": document_table(year, department),
        "requests": request_table(year, department),
    }


def identity_holds(requests: dict[str, dict[str, int]]) -> bool:
    """一 + 二 = 三（七） + 四, in every column (the template's own check)."""
    return all(
        requests["new"][c] + requests["carried_in"][c] == requests["replied_total"][c] + requests["carried_out"][c]
        for c in COLUMNS
    )
