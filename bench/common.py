"""What the benchmark scripts share: a throwaway database, the demo city, one timed GET.

The scripts import this after putting the project on ``sys.path``; Django is set up here so each
script reads as the steps it measures.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import tracemalloc
from io import StringIO


def setup_django() -> str:
    """Point Django at a SQLite file in a new temp dir (unless DATABASE_URL is set) and set it up.

    Returns the temp dir (also VAR_DIR, so media and the SQLite file stay out of the checkout).
    """
    tmp = tempfile.mkdtemp(prefix="cms-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ["VAR_DIR"] = tmp

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    return tmp


def load_demo_city() -> None:
    """Migrate and load the demo city, printing the database and how long it took."""
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    print(f"数据库: {connection.vendor}  准备（迁移+演示数据）: {time.perf_counter() - start:.1f} s")


def measure_get(client, label: str, url: str, repeat: int) -> None:
    """Print the median time of ``repeat`` GETs, then the queries and peak Python memory of one."""
    from django.db import connection

    client.get(url)  # warm up: site root, templates, caches
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - begin)
        if response.status_code != 200:
            raise AssertionError((url, response.status_code))
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


HEADER = f"{'page':<34} {'median':>11}  {'queries':>11}  {'peak':>10}  {'size':>11}"
