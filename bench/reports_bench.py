"""Benchmark of the generated downloads: which would be worth a task (docs/tasks.md).

Builds a throwaway database (SQLite file in a temp dir, or DATABASE_URL if given: then it must hold
the demo city already, nothing is loaded), loads the demo city, and prints the median of REPEAT
in-process renders (after one warm-up) and the size of: the 办件统计 page and its Excel export by
department, month and matter; the disclosure annual report's workbook and its tables counted again;
a disclosure letter PDF; a case's acceptance notice PDF; a guide's printable notice PDF (the whole
request); the catalog export. It prints figures; it asserts nothing.

    .venv/bin/python bench/reports_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import load_demo_city, setup_django  # noqa: E402


def timed(label: str, call, repeat: int) -> None:
    call()  # warm up
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        out = call()
        times.append((time.perf_counter() - begin) * 1000)
    size = len(out) if isinstance(out, bytes) else len(getattr(out, "content", b""))
    print(f"{label:<52} {statistics.median(times):8.1f} ms  max {max(times):8.1f} ms  {size / 1024:7.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    given = "DATABASE_URL" in os.environ
    setup_django()
    if not given:
        load_demo_city()

    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import Client, RequestFactory
    from django.utils import timezone

    from cases.documents import acceptance_notice_pdf
    from cases.models import Case
    from cases.supervision_views import RatesView
    from disclosure.letters import letter_pdf
    from disclosure.models import AnnualReportPage
    from disclosure.report import compute_tables
    from disclosure.report_views import xlsx_response
    from disclosure.request_models import Letter
    from guides.models import GuidePage
    from matters.importing import export_queryset, export_xlsx
    from matters.models import Matter

    print(f"办件 {Case.objects.count()}，事项 {Matter.objects.count()}，答复书 {Letter.objects.count()}")
    admin = get_user_model().objects.filter(is_superuser=True).first()
    factory = RequestFactory()

    def rates(query: dict):
        # The view itself (the admin's two-factor middleware is not what is measured).
        request = factory.get("/admin/cases/rates/", query)
        request.user, request.session = admin, {}
        request._messages = FallbackStorage(request)
        response = RatesView.as_view()(request)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            raise AssertionError(response.status_code)
        return response

    timed("办件统计 page (superuser, default months)", lambda: rates({}), args.repeat)
    timed("办件统计 导出Excel, by department", lambda: rates({"export": "xlsx"}), args.repeat)
    months = {"by": "month", "start": "2025-01", "end": "2026-12", "export": "xlsx"}
    timed("办件统计 导出Excel, by month over 2 years", lambda: rates(months), args.repeat)
    timed("办件统计 导出Excel, by matter", lambda: rates({"by": "matter", "export": "xlsx"}), args.repeat)
    report = AnnualReportPage.objects.live().first()
    if report is not None:
        report = report.specific
        timed(f"年度报告 .xlsx ({report.year})", lambda: xlsx_response(report), args.repeat)
        timed(
            f"年度报告 重新统计 compute_tables ({report.year})",
            lambda: compute_tables(report.year, report.scope) and b"",
            args.repeat,
        )
    letter = Letter.objects.first()
    if letter is not None:
        timed("答复书 PDF (letter_pdf)", lambda: letter_pdf(letter), args.repeat)
    case = Case.objects.exclude(accepted_on=None).first()
    today = timezone.localdate()
    timed(
        "受理通知书 PDF (acceptance_notice_pdf)", lambda: acceptance_notice_pdf(case, "https://x/", today), args.repeat
    )
    guide = GuidePage.objects.live().first()
    if guide is not None:
        client = Client()
        timed("办事指南 告知单 PDF (GET print/pdf/)", lambda: client.get(guide.url + "print/pdf/"), args.repeat)
    timed("事项清单 export .xlsx (export_xlsx)", lambda: export_xlsx(export_queryset(None)), max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
