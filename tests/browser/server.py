"""A real server for the browser: the demo city built once per run, served by gunicorn per worker.

The test process never touches the ORM (Playwright's sync API runs an event loop in this
thread, and Django refuses database access from it); everything happens in subprocesses with
an environment of their own, so neither the surrounding run's ``DATABASE_URL`` (the
PostgreSQL CI run) nor a developer's settings leak in.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "Shifan@2026demo"
DEMO_TOTP_SECRET = "SHIFANDEMOTOTPKEYSHIFANDEMOTOTPK"  # the demo accounts' authenticator (accounts/demo.py)
# Throwaway keys: the database lives for one test run and holds demo data only.
SERVER_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "browser-tests-only-not-a-secret",
    "PII_ENCRYPTION_KEYS": "YnJvd3Nlci10ZXN0cy1vbmx5LXBpaS1rZXktMzJieXQ=",
    "PII_HASH_KEY": "browser-tests-only-pii-hash-key",
    "DEMO_PASSWORD": DEMO_PASSWORD,
    "DEMO_TOTP_SECRET": DEMO_TOTP_SECRET,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "CACHE_URL": "locmemcache://",
    # Plain http on the loopback: no HTTPS redirect, cookies without the Secure flag.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LOG_LEVEL": "WARNING",
}
# Only these are taken from the surrounding environment.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "USER")
BUILD_PORT = 8199  # the site address recorded while building; each server rewrites its own


class ServerError(RuntimeError):
    """The demo could not be built or served; the message carries the subprocess output."""


def server_env(var_dir: Path, static_root: Path, site_url: str) -> dict[str, str]:
    """Environment of the management commands and of gunicorn: DEBUG off, SQLite under ``var_dir``."""
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(SERVER_SETTINGS)
    env.update(
        {
            "VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "STATIC_ROOT": str(static_root),
            "DEMO_SITE_URL": site_url,
            "WAGTAILADMIN_BASE_URL": site_url,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise ServerError(f"{' '.join(args[1:])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def build_demo(target: Path) -> dict[str, float]:
    """Migrate, load the demo city and collect static files into ``target``; seconds per step."""
    var_dir, static_root = target / "var", target / "static"
    env = server_env(var_dir, static_root, f"http://127.0.0.1:{BUILD_PORT}")
    manage = [sys.executable, "manage.py"]
    timings: dict[str, float] = {}
    for step, args in (
        ("migrate", ["migrate", "--noinput"]),
        ("load_demo", ["load_demo", "--quiet-accounts"]),
        ("collectstatic", ["collectstatic", "--noinput", "-v0"]),
    ):
        started = time.monotonic()
        _run(manage + args, env)
        timings[step] = round(time.monotonic() - started, 1)
    # One file to copy: fold the write-ahead log into the database.
    with sqlite3.connect(var_dir / "db.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return timings


def shared_build(shared: Path) -> Path:
    """Build the demo once for all workers of this run; the others wait on the lock and reuse it."""
    shared.mkdir(parents=True, exist_ok=True)
    ready, failed = shared / "ready.json", shared / "failed.txt"
    with open(shared / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            raise ServerError(failed.read_text())
        if not ready.exists():
            shutil.rmtree(ARTIFACTS / "failures", ignore_errors=True)  # no test has run yet
            started = time.monotonic()
            try:
                timings = build_demo(shared / "build")
            except ServerError as error:
                failed.write_text(str(error))
                raise
            timings["total"] = round(time.monotonic() - started, 1)
            ready.write_text(json.dumps(timings))
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "demo-build-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    return shared / "build"


class BackgroundBuild:
    """``shared_build`` in a thread: started at collection, waited for by the first browser test."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.result: Path | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="browser-demo-build", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = shared_build(self.shared)
        except BaseException as error:  # handed to the waiting test, whatever it is
            self.error = error

    def wait(self) -> Path:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result


class DemoServer:
    """gunicorn serving a private copy of the built demo on a free loopback port."""

    def __init__(self, build: Path, workdir: Path) -> None:
        self.build, self.workdir = build, workdir
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self, ready_within: float = 90) -> None:
        var_dir = self.workdir / "var"
        shutil.copytree(self.build / "var", var_dir)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))  # a free port, handed to gunicorn as an open socket
        listener.listen(64)
        port = listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._point_site_at(var_dir / "db.sqlite3", port)
        env = server_env(var_dir, self.build / "static", self.base_url)
        args = [sys.executable, "-m", "gunicorn", "tests.browser.wsgi:application"]
        args += ["--bind", f"fd://{listener.fileno()}", "--workers", "1", "--threads", "4"]
        args += ["--timeout", "120", "--graceful-timeout", "2", "--error-logfile", "-", "--no-control-socket"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),)
            )
        listener.close()
        self._wait_until_ready(ready_within)

    @staticmethod
    def _point_site_at(db_path: Path, port: int) -> None:
        """What ``load_demo`` does with DEMO_SITE_URL, for this copy's port (absolute links, QR codes)."""
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE wagtailcore_site SET hostname = '127.0.0.1', port = ? WHERE is_default_site", (port,))

    def _wait_until_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/"), timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:  # it answers, but not with the home page
                self.stop()
                raise ServerError(f"GET / answered {error.code}:\n{self.log_tail()}") from error
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise ServerError(f"the server did not answer / with 200 within {seconds:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
