"""Benchmark of the permission machinery: grants rebuild, admin listing and API list.

Builds a throwaway database (SQLite file in a temp dir, or DATABASE_URL if given) with
DEPARTMENTS departments and MATTERS matters, then prints time, queries and peak memory for:
- sync_permissions (full rebuild of every grant) from empty and when nothing is missing,
- the matters admin listing for a department editor and for a system administrator,
- the public and the department-scoped API list.

It prints figures; it asserts nothing.

    .venv/bin/python bench/permissions_bench.py [--departments 100] [--matters 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--matters", type=int, default=10_000)
    args = parser.parse_args()

    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    print(f"数据库: {connection.vendor}  部门: {args.departments}  事项: {args.matters}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate                         {time.perf_counter() - t:7.2f} s")

    from matters.models import Matter, MatterGroupObjectPermission, MatterType
    from permissions.demo_data import credit_code
    from permissions.grants import sync_model_grants
    from permissions.models import Department
    from tests.factories import UserFactory

    t = time.perf_counter()
    city = Department.objects.create(
        name="基准市人民政府",
        short_name="基准市政府",
        level="city",
        credit_code=credit_code("11", "990100", "90000000"),
    )
    departments = [city]
    for i in range(1, args.departments):
        departments.append(
            Department.objects.create(
                name=f"基准市第{i}局",
                short_name=f"第{i}局",
                level="city",
                parent=city,
                credit_code=credit_code("11", "990100", f"{90000000 + i:08d}"),
                sort_order=i,
            )
        )
    print(f"departments (groups, sections)  {time.perf_counter() - t:7.2f} s")

    matter_type = MatterType.objects.get(code="01")
    rows = [
        Matter(
            implementation_code=f"{departments[i % len(departments)].credit_code}01{i:06d}",
            name=f"基准事项{i}",
            department=departments[i % len(departments)],
            matter_type=matter_type,
            live=True,
        )
        for i in range(args.matters)
    ]
    Matter.objects.bulk_create(rows, batch_size=2000)  # bench data: rows only, no revisions

    def measure(label: str, fn) -> None:
        queries: list[tuple[float, str]] = []

        def record(execute, sql, params, many, context):
            t_q = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - t_q, sql))

        with connection.execute_wrapper(record):
            t0 = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t0
        # Python-level peak allocation, measured in a second run so tracing does not skew the time.
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra = f"  {result}" if isinstance(result, str) else ""
        in_db = sum(q[0] for q in queries)
        print(
            f"{label:<32}{elapsed:7.3f} s  {len(queries):5d} queries ({in_db:.3f} s in db)  "
            f"peak {peak / 2**20:6.1f} MiB{extra}"
        )
        if os.environ.get("BENCH_SHOW_SLOWEST") and queries:
            slow_time, slow_sql = max(queries)
            print(f"    slowest query {slow_time:.3f} s: {slow_sql[:500]}")

    t = time.perf_counter()
    added = sync_model_grants(Matter).grants_added
    print(f"grants rebuild from empty       {time.perf_counter() - t:7.3f} s  +{added} grants")
    measure("grants rebuild, nothing to do", lambda: f"+{sync_model_grants(Matter).grants_added} grants")
    print(f"grant rows                      {MatterGroupObjectPermission.objects.count():7d}")

    owner = UserFactory(username="bench_owner", owner_of=departments[1])
    admin = UserFactory(username="bench_admin", superuser=True)
    listing = reverse(Matter.snippet_viewset.get_url_name("list"))

    for label, user in (("admin list, department editor", owner), ("admin list, superuser", admin)):
        client = Client()
        client.force_login(user)
        client.get(listing)
        measure(label, lambda c=client: f"HTTP {c.get(listing).status_code}")

    anon = Client()
    anon.get("/api/v1/matters/")
    measure("API list, public (page of 50)", lambda: f"HTTP {anon.get('/api/v1/matters/').status_code}")
    scoped = Client()
    scoped.force_login(owner)
    scoped.get("/api/v1/matters/")
    measure("API list, department editor", lambda: f"HTTP {scoped.get('/api/v1/matters/').status_code}")


if __name__ == "__main__":
    main()
