"""Benchmark of the JSON API under load: wrk against gunicorn, per scenario and per database.

For each database (SQLite in a temp file; PostgreSQL in a throwaway cluster started here as
.ci/postgres-tests does, or DATABASE_URL if given) it migrates, loads the demo city, adds
matters until N are published and in force (3-8 materials, 2-4 steps, a legal basis, fees),
then starts gunicorn with ``bench.settings`` (DEBUG off, throttles raised, Wagtail's API v2 and
a static file view added by ``bench.urls``) and runs wrk on each scenario for the same time.
Unless ``--cold``, gunicorn's master requests every page of matters once before forking its
workers (bench/wsgi.py), so they start with every record's JSON cached, as a shared cache would
have it in production; the in-process columns show a cold request as well.
It prints requests/s, p50 and p99 latency, the response size and the ratio to the references
(a static file served by the same Django; Wagtail's API v2), the SQL queries and peak Python
memory of one request measured in-process, and the three targets. It asserts nothing. The two
targets against the static file (the cached list, the 304) are judged on two runs of each with
the static file measured right after each run: on a shared machine the speed drifts between
scenarios a minute apart, and the first static run alone made the same ratio swing by 2×.
With ``--redis`` the cache is a throwaway Redis (``CACHE_URL=redis://…``, as the production profile
runs): the workers share it, and collection versions and key lookups come from it
(``API_SHARED_CACHE``), so the 304 row shows the shared-cache path (0 warm queries).

    .venv/bin/python bench/api_bench.py [--db sqlite|postgres|both] [--matters 10000]
        [--duration 10] [--warm 1] [--connections 16] [--threads 2] [--worker-class gthread|sync]
        [--gunicorn-threads 4] [--cold] [--quick] [--redis] [--profiles]

``--profiles`` runs the embedded profile (SQLite, local-memory cache) and the production profile
(PostgreSQL, Redis) one after the other on this machine and prints them side by side.

wrk and PostgreSQL are installed from Debian's packages when missing (via sudo when not root).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import glob
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STATIC_NAME = "matters-page-1.json"
STATIC_PATH = f"/static/bench/{STATIC_NAME}"  # bench/urls.py; STATIC_URL is /static/
WAGTAIL = "wagtail api v2 (20 guides)"
UNCACHED = "matters page (uncached)"
PAGE_SIZE = 50


@dataclass
class Scenario:
    """One thing a client does, hammered by wrk; ``why`` says what the figure tells us."""

    name: str
    why: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200  # the status of a good answer
    etag: bool = False  # send If-None-Match with the ETag of a first plain request
    result: dict = field(default_factory=dict)


def scenarios(ids: list[int], pages: int, since: str) -> list[Scenario]:
    """The scenarios in order; the references (static, Wagtail's API v2) first and last."""
    page1 = "/api/v1/matters/?page=1"
    return [
        Scenario("static", "the ceiling: same gunicorn and middleware, no database, no JSON", [STATIC_PATH]),
        Scenario("matters page (cached)", "a poll without ETag: a whole-response cache hit", [page1]),
        Scenario(
            UNCACHED,
            "a page built for each request (from the per-record cache at most), pages 1..N in turn",
            [f"/api/v1/matters/?page={n}" for n in range(1, pages + 1)],
            {"Cache-Control": "no-cache"},
        ),
        Scenario("one matter", "the detail a terminal fetches after a sync", [f"/api/v1/matters/{i}/" for i in ids]),
        Scenario("304 revalidation", "most polls: nothing changed, so no body", [page1], expect=304, etag=True),
        Scenario("sync 100 changes", "incremental sync after 100 edits", [f"/api/v1/matters/?updated_since={since}"]),
        Scenario("feed", "a staff-defined feed of 50 matters", ["/api/v1/feeds/bench-matters/"]),
        Scenario(WAGTAIL, "the reference: Wagtail's own API v2", ["/api/v2/pages/?type=guides.GuidePage&fields=*"]),
    ]


# ---- processes: PostgreSQL, gunicorn, wrk ---------------------------------------------------


def as_root(*cmd: str) -> list[str]:
    return list(cmd) if os.geteuid() == 0 else ["sudo", *cmd]


def apt_install(package: str) -> None:
    print(f"== installing {package} from Debian's packages")
    subprocess.run(as_root("apt-get", "update", "-qq"), check=True)  # noqa: S603 (fixed apt-get arguments)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(as_root("apt-get", "install", "-y", "-qq", package), check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed apt-get arguments)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_postgres() -> str:
    """A throwaway cluster (fsync off, trust auth, local port) stopped at exit; returns its URL."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        apt_install("postgresql")
    pgbin = max(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    run_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_pg and subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode:  # noqa: S607 (system tool on PATH, benchmark machine)
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)  # noqa: S607 (system tool on PATH, benchmark machine)
    root = tempfile.mkdtemp(prefix="cms-pg-")
    os.chmod(root, 0o755)  # noqa: S103 (the unprivileged server user must enter it)
    if run_pg:
        shutil.chown(root, "postgres")
    data, port = f"{root}/data", free_port()

    def pg(*cmd: str, check: bool = True) -> None:
        subprocess.run([*run_pg, *cmd], cwd=root, check=check, capture_output=True)  # noqa: S603 (PostgreSQL tools with fixed arguments)

    def stop() -> None:
        pg(f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)

    pg(f"{pgbin}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # as CI: only the build is faster
    pg(f"{pgbin}/pg_ctl", "-D", data, "-l", f"{root}/server.log", "-w", "-o", options, "start")
    atexit.register(stop)
    pg(f"{pgbin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "cms")
    print(f"== throwaway PostgreSQL cluster on port {port} ({pgbin})")
    return f"postgres://postgres@127.0.0.1:{port}/cms"


def start_redis() -> str:
    """A throwaway redis-server (no persistence, local port) stopped at exit; returns its CACHE_URL."""
    if not shutil.which("redis-server"):
        apt_install("redis-server")
    root, port = tempfile.mkdtemp(prefix="cms-redis-"), free_port()
    run_as = ["runuser", "-u", "redis", "--"] if os.geteuid() == 0 else []
    if run_as:
        os.chmod(root, 0o755)  # noqa: S103 (the unprivileged server user must enter it)
        shutil.chown(root, "redis")
    pidfile = f"{root}/redis.pid"
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    command += ["--dir", root, "--daemonize", "yes", "--pidfile", pidfile, "--logfile", f"{root}/redis.log"]
    subprocess.run([*run_as, *command], check=True)  # noqa: S603 (redis-server with fixed arguments)

    def stop() -> None:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(Path(pidfile).read_text()), signal.SIGTERM)
        time.sleep(0.5)
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    deadline = time.monotonic() + 10
    while not Path(pidfile).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"== throwaway Redis on port {port}")
    return f"redis://127.0.0.1:{port}/0"


def start_gunicorn(port: int, args: argparse.Namespace, prewarm: list[str]) -> subprocess.Popen:
    """Two workers on localhost with this process's environment (bench.settings), forked from a
    master that has requested the ``prewarm`` paths once (see bench/wsgi.py)."""
    log, worker_class = args.tmp / "gunicorn.log", args.worker_class
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "bench.wsgi:application", "--chdir", str(ROOT), "-w", "2"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--worker-class", worker_class, "--error-logfile", str(log)]
    cmd += ["--control-socket", str(log.with_name("gunicorn.ctl"))]  # not the shared ~/.gunicorn one
    if worker_class == "gthread":
        cmd += ["--threads", str(args.gunicorn_threads)]
    env = dict(os.environ)
    if prewarm:
        (args.tmp / "prewarm.txt").write_text("\n".join(prewarm))
        env["BENCH_PREWARM"] = str(args.tmp / "prewarm.txt")
        print(f"== gunicorn: warming the record cache with {len(prewarm)} pages before forking", flush=True)
    proc = subprocess.Popen([*cmd, "--preload"], env=env, start_new_session=True)  # noqa: S603 (our own gunicorn command line)
    atexit.register(stop_process, proc)
    deadline = time.monotonic() + 60 + 10 * len(prewarm)
    while time.monotonic() < deadline:
        try:
            if fetch(port, STATIC_PATH)[0]:
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}") from None
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer in time; see {log}")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


LUA_ROTATE = """
local paths = {%s}
local headers = {%s}
local i, n = 0, 0
function setup(thread) thread:set("offset", n * 7919); n = n + 1 end
function init(args) i = offset or 0 end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
"""


def run_wrk(port: int, scenario: Scenario, headers: dict[str, str], args: argparse.Namespace, seconds: int) -> dict:
    """wrk --latency on the scenario; several paths go through a Lua script that rotates them."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if len(scenario.paths) > 1:
        script = args.tmp / "rotate.lua"
        quoted = ", ".join(json.dumps(p) for p in scenario.paths)
        header_table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        script.write_text(LUA_ROTATE % (quoted, header_table))
        cmd += ["-s", str(script)]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{scenario.paths[0]}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603 (our own command line)
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M).groups()
        return float(value) * units[unit]

    problems = re.findall(r"^\s*((?:Non-2xx or 3xx responses|Socket errors): .*)$", out, re.M)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if re.search(r"^\s*0 requests in", out, re.M):
        problems.append("no response within the run")
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": "; ".join(problems)}


