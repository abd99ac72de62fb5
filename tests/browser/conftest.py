"""Browser tests: Playwright driving Debian's Chromium against a real demo server.

One demo database per run (built in the background from collection on, under a file lock by
whichever xdist worker comes first), one gunicorn server and one Chromium per worker, a fresh
browser context per test; the browser tests run after the other suites. See
docs/development.md "Browser tests" for running, artefacts and debugging.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from .server import ARTIFACTS, BackgroundBuild, DemoServer, ServerError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "wide": {"viewport": {"width": 1366, "height": 768}},  # the common office screen
    "phone390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "narrow": {"viewport": {"width": 320, "height": 720}, "is_mobile": True, "has_touch": True},
}
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
BUILD = pytest.StashKey[BackgroundBuild]()
TRACE = os.environ.get("BROWSER_TRACE", "") not in {"", "0", "false"}


def chromium_path() -> str:
    """Debian's Chromium (never a downloaded browser); CHROMIUM=/path overrides."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: `make browser-deps` (part of `make test`) installs it.", pytrace=False)
    return path


def artefact_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:120]


def shared_dir(config: pytest.Config) -> Path:
    """Where the demo is built: the run's temporary directory, common to all xdist workers."""
    base = config._tmp_path_factory.getbasetemp()  # what the tmp_path_factory fixture hands out
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "browser-demo"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last and start building their demo now, in the background.

    The other suites then run while the demo is built, instead of the workers waiting for it
    (trylast: after -k/-m deselection, so a run without browser tests builds nothing).
    """
    here = Path(__file__).parent
    browser_items = [item for item in items if item.path.is_relative_to(here)]
    if not browser_items:
        return
    items[:] = [item for item in items if not item.path.is_relative_to(here)] + browser_items
    if not config.option.collectonly:
        config.stash[BUILD] = BackgroundBuild(shared_dir(config))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Remember the outcome for the page fixtures; on failure show what the server said."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
        server = getattr(item, "funcargs", {}).get("server")
        if report.failed and isinstance(server, DemoServer):
            report.sections.append(("demo server log (last lines)", server.log_tail()))
    return report


@pytest.fixture(scope="session")
def demo_build(pytestconfig: pytest.Config) -> Path:
    """The demo city, migrated, loaded and with static files collected, shared by the workers."""
    build = pytestconfig.stash.get(BUILD, None) or BackgroundBuild(shared_dir(pytestconfig))
    try:
        return build.wait()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def server(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """This worker's gunicorn on its own copy of the demo (tests may write to it)."""
    demo = DemoServer(demo_build, tmp_path_factory.mktemp("server"))
    try:
        demo.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    yield demo
    demo.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> str:
    """The page fixture's viewport; tests parametrize it ("desktop", "phone", "narrow")."""
    return "desktop"


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own cookies and storage); screenshots of each on failure."""
    opened: list[tuple[BrowserContext, Page]] = []
    csp_violations: list[str] = []

    def open_page(viewport: str = "desktop") -> Page:
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=1, **VIEWPORTS[viewport]
        )
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        if TRACE:
            context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        # Chromium logs every Content-Security-Policy violation as a console error: none may occur.
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))
        opened.append((context, page))
        return page

    yield open_page
    report = request.node.stash.get(CALL_REPORT, None)
    failed = report is not None and report.failed
    name = artefact_name(request.node.nodeid)
    for number, (context, page) in enumerate(opened):
        suffix = f"-{number}" if number else ""
        if failed and not page.is_closed():
            (ARTIFACTS / "failures").mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(PlaywrightError):  # a crashed page must not hide the failure
                page.screenshot(path=ARTIFACTS / "failures" / f"{name}{suffix}.png", full_page=True)
                (ARTIFACTS / "failures" / f"{name}{suffix}.html").write_text(page.content())
        if TRACE:
            (ARTIFACTS / "traces").mkdir(parents=True, exist_ok=True)
            context.tracing.stop(path=ARTIFACTS / "traces" / f"{name}{suffix}.zip")
        context.close()
    if csp_violations and not failed:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp_violations), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Page], viewport: str) -> Page:
    return new_page(viewport)
