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
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import HEADER, load_demo_city, measure_get, setup_django  # noqa: E402

PAGES = ["/", "/grbs/", "/frbs/", "/bmfw/", "/yjs/", "/fwdt/", "/matters/"]
# One query of each kind the relevance test covers: partial word, pinyin, initials, Traditional,
# synonym, typo, a word nothing matches (did-you-mean), and the catalog's keyword box.
QUERIES = ["营业执照", "yingyezhizhao", "yyzz", "營業執照", "开饭店", "营业执找", "食品经营许可征", "zzzzqqq"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    load_demo_city()

    from django.core.management import call_command
    from django.test import Client

    start = time.perf_counter()
    call_command("update_index", stdout=StringIO())
    print(f"update_index（全部重建搜索索引）: {time.perf_counter() - start:.1f} s")

    client = Client()

    def measure(label: str, url: str) -> None:
        measure_get(client, label, url, args.repeat)

    print(HEADER)
    for path in PAGES:
        measure(path, path)
    for query in QUERIES:
        measure(f"/search/?q={query}", f"/search/?q={quote(query)}")
    for query in QUERIES[:3]:
        measure(f"/matters/?q={query}", f"/matters/?q={quote(query)}")


if __name__ == "__main__":
    main()
