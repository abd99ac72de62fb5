"""Benchmark of the guide pages: screen, print view and PDF, as materials grow.

Builds a throwaway database (SQLite file in a temp dir, or DATABASE_URL if given), loads the
demo city, then gives one guide's matter 5, 50 and 200 materials and a four-matter bundle 50
materials per member, and prints for each page the median time of REPEAT requests, the number
of queries and the peak Python memory of one request. It prints figures; it asserts nothing.

    .venv/bin/python bench/guides_bench.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cms-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ["VAR_DIR"] = tmp

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]

    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    print(f"数据库: {connection.vendor}  准备（迁移+演示数据）: {time.perf_counter() - t:.1f} s")

    from guides.models import BundleGuidePage, GuidePage
    from matters.models import Material

    client = Client()

    def measure(label: str, url: str) -> None:
        client.get(url)  # warm up: site root, templates, the printed edition row
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        executed: list[str] = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        tracemalloc.start()
        client.get(url)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{label:<34} {statistics.median(times) * 1000:8.1f} ms  "
            f"{len(executed):3d} queries  {peak / 2**20:6.1f} MiB  {len(response.content) / 1024:7.1f} KiB"
        )

    def set_materials(matter, count: int, prefix: str) -> None:
        draft = matter.get_latest_revision_as_object()
        draft.materials = [
            Material(name=f"{prefix}材料{i:03d}", source=("applicant", "government")[i % 2]) for i in range(count)
        ]
        draft.save_revision().publish()

    guide = GuidePage.objects.live().filter(matter__name="食品经营许可").select_related("matter").first()
    print(f"{'page':<34} {'median':>11}  {'queries':>11}  {'peak':>10}  {'size':>11}")
    for count in (5, 50, 200):
        set_materials(guide.matter, count, "单项")
        for suffix, kind in (("", "guide"), ("print/", "print"), ("print/pdf/", "pdf")):
            measure(f"{kind}, {count} materials", guide.url + suffix)

    bundle = BundleGuidePage.objects.live().get(slug="kaibancanyindian")
    for member in bundle.members.select_related("matter"):
        set_materials(member.matter, 50, member.matter.name[:4])
    for suffix, kind in (("", "bundle"), ("print/", "bundle print"), ("print/pdf/", "bundle pdf")):
        measure(f"{kind}, 4 x 50 materials", bundle.url + suffix)


if __name__ == "__main__":
    main()
