"""Soak test: the terminal mix against the production profile for ten minutes (docs/deployment.md).

Many kiosks, screens and hall systems at once, through nginx, as they behave: most of them poll
with If-None-Match and get 304s, some page through the catalog, sync what changed, search, read a
feed, and hall systems push new cases. It prints, per kind of request and in all: requests, per
second, p50 and p99 latency, errors (anything but the expected status; 429s are counted apart), and
the memory (RSS) of each gunicorn worker and the task worker at the start, after a warm-up (a fifth
of the run, at most 60 s: jieba's dictionary and the caches fill) and at the end, so a leak shows as
growth after the warm-up. It asserts nothing: the figures go into docs/development.md.

    .venv/bin/python bench/soak.py [--duration 600] [--clients 16] [--port 8080] [--no-start]

Unless ``--no-start`` (or a profile already answers on the port), it starts the profile with
``deploy/run-prod.sh start --detach`` with the API throttles raised (we measure capacity here, not
the per-terminal limits) and gunicorn's ``max_requests`` off (so a leak is not hidden by recycled
workers), and stops it at the end. A worker replaced during the run is listed as such, and the
mean RSS of the live gunicorn workers is printed at each point either way.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PROD_DIR = Path(os.environ.get("PROD_DIR", ROOT / "var/prod"))

# What a terminal does, with how often (weights), and the status a good answer has.
MIX = {
    "304 poll": 60,
    "list page": 8,
    "sync": 10,
    "search": 10,
    "feed": 6,
    "case push": 6,
}

SETUP = """
import json, datetime
from django.utils import timezone
from matters.models import Matter, MatterStatus
from terminals.models import Terminal, Feed
from terminals.service import issue_key
from terminals.models import TerminalKind
from terminals.service import sync_service_user
busiest = Matter.objects.filter(live=True, status=MatterStatus.IN_FORCE).values_list("department", flat=True)
department = max(set(busiest), key=list(busiest).count)
system = {"kind": TerminalKind.HALL_SYSTEM, "department_id": department, "scopes": ["write_cases"]}
pusher, _ = Terminal.objects.get_or_create(name="压测大厅办件系统", defaults=system)
sync_service_user(pusher)
poller = Terminal.objects.filter(is_active=True).exclude(pk=pusher.pk).order_by("pk").first()
in_force = Matter.objects.filter(live=True, status=MatterStatus.IN_FORCE, department=pusher.department)
matters = list(in_force.values_list("implementation_code", flat=True)[:20])
names = list(Matter.objects.filter(live=True).values_list("name", flat=True)[:200])
feed = Feed.objects.filter(is_active=True).order_by("pk").values_list("slug", flat=True).first()
print(json.dumps({
    "push_key": issue_key(pusher, "压测"), "poll_key": issue_key(poller, "压测"),
    "matters": matters, "names": names, "feed": feed,
    "since": (timezone.now() - datetime.timedelta(days=1)).isoformat(),
}))
"""


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    throttled: int = 0
    samples: list[str] = field(default_factory=list)


def id_number(rng: random.Random) -> str:
    """A well-formed resident ID number (GB 11643-1999 check digit), not a real person's."""
    birth = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"110101{birth}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def manage(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [str(ROOT / "deploy/run-prod.sh"), "manage", *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return result.stdout