# ---- the database --------------------------------------------------------------------------

MATERIAL = {"fill_instructions": "如实填写，加盖公章。", "acceptance_criteria": "内容完整、真实有效。"}
STEP = {"time_limit": 2, "criteria": "材料齐全、符合法定形式"}
BASIS = {"law_name": "《中华人民共和国行政许可法》", "document_number": "主席令第7号", "article": "第十二条"}
PLACE = {"name": "市政务服务中心一楼A区", "address": "示范市人民大道88号", "hours": "周一至周五 9:00-17:00"}
FEE = {"name": "工本费", "standard": "每证10元", "basis": "价费字〔2020〕1号"}


def bump_matters(pks: list[int]) -> None:
    """Tell the API that rows written without save() changed (bulk_create and update skip signals)."""
    from core.signals import records_changed
    from matters.models import Matter

    records_changed.send(sender=Matter, pks=pks)
    try:
        from api.collections import bump
    except ImportError:
        return
    bump("matters")


def add_matters(target: int) -> int:
    """bulk_create matters (live, in force) with their children until ``target`` are public.

    Public reads need no guardian grants, so none are created for these rows.
    """
    from django.utils import timezone

    from matters.models import Fee, HandlingPlace, LegalBasis, Material, Matter, MatterType, ProcessStep, Term
    from permissions.models import Department

    missing = target - Matter.public_queryset().count()
    if missing <= 0:
        return 0
    rnd, now = random.Random(42), timezone.now()  # noqa: S311 (test data)
    departments = list(Department.objects.exclude(credit_code=""))
    types = list(MatterType.objects.filter(is_active=True))
    term = {(t.vocabulary, t.key): t for t in Term.objects.exclude(key="")}
    handling, depth = term["handling_type", "promised"], term["online_depth", "depth_3"]
    service_objects = [term["service_object", "natural_person"], term["service_object", "legal_enterprise"]]
    through = Matter.service_objects.through
    created: list[int] = []
    for start in range(0, missing, 1000):
        matters = []
        for n in range(start, min(start + 1000, missing)):
            dept = departments[n % len(departments)]
            matters.append(
                Matter(
                    implementation_code=f"{dept.credit_code}B{n:07d}",
                    basic_code=f"0009{n:08d}",
                    name=f"基准测试事项{n}（{dept.short_name or dept.name}）",
                    matter_type=types[n % len(types)],
                    department=dept,
                    handling_type=handling,
                    online_depth=depth,
                    acceptance_conditions="申请人具有完全民事行为能力，申请材料齐全、符合法定形式。",
                    process_description="申请人提交材料，窗口受理，审查后作出决定并送达。",
                    statutory_limit=20,
                    promised_limit=rnd.randint(1, 10),
                    visits=1,
                    visit_reason="须现场核验原件",
                    is_charged=n % 3 == 0,
                    consultation="0999-12345\n示范市政务服务中心一楼咨询台",
                    complaint="12345 政务服务便民热线",
                    result_name="许可证",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    status="in_force",
                    version=1,
                )
            )
        Matter.objects.bulk_create(matters, batch_size=500)
        children: dict[type, list] = {Material: [], ProcessStep: [], LegalBasis: [], Fee: [], HandlingPlace: []}
        links = []
        for m in matters:
            for i in range(rnd.randint(3, 8)):
                source = ("applicant", "government")[i % 2]
                children[Material].append(
                    Material(matter=m, sort_order=i, name=f"申请材料{i + 1}", source=source, **MATERIAL)
                )
            for i in range(rnd.randint(2, 4)):
                children[ProcessStep].append(ProcessStep(matter=m, sort_order=i, name=f"环节{i + 1}", **STEP))
            children[LegalBasis].append(LegalBasis(matter=m, **BASIS))
            children[HandlingPlace].append(HandlingPlace(matter=m, **PLACE))
            if m.is_charged:
                children[Fee].append(Fee(matter=m, **FEE))
            links += [through(matter=m, term=t) for t in service_objects]
        for model, rows in children.items():
            model.objects.bulk_create(rows, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)
        created += [m.pk for m in matters]
    bump_matters(created)
    return len(created)


