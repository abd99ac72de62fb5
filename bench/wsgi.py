"""WSGI entry point for bench/api_bench.py: the site's application, its caches warmed before the fork.

gunicorn ``--preload`` imports this module in its master process. When ``BENCH_PREWARM`` names a
file of paths (one a line), each is requested once here with ``Cache-Control: no-cache``, so the
per-record JSON of every matter is in the local-memory cache before the workers are forked and
each worker starts with it: the steady state a shared cache (Redis) gives production.
"""

import os
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

if os.environ.get("BENCH_PREWARM"):
    from django.db import connections
    from django.test import Client

    client, start = Client(SERVER_NAME="localhost"), time.perf_counter()
    with open(os.environ["BENCH_PREWARM"], encoding="utf-8") as paths:
        for path in filter(None, map(str.strip, paths)):
            client.get(path, headers={"Cache-Control": "no-cache"})
    connections.close_all()  # the workers open their own
    print(f"bench.wsgi: caches warmed in {time.perf_counter() - start:.0f} s", flush=True)
