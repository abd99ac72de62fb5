"""Benchmark of the guide pages: screen, print view and PDF, as materials grow.

Builds a throwaway database (SQLite file in a temp dir, or DATABASE_URL if given), loads the
demo city, then gives one guide's matter 5, 50 and 200 materials and a four-matter bundle 50
materials per member, and prints for each page the median time of REPEAT requests, the number
of queries and the peak Python memory of one request. It prints figures; it asserts nothing.

    .venv/bin/python bench/guides_bench.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import HEADER, load_demo_city, measure_get, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    load_demo_city()

    from django.test import Client

    from guides.models import BundleGuidePage, GuidePage
    from matters.models import Material

    client = Client()

    def measure(label: str, url: str) -> None:
        measure_get(client, label, url, args.repeat)

    def set_materials(matter, count: int, prefix: str) -> None:
        draft = matter.get_latest_revision_as_object()
        draft.materials = [
            Material(name=f"{prefix}材料{i:03d}", source=("applicant", "government")[i % 2]) for i in range(count)
        ]
        draft.save_revision().publish()

    guide = GuidePage.objects.live().filter(matter__name="食品经营许可").select_related("matter").first()
    print(HEADER)
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