def build_database(n_matters: int) -> tuple[list[int], str]:
    """Migrate, load the demo, add matters, make 100 changes and the feed; returns (ids, since)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from matters.models import Matter
    from permissions.models import Department
    from terminals.models import Feed

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    t_demo, t = time.perf_counter() - t, time.perf_counter()
    added = add_matters(n_matters)
    t_bulk = time.perf_counter() - t
    print(f"数据库: {connection.vendor}  迁移+演示数据 {t_demo:.1f} s  批量新增事项 {added} 个 {t_bulk:.1f} s")

    since = timezone.now()
    time.sleep(0.01)
    changed = list(Matter.public_queryset().order_by("-pk").values_list("pk", flat=True)[:100])
    Matter.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    bump_matters(changed)
    department = Department.objects.exclude(credit_code="").first()
    feed = {"title": "基准测试事项订阅", "source": "matters", "size": PAGE_SIZE, "department": department}
    Feed.objects.update_or_create(slug="bench-matters", defaults={**feed, "requires_key": False})
    ids = list(Matter.public_queryset().order_by("pk").values_list("pk", flat=True)[:n_matters])
    return ids, quote(since.isoformat())


# ---- measuring -----------------------------------------------------------------------------


def measure_in_process(scenario: Scenario) -> None:
    """With the test client: queries and time of a first (cold) request, then of a warm one (the
    median of five) and the peak Python memory of one. Rotating scenarios use a middle path, one
    that no earlier request has warmed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, headers = Client(SERVER_NAME="localhost"), dict(scenario.headers)
    path = scenario.paths[len(scenario.paths) // 2]
    if scenario.etag:
        headers["If-None-Match"] = client.get(path).get("ETag", "")
    for phase in ("cold", "warm"):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers=headers)
        scenario.result[f"{phase}_ms"] = (time.perf_counter() - start) * 1000
        scenario.result[f"{phase}_queries"] = len(captured)  # now: the next request clears the query log
    times = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(path, headers=headers)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    client.get(path, headers=headers)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    scenario.result.update(
        warm_ms=statistics.median(times) * 1000, peak=peak / 1024, inproc_status=response.status_code
    )