def answering(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def processes() -> dict[str, int]:
    """gunicorn's workers (children of the master) and the task worker, by name."""
    found = {}
    master = PROD_DIR / "run/gunicorn.pid"
    if master.exists():
        parent = master.read_text().strip()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if stat.rsplit(")", 1)[1].split()[1] == parent:
                    found[f"gunicorn worker {entry.name}"] = int(entry.name)
    worker = PROD_DIR / "run/worker.pid"
    if worker.exists() and Path(f"/proc/{worker.read_text().strip()}").exists():
        found["task worker"] = int(worker.read_text().strip())
    return found


def memory() -> dict[str, float]:
    result = {}
    for name, pid in processes().items():
        try:
            result[name] = rss_mb(pid)
        except OSError:
            continue
    return result


class Client(threading.Thread):
    """One terminal: a keep-alive connection, its own ETags, requests drawn from the mix."""

    def __init__(self, number: int, port: int, setup: dict, until: float, tallies: dict, lock: threading.Lock):
        super().__init__(daemon=True)
        self.rng = random.Random(number)  # noqa: S311 (a repeatable load, not a secret)
        self.port, self.setup, self.until, self.tallies, self.lock = port, setup, until, tallies, lock
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.etags: dict[str, str] = {}
        self.number = number
        self.pushed = 0

    def request(self, method: str, path: str, headers: dict, body: bytes | None = None) -> tuple[int, dict, bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def one(self, kind: str) -> tuple[int, int]:
        """One request of this kind; returns (status, the status a good answer has)."""
        key = {"X-Api-Key": self.setup["poll_key"], "Accept": "application/json"}
        if kind == "304 poll":
            path = "/api/v1/matters/?page=1"
            if path not in self.etags:
                status, headers, _ = self.request("GET", path, key)
                self.etags[path] = headers.get("ETag", "")
            status, _, _ = self.request("GET", path, {**key, "If-None-Match": self.etags[path]})
            return status, 304
        if kind == "list page":
            return self.request("GET", f"/api/v1/matters/?page={self.rng.randint(1, self.setup['pages'])}", key)[0], 200
        if kind == "sync":
            return self.request("GET", f"/api/v1/matters/?updated_since={quote(self.setup['since'])}", key)[0], 200
        if kind == "search":
            name = self.rng.choice(self.setup["names"])
            start = self.rng.randint(0, max(0, len(name) - 2))
            return self.request("GET", f"/api/v1/matters/?q={quote(name[start : start + 2])}", key)[0], 200
        if kind == "feed":
            return self.request("GET", f"/api/v1/feeds/{self.setup['feed']}/", key)[0], 200
        self.pushed += 1
        payload = {
            "external_id": f"SOAK-{self.number}-{self.pushed}-{int(time.time())}",
            "matter": self.rng.choice(self.setup["matters"]),
            "applicant": {
                "kind": "person",
                "name": "压测申请人",
                "id_type": "resident_id",
                "id_number": id_number(self.rng),
                "phone": f"139{self.rng.randint(0, 99999999):08d}",
            },
        }
        headers = {
            "X-Api-Key": self.setup["push_key"],
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        return self.request("POST", "/api/v1/cases/", headers, json.dumps(payload).encode())[0], 201

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.until:
            kind = self.rng.choices(kinds, weights)[0]
            began = time.perf_counter()
            try:
                status, good = self.one(kind)
            except (http.client.HTTPException, OSError) as error:
                status, good = -1, 0
                sample = f"{kind}: {error}"
            else:
                sample = f"{kind}: HTTP {status}"
            elapsed = time.perf_counter() - began
            with self.lock:
                tally = self.tallies[kind]
                tally.times.append(elapsed)
                if status == 429:
                    tally.throttled += 1
                elif status != good:
                    tally.errors += 1
                    if len(tally.samples) < 3:
                        tally.samples.append(sample)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="seconds (default 600)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent terminals (default 16)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", "8080")))
    parser.add_argument("--no-start", action="store_true", help="use the profile already running")
    options = parser.parse_args()

    started_here = False
    if not options.no_start and not answering(options.port):
        # Throttles raised (capacity, not the limits, is measured); workers never recycled, so a leak
        # shows as growth instead of being hidden by gunicorn's max_requests.
        env = {
            **os.environ,
            "API_THROTTLE_KEY": "1000000/minute",
            "CASES_PUSH_RATE": "1000000/min",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        subprocess.run([str(ROOT / "deploy/run-prod.sh"), "start", "--detach"], check=True, cwd=ROOT, env=env)  # noqa: S603 (our own script)
        started_here = True
    try:
        setup = json.loads(manage("shell", "-c", SETUP).strip().splitlines()[-1])
        setup["pages"] = pages(options.port, setup["poll_key"])
        before = memory()
        warmed: dict[str, float] = {}
        warm_up = min(60, options.duration // 5)
        timer = threading.Timer(warm_up, lambda: warmed.update(memory()))
        timer.start()
        tallies: dict[str, Tally] = defaultdict(Tally)
        lock = threading.Lock()
        began = time.monotonic()
        until = began + options.duration
        clients = [Client(n, options.port, setup, until, tallies, lock) for n in range(options.clients)]
        print(f"== soak: {options.clients} terminals for {options.duration} s against http://127.0.0.1:{options.port}")
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        wall = time.monotonic() - began
        after = memory()
    finally:
        if started_here:
            subprocess.run([str(ROOT / "deploy/run-prod.sh"), "stop"], check=False, cwd=ROOT)  # noqa: S603 (our own script)
    report(tallies, wall, before, warmed, after, warm_up)


def pages(port: int, key: str) -> int:
    """How many pages the catalog list has (the list pages request one of them at random)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/v1/matters/?page=1", headers={"X-Api-Key": key, "Accept": "application/json"})
    data = json.loads(connection.getresponse().read())
    return max(1, -(-data["count"] // max(1, len(data["results"]))))


def report(tallies: dict[str, Tally], wall: float, before: dict, warmed: dict, after: dict, warm_up: int) -> None:
    print(f"\n{'request':<12}{'count':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'429':>6}")
    every = Tally()
    for kind in MIX:
        tally = tallies.get(kind, Tally())
        every.times += tally.times
        every.errors += tally.errors
        every.throttled += tally.throttled
        every.samples += tally.samples
        print(row(kind, tally, wall))
    print(row("all", every, wall))
    for sample in every.samples:
        print(f"  error: {sample}")
    print(f"\nmemory (RSS, MB): at the start, after {warm_up} s of warm-up, at the end; growth = end - warm")
    print(f"{'process':<26}{'start':>8}{'warm':>8}{'end':>8}{'growth':>8}")
    for label, sample in (("start", before), ("warm", warmed), ("end", after)):
        web = [mb for name, mb in sample.items() if name.startswith("gunicorn")]
        if web:
            mean = sum(web) / len(web)
            print(f"  gunicorn workers at {label:<5}: {len(web)} alive, mean {mean:.0f} MB, max {max(web):.0f} MB")
    for name in sorted(set(before) | set(after)):
        start, warm, end = before.get(name), warmed.get(name), after.get(name)
        if warm is None or end is None:
            print(f"{name:<26}  (started or replaced during the run: gunicorn's max_requests)")
            continue
        print(f"{name:<26}{start or 0:>8.0f}{warm:>8.0f}{end:>8.0f}{end - warm:>+8.0f}")


def row(name: str, tally: Tally, wall: float) -> str:
    count = len(tally.times)
    p50 = statistics.median(tally.times) * 1000 if tally.times else 0.0
    return (
        f"{name:<12}{count:>9}{count / wall:>9.1f}{p50:>9.1f}{percentile(tally.times, 99) * 1000:>9.1f}"
        f"{tally.errors:>8}{tally.throttled:>6}"
    )


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        print(f"FAILED: {error}\n{error.stderr or ''}", file=sys.stderr)
        sys.exit(1)
