"""Benchmark of the public portal: the composed home and section pages, the site search, the catalog.

Builds a throwaway database (SQLite file in a temp dir, or DATABASE_URL if given), loads the demo
city (home page with nine data blocks, section pages, 37 synonym groups, the search index), then
prints for each page or query the median time of REPEAT anonymous requests, the number of queries
and the peak Python memory of one request; and the time ``update_index`` takes to rebuild the
search index. It prints figures; it asserts nothing.

    .venv/bin/python bench/portal_bench.py [--repeat 20]
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["/", "/grbs/", "/frbs/", "/bmfw/", "/yjs/", "/fwdt/", "/matters/"]
# One query of each kind the relevance test covers: partial word, pinyin, initials, Traditional,
# synonym, typo, a word nothing matches (did-you-mean), and the catalog's keyword box.
QUERIES = ["营业执照", "yingyezhizhao", "yyzz", "營業執照", "开饭店", "营业执找", "食品经营许可征", "zzzzqqq"]


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
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    print(f"数据库: {connection.vendor}  准备（迁移+演示数据）: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    call_command("update_index", stdout=StringIO())
    print(f"update_index（全部重建搜索索引）: {time.perf_counter() - start:.1f} s")

    client = Client()

    def measure(label: str, url: str) -> None:
        client.get(url)  # warm up: site root, templates, jieba's dictionary, the vocabulary
        times = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - begin)
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

    print(f"{'page':<34} {'median':>11}  {'queries':>11}  {'peak':>10}  {'size':>11}")
    for path in PAGES:
        measure(path, path)
    for query in QUERIES:
        measure(f"/search/?q={query}", f"/search/?q={quote(query)}")
    for query in QUERIES[:3]:
        measure(f"/matters/?q={query}", f"/matters/?q={quote(query)}")


if __name__ == "__main__":
    main()