def run_scenario(port: int, scenario: Scenario, args: argparse.Namespace) -> None:
    """A checked warm-up request, an unmeasured wrk run (so every worker has loaded and cached what
    it can), then the measured one; the outcome (or why it was skipped) goes in ``result``."""
    headers = dict(scenario.headers)
    if scenario.etag:
        status, first, _ = fetch(port, scenario.paths[0])
        if status != 200 or "etag" not in first:
            scenario.result["skip"] = f"first request gave {status}" + (" without ETag" if status == 200 else "")
            return
        headers["If-None-Match"] = first["etag"]
    status, _, body = fetch(port, scenario.paths[0], headers)
    if status != scenario.expect:
        what = "endpoint missing" if status == 404 else f"expected {scenario.expect}"
        scenario.result["skip"] = f"warm-up got {status} ({what})"
        return
    scenario.result["bytes"] = len(body)
    if scenario.name == "sync 100 changes":
        data = json.loads(body)
        results = data.get("results", data) if isinstance(data, dict) else data
        count = f" (count {data['count']})" if isinstance(data, dict) and "count" in data else ""
        scenario.result["note"] = f"{len(results)} results{count}"
    if args.warm:
        run_wrk(port, scenario, headers, args, args.warm)
    scenario.result.update(run_wrk(port, scenario, headers, args, args.duration))


