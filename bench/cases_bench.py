"""Benchmark of cases at scale: a million cases on PostgreSQL.

Starts a throwaway PostgreSQL cluster (as bench/api_bench.py does; or uses DATABASE_URL), migrates,
loads the demo city (its ~2,400 demo cases included), then adds cases with one INSERT … SELECT
from generate_series until there are ``--cases`` (default 1,000,000): the demo's matters, their
departments, windows and halls in turn, six months of application dates, every state in demo-like
shares (most completed, some running green/yellow/red), one encrypted applicant copied from a demo
case (the rows are for volume; the lookups use a real demo case), then ANALYZE. It prints, as the
median of ``--repeat`` runs with the queries of one run:

- a department's monthly rates (``cases.rates.rates`` by month for one department and one month,
  the admin's 办件统计 page for that department's handler, and the public rates API for the month);
- the supervision dashboard (电子监察 admin page) as the 效能监察员 and as a department handler;
- the progress lookup (a POST of number + phone to the public 办件查询);
- ``supervise()`` over every open case (the nightly light update);
- the push rate: ``--pushes`` POSTs to /api/v1/cases/ with a hall system's key, one after another
  in-process (cases/s), and the step rate after them.

Targets (issue 15): rates and dashboard under 300 ms, lookup under 20 ms, push ≥ 200 cases/s.
It prints figures; it asserts nothing.

    .venv/bin/python bench/cases_bench.py [--cases 1000000] [--repeat 10] [--pushes 500]
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

TARGETS = {"rates": 300, "dashboard": 300, "lookup": 20}


def timed(label: str, call, repeat: int, target_ms: float | None = None) -> None:
    """Median of ``repeat`` calls and the queries of one."""
    from django.db import connection

    call()  # warm up
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
    executed: list[tuple[float, str]] = []

    def count(execute, sql, params, many, context):
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            executed.append(((time.perf_counter() - begin) * 1000, sql))

    with connection.execute_wrapper(count):
        call()
    median = statistics.median(times)
    slowest = max(executed, default=(0.0, ""))
    verdict = ""
    if target_ms is not None:
        verdict = f"  目标 < {target_ms} ms：{'达到' if median < target_ms else '未达到'}"
    print(f"{label:<40} {median:9.1f} ms  (最快 {min(times):7.1f})  {len(executed):3d} queries{verdict}")
    if slowest[0] > median / 3:  # say which query the time went to
        print(f"{'':<40} 最慢查询 {slowest[0]:.1f} ms: {' '.join(slowest[1].split())[:160]}")


def fill(total: int) -> None:
    """Cases up to ``total`` with one INSERT … SELECT (demo-like shares of states and lights)."""
    from django.db import connection

    from cases.models import Case
    from halls.models import Window

    have = Case.objects.count()
    missing = total - have
    if missing <= 0:
        return
    template = Case.objects.order_by("pk").first()
    pairs = list(
        Window.objects.filter(matters__isnull=False)
        .values_list("matters__pk", "matters__department_id", "pk", "hall_id")
        .order_by("pk", "matters__pk")
    )
    matters = [p[0] for p in pairs]
    departments = [p[1] for p in pairs]
    windows = [p[2] for p in pairs]
    halls = [p[3] for p in pairs]
    begin = time.perf_counter()
    sql = """
    INSERT INTO cases_case (
        department_id, number, lookup_code, matter_id, matter_name, matter_code, matter_revision,
        promised_limit, statutory_limit, immediate, level,
        applicant_kind, applicant_name, id_type, id_number, id_number_hash, phone, phone_hash, email, contact_person,
        channel, hall_id, window_id, external_id, state, outcome_note, applied_at, accepted_on, completed_on,
        delivered_on, closed_on, amendments, visits, due_date, due_provisional, special_days, used_days,
        on_the_spot, light, light_since, revision, updated_at
    )
    SELECT
        d.dept, 'B' || lpad(g::text, 10, '0'), 'BENCH' || lpad((g %% 1000)::text, 3, '0'), d.matter,
        %(name)s, %(code)s, NULL, 10, 20, (g %% 10 = 0), '',
        'person', %(applicant)s, 'resident_id', %(id_number)s, md5(g::text), %(phone)s, md5('p' || g::text), '', '',
        (ARRAY['window','online','mobile','kiosk','pushed'])[1 + g %% 5], d.hall, d.win, '',
        CASE WHEN g %% 50 = 0 THEN 'handling' WHEN g %% 50 = 1 THEN 'accepted' WHEN g %% 50 = 2 THEN 'withdrawn'
             WHEN g %% 3 = 0 THEN 'delivered' ELSE 'approved' END,
        '', d.applied, d.applied::date, CASE WHEN g %% 50 IN (0, 1, 2) THEN NULL ELSE d.applied::date + (g %% 14) END,
        NULL, NULL, (g %% 9 = 0)::int, 1, d.applied::date + 14, false, 0,
        CASE WHEN g %% 50 IN (0, 1, 2) THEN NULL ELSE (g %% 12) END,
        (g %% 10 = 0), CASE WHEN g %% 50 = 0 THEN 'red' WHEN g %% 50 = 1 THEN 'yellow' ELSE '' END, NULL, 1, now()
    FROM generate_series(1, %(missing)s) AS g
    CROSS JOIN LATERAL (
        SELECT (%(matters)s::bigint[])[1 + g %% %(n)s] AS matter, (%(departments)s::bigint[])[1 + g %% %(n)s] AS dept,
               (%(windows)s::bigint[])[1 + g %% %(n)s] AS win, (%(halls)s::bigint[])[1 + g %% %(n)s] AS hall,
               now() - ((g %% 182) || ' days')::interval AS applied
    ) AS d
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "name": template.matter_name,
                "code": template.matter_code,
                "applicant": template.applicant_name,
                "id_number": Case._meta.get_field("id_number").get_prep_value(template.id_number),
                "phone": Case._meta.get_field("phone").get_prep_value(template.phone),
                "missing": missing,
                "matters": matters,
                "departments": departments,
                "windows": windows,
                "halls": halls,
                "n": len(pairs),
            },
        )
    with connection.cursor() as cursor:  # as autovacuum leaves a table: statistics and the visibility map
        cursor.execute("VACUUM ANALYZE cases_case")
    print(f"办件 {total:,}（新增 {missing:,}，{time.perf_counter() - begin:.1f} s）")


