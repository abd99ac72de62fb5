"""设置 › 后台任务 in a browser: the system administrator finds a failed task with its error, retries it
after fixing the cause, and sees it succeed; the periodic jobs are listed with their times."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from .helpers import log_in, screenshot
from .server import DemoServer

pytestmark = pytest.mark.browser

ERROR = "OperationalError: database is locked（浏览器测试写入的失败记录）"


def add_failed_run(server: DemoServer) -> None:
    """A periodic job's run that failed for good (every attempt used), as the worker records one."""
    with sqlite3.connect(server.workdir / "var" / "db.sqlite3") as db:
        db.execute(
            "INSERT INTO jobs_taskrun (result_id, task_path, label, queue_name, args, status, attempts, max_attempts,"
            " enqueued_at, started_at, finished_at, error, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " datetime('now', '-10 minutes'), datetime('now', '-9 minutes'), datetime('now', '-9 minutes'), ?, '')",
            (
                "browser-failed-prune",
                "jobs.tasks.run_periodic",
                "定时作业",
                "periodic",
                '{"args": ["jobs.prune"], "kwargs": {}}',
                "failed",
                3,
                3,
                ERROR,
            ),
        )


def test_the_administrator_retries_a_failed_task(page: Page, server: DemoServer):
    add_failed_run(server)
    log_in(page, server, "admin")
    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="后台任务").click()
    expect(page.locator("h1")).to_contain_text("后台任务")
    page.get_by_label("状态").select_option(label="失败")
    page.get_by_role("button", name="筛选").click()
    failed = page.locator("#task-runs tr.task-failed", has=page.get_by_text(ERROR))
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("3 / 3")
    expect(page.locator("#periodic-jobs")).to_contain_text("办件电子监察")
    expect(page.locator("#periodic-jobs")).to_contain_text("每天 03:30")
    screenshot(page, "admin-tasks-failed-desktop")
    failed.get_by_role("button", name="重试").click()
    expect(page.locator(".messages")).to_contain_text("已重新提交“定时作业”（状态：成功）")
    page.get_by_label("状态").select_option(label="失败")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#task-runs").get_by_text(ERROR)).to_have_count(0)