def static_beside(port: int, static: Scenario, scenario: Scenario, args: argparse.Namespace) -> float:
    """The static file's rate measured right after the scenario and again right after a second run
    of the scenario; the scenario's rate becomes the mean of its two runs and the reference the
    mean of the two static runs beside them. A shared machine's speed drifts between scenarios a
    minute apart (two idle runs of the whole bench differed by 2× for the same request), and a
    ratio is only as good as its two terms measured under the same conditions."""
    statics = [run_wrk(port, static, {}, args, args.duration)["rps"]]
    headers = dict(scenario.headers)
    if scenario.etag:
        headers["If-None-Match"] = fetch(port, scenario.paths[0])[1]["etag"]
    again = run_wrk(port, scenario, headers, args, args.duration)["rps"]
    scenario.result["rps_runs"] = [scenario.result["rps"], again]
    statics.append(run_wrk(port, static, {}, args, args.duration)["rps"])
    return statistics.mean(statics)


# The targets' scenarios, each measured twice with the static file beside it (``static_beside``).
BESIDE = ("matters page (cached)", "304 revalidation")


def print_report(vendor: str, items: list[Scenario], args: argparse.Namespace) -> None:
    """The table (wrk through gunicorn; then in-process: queries, median ms, peak memory) and targets."""
    rps = {s.name: s.result.get("rps") for s in items}
    static, v2 = rps["static"], rps[WAGTAIL]
    server = f"gunicorn 2 {args.worker_class}"
    if args.worker_class == "gthread":
        server += f" × {args.gunicorn_threads} threads"
    load = f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s after {args.warm} s warm-up"
    load += ", record cache cold" if args.cold else ", record cache prewarmed"
    load += ", cache: Redis (shared)" if args.redis else ", cache: local memory per worker"
    print(f"\n== {vendor}: {load}; {server}")
    head = ("scenario", "req/s", "p50 ms", "p99 ms", "bytes", "×static", "×v2", "cold q", "cold ms", "warm q")
    row = "{:<27} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>6} {:>8} {:>6} {:>8} {:>8}  {}"
    print(row.format(*head, "warm ms", "peak KiB", "note"))
    for s in items:
        r = s.result
        inproc = [
            r["cold_queries"],
            f"{r['cold_ms']:.1f}",
            r["warm_queries"],
            f"{r['warm_ms']:.1f}",
            f"{r['peak']:.0f}",
        ]
        notes = [r.get("skip"), r.get("note"), r.get("errors")]
        if r.get("inproc_status") != s.expect:
            notes.append(f"in-process status {r.get('inproc_status')}")
        note = "; ".join(n for n in notes if n)
        if "rps" not in r:
            print(row.format(s.name, "skipped", *[""] * 5, *inproc, note))
            continue
        ratios = [f"{r['rps'] / ref:.2f}" if ref else "-" for ref in (static, v2)]
        wrk = [f"{r['rps']:.0f}", f"{r['p50']:.2f}", f"{r['p99']:.2f}", r["bytes"]]
        print(row.format(s.name, *wrk, *ratios, *inproc, note))
    print("targets (through gunicorn; in brackets the same ratio from warm in-process times, for comparison):")
    warm = {s.name: s.result.get("warm_ms") for s in items}
    targets = (
        # Issue 17's targets (issue 9's were 0.5 and 1/3).
        ("304 revalidation", "static", 0.8, "304 ≥ 0.8 × static"),
        ("matters page (cached)", "static", 0.5, "cached list ≥ 0.5 × static"),
        (UNCACHED, WAGTAIL, 2.0, "uncached page of 50 ≥ 2 × Wagtail API v2 (goal 4 ×)"),
    )
    for name, ref, goal, label in targets:
        inproc = f"[in-process {warm[ref] / warm[name]:.2f} ×]" if warm[name] and warm[ref] else ""
        if rps[name] is None or not rps[ref]:
            print(f"  n/a  {label}  (not measured) {inproc}")
            continue
        result = next(s.result for s in items if s.name == name)
        if "static_beside" in result:  # both runs of the scenario against the static runs beside them
            runs = result["rps_runs"]
            ratio = statistics.mean(runs) / result["static_beside"]
            beside = f"; runs {runs[0]:.0f} and {runs[1]:.0f} req/s, static beside {result['static_beside']:.0f} req/s"
            first = f", {rps[name] / rps[ref]:.2f} × the first static run"
            print(f"  {'PASS' if ratio >= goal else 'MISS'} {label}  ({ratio:.2f} ×{first}{beside}) {inproc}")
            continue
        ratio = rps[name] / rps[ref]
        print(f"  {'PASS' if ratio >= goal else 'MISS'} {label}  ({ratio:.2f} ×) {inproc}")
    if args.summary:
        rows = {s.name: {k: s.result.get(k) for k in ("rps", "p50", "p99", "warm_queries")} for s in items}
        for s in items:
            if "static_beside" in s.result:
                rows[s.name]["beside"] = statistics.mean(s.result["rps_runs"]) / s.result["static_beside"]
        Path(args.summary).write_text(json.dumps({"vendor": vendor, "redis": args.redis, "rows": rows}))