def signed_in_client(user):
    """A test client signed in with both factors, as tests/conftest.py does."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pushes", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="pushing processes at once (the machine's cores)")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        from bench.api_bench import start_postgres

        os.environ["DATABASE_URL"] = start_postgres()
    from bench.common import load_demo_city, setup_django

    setup_django()
    from django.conf import settings

    settings.CASES_LOOKUPS_PER_HOUR = 10**9
    settings.CASES_PUSH_RATE = "1000000/min"
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["terminal"] = "1000000/min"
    load_demo_city()

    import datetime
    import json

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from cases import rates, supervision
    from cases.api import WRITE_CASES
    from cases.demo import DEMO_CASE_PHONE, DEMO_LOOKUP_CODE
    from cases.models import Case
    from cases.pages import CaseIndexPage
    from matters.models import Matter
    from permissions.models import Membership
    from terminals.models import Terminal, TerminalKind
    from terminals.service import issue_key, sync_service_user

    fill(args.cases)
    User = get_user_model()
    from django.db.models import Count

    busiest = (
        Case.objects.filter(department__memberships__role="owner")
        .values("department")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    handler = (
        Membership.objects.filter(role="owner", department_id=busiest["department"])
        .select_related("user", "department")
        .first()
    )
    department = handler.department
    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    start, end = month.replace(day=1), month
    print(f"部门：{department.name}（{Case.objects.filter(department=department).count():,} 件）  月份：{start:%Y-%m}")
    print(f"{'':<40} {'median':>12}")

    timed(
        "月度统计 rates(部门, 按月)",
        lambda: rates.rates(Case.objects.filter(department=department), "month", start, end),
        args.repeat,
        TARGETS["rates"],
    )
    staff = signed_in_client(handler.user)
    rates_url = f"/admin/cases/rates/?start={start:%Y-%m}&end={end:%Y-%m}&by=month"
    timed("办件统计页（部门人员）", lambda: _ok(staff.get(rates_url)), args.repeat, TARGETS["rates"])
    public = Client()
    timed(
        "统计接口 /api/v1/cases/rates/（全市，按部门）",
        lambda: _ok(public.get(f"/api/v1/cases/rates/?by=department&from={start:%Y-%m}&to={end:%Y-%m}")),
        args.repeat,
        TARGETS["rates"],
    )
    from cases.flow import RATES_VERSION
    from core.cache import bump

    begin = time.perf_counter()
    bump(RATES_VERSION)  # as after a completion: the next request computes the figures
    _ok(public.get(f"/api/v1/cases/rates/?by=department&from={start:%Y-%m}&to={end:%Y-%m}"))
    print(f"{'统计接口（缓存失效后首次）':<40} {(time.perf_counter() - begin) * 1000:9.1f} ms")
    supervisor = signed_in_client(User.objects.get(username="supervisor"))
    timed(
        "电子监察（效能监察员，全市）",
        lambda: _ok(supervisor.get("/admin/cases/supervision/")),
        args.repeat,
        TARGETS["dashboard"],
    )
    timed(
        "电子监察（部门人员）", lambda: _ok(staff.get("/admin/cases/supervision/")), args.repeat, TARGETS["dashboard"]
    )

    page = CaseIndexPage.objects.live().first()
    demo_case = Case.objects.get(lookup_code=DEMO_LOOKUP_CODE)
    lookup_url = page.url + "lookup/"
    visitor = Client()

    def lookup():
        response = visitor.post(lookup_url, {"number": demo_case.number, "phone": DEMO_CASE_PHONE})
        if demo_case.matter_name not in response.content.decode():
            raise AssertionError("lookup found nothing")

    timed("办件查询页（编号+手机号，整页）", lookup, args.repeat)

    from cases.public_views import find_case, lookup_context

    def lookup_only():
        found = find_case(demo_case.number, DEMO_CASE_PHONE)
        context = lookup_context(found)
        len(context["steps"]), len(context["notices"])

    timed("办件查询（查找与组装，不含门户页框）", lookup_only, args.repeat, TARGETS["lookup"])

    begin = time.perf_counter()
    counts = supervision.supervise()
    print(f"{'supervise()（全部在办件）':<40} {(time.perf_counter() - begin) * 1000:9.1f} ms  {counts}")

    terminal = Terminal.objects.create(
        name="基准大厅系统", kind=TerminalKind.HALL_SYSTEM, department=department, scopes=[WRITE_CASES.value]
    )
    sync_service_user(terminal)
    terminal.refresh_from_db()
    key = issue_key(terminal, "基准")
    matter = Matter.public_queryset().filter(department=department, promised_limit__gt=0).first()
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = {
        "matter": matter.implementation_code,
        "applicant": {
            "kind": "person",
            "name": "基准",
            "id_type": "resident_id",
            "id_number": demo_case.id_number,
            "phone": DEMO_CASE_PHONE,
        },
    }
    one = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    serial = iter(range(10**9))

    def push_one():
        payload = json.dumps({**body, "external_id": f"ONE-{next(serial)}"})
        if one.post("/api/v1/cases/", payload, content_type="application/json").status_code != 201:
            raise AssertionError("push refused")

    timed("推送一个办件（单次）", push_one, args.repeat)
    for workers, batch in sorted({(1, 1), (args.workers, 1), (1, 100), (args.workers, 100)}):
        rate, numbers = push_rate(key, body, args.pushes, workers, batch)
        reached = "达到" if rate >= 200 else "未达到"
        how = "POST /api/v1/cases/" if batch == 1 else f"POST …/batch/（每批 {batch}）"
        print(
            f"{f'推送办件 {how}，{workers} 个并发':<40} {rate:9.1f} 件/s（{args.pushes} 件）"
            f"  目标 ≥ 200 件/s：{reached}"
        )
    begin = time.perf_counter()
    for number in numbers:
        response = api.post(
            f"/api/v1/cases/{number}/steps/", json.dumps({"action": "accept"}), content_type="application/json"
        )
        if response.status_code != 200:
            raise AssertionError(response.content)
    elapsed = time.perf_counter() - begin
    print(f"{'报告环节 POST …/steps/（受理）':<40} {len(numbers) / elapsed:9.1f} 次/s")


def _push(key: str, body: dict, names: list[str], batch: int, queue) -> None:
    """One pushing process: its own connection, its share of the cases, one request after another
    (one case per request, or ``batch`` cases per request to /api/v1/cases/batch/)."""
    import json

    from django.db import connections
    from django.test import Client

    connections.close_all()
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    numbers = []
    if batch > 1:
        for start in range(0, len(names), batch):
            cases = [{**body, "external_id": name} for name in names[start : start + batch]]
            response = api.post("/api/v1/cases/batch/", json.dumps({"cases": cases}), content_type="application/json")
            results = json.loads(response.content)["results"]
            if response.status_code != 200 or any(r["status"] != 201 for r in results):
                raise AssertionError(response.content[:500])
            numbers += [r["case"]["number"] for r in results]
        queue.put(numbers)
        return
    for name in names:
        payload = json.dumps({**body, "external_id": name})
        response = api.post("/api/v1/cases/", payload, content_type="application/json")
        if response.status_code != 201:
            raise AssertionError(response.content)
        numbers.append(json.loads(response.content)["number"])
    queue.put(numbers)


def push_rate(key: str, body: dict, total: int, workers: int, batch: int = 1) -> tuple[float, list[str]]:
    """Cases per second pushed by ``workers`` processes at once (a hall system catching up)."""
    import multiprocessing
    import uuid

    from django.db import connections

    connections.close_all()  # each forked process opens its own
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    run = uuid.uuid4().hex[:8]
    shares = [[f"BENCH-{run}-{w}-{n}" for n in range(w, total, workers)] for w in range(workers)]
    processes = [context.Process(target=_push, args=(key, body, share, batch, queue)) for share in shares]
    begin = time.perf_counter()
    for process in processes:
        process.start()
    numbers = [number for _ in processes for number in queue.get()]
    for process in processes:
        process.join()
        if process.exitcode:
            raise AssertionError("a pushing process failed")
    return total / (time.perf_counter() - begin), numbers


def _ok(response):
    if response.status_code != 200:
        raise AssertionError(response.status_code)
    return response


if __name__ == "__main__":
    main()