def print_profiles(summaries: list[dict]) -> None:
    """The two profiles side by side, as Markdown: req/s, p50/p99 and the ratio to each one's static file."""
    names = [f"{'PostgreSQL + Redis' if s['redis'] else 'SQLite + local memory'}" for s in summaries]
    print("\n== side by side (Markdown)")
    print("| scenario | " + " | ".join(f"{n} req/s | p50 / p99 ms | ×static" for n in names) + " |")
    print("|---|" + "---|---|---|" * len(summaries))
    for scenario in summaries[0]["rows"]:
        cells = []
        for summary in summaries:
            r, static = summary["rows"].get(scenario, {}), summary["rows"]["static"]["rps"]
            if not r.get("rps"):
                cells += ["-", "-", "-"]
                continue
            ratio = f"{r['rps'] / static:.2f}" + (f" (beside: {r['beside']:.2f})" if r.get("beside") else "")
            cells += [f"{r['rps']:.0f}", f"{r['p50']:.1f} / {r['p99']:.1f}", ratio]
        print(f"| {scenario} | " + " | ".join(cells) + " |")


def run_one(db: str, args: argparse.Namespace) -> None:
    """Everything for one database, in this process (Django is set up once per process)."""
    tmp = args.tmp = Path(tempfile.mkdtemp(prefix="cms-api-bench-"))
    atexit.register(shutil.rmtree, tmp, True)
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = start_postgres()
    if args.redis:
        os.environ["CACHE_URL"] = start_redis()
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        VAR_DIR=str(tmp),
        BENCH_STATIC_DIR=str(tmp / "static"),
        SECRET_KEY=secrets.token_urlsafe(50),
        PII_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PII_HASH_KEY=secrets.token_urlsafe(32),
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_KEY="100000000/minute",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    ids, since = build_database(args.matters)
    pages = min(200, max(1, -(-len(ids) // PAGE_SIZE)))
    first_page = Client(SERVER_NAME="localhost").get("/api/v1/matters/?page=1")
    (tmp / "static").mkdir()
    (tmp / "static" / STATIC_NAME).write_bytes(first_page.content)
    items = scenarios(ids, pages, since)
    for scenario in items:
        measure_in_process(scenario)
    connection.close()  # idle while gunicorn runs

    port = free_port()
    prewarm = [] if args.cold else next(s.paths for s in items if s.name == UNCACHED)
    proc = start_gunicorn(port, args, prewarm)
    try:
        static = next(s for s in items if s.name == "static")
        for scenario in items:
            print(f"-- {scenario.name}: {scenario.why}", flush=True)
            run_scenario(port, scenario, args)
            if "skip" in scenario.result:
                print(f"!! ERROR {scenario.name}: skipped, {scenario.result['skip']}", flush=True)
            elif scenario.name in BESIDE:
                scenario.result["static_beside"] = static_beside(port, static, scenario, args)
    finally:
        stop_process(proc)
    print_report(connection.vendor, items, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--matters", type=int, help="public matters to reach (default 10,000; --quick 1,000)")
    parser.add_argument("--duration", type=int, help="seconds of wrk per scenario (default 10; --quick 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument("--gunicorn-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--warm", type=int, default=1, help="seconds of unmeasured wrk before each run (0: none)")
    parser.add_argument("--cold", action="store_true", help="no prewarming of the record cache before the fork")
    parser.add_argument("--quick", action="store_true", help="1,000 matters and 3 s runs")
    parser.add_argument("--redis", action="store_true", help="a throwaway Redis as the shared cache")
    parser.add_argument(
        "--profiles",
        action="store_true",
        help="both profiles one after the other, side by side: SQLite + local memory, PostgreSQL + Redis",
    )
    parser.add_argument("--summary", help=argparse.SUPPRESS)  # where a child writes its figures
    args = parser.parse_args()
    args.matters = args.matters or (1000 if args.quick else 10_000)
    args.duration = args.duration or (3 if args.quick else 10)
    if not shutil.which("wrk"):
        apt_install("wrk")
    if args.profiles:
        rest = [a for a in sys.argv[1:] if a not in {"--profiles", "--redis"}]
        summaries = []
        with tempfile.TemporaryDirectory() as tmp:
            for db, extra in (("sqlite", []), ("postgres", ["--redis"])):
                out = f"{tmp}/{db}.json"
                command = [sys.executable, __file__, *rest, *extra, "--db", db, "--summary", out]
                subprocess.run(command, check=False)  # noqa: S603 (this script; the last --db wins)
                if Path(out).exists():
                    summaries.append(json.loads(Path(out).read_text()))
        if len(summaries) == 2:
            print_profiles(summaries)
        return
    if args.db != "both":
        run_one(args.db, args)
        return
    for db in ("sqlite", "postgres"):  # a child each: Django's settings are fixed once set up
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--db", db], check=False)  # noqa: S603 (the last --db wins)


if __name__ == "__main__":
    main()
