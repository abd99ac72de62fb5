"""Tasks for the suites: one that fails as often as told, with a Chinese message."""

from __future__ import annotations

from django_tasks import task

import jobs

FAILURES = {"left": 0}
MESSAGE = "年报模板缺失：第 3 行的统计口径未填写"


@jobs.task(label="测试：生成年度报告", max_attempts=3)
def make_report(year: int) -> str:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise ValueError(MESSAGE)
    return f"{year} 年度报告已生成"


PLAIN = {"fail": True}


@task()
def someone_elses(number: int) -> int:
    """A task not defined with ``jobs.task`` (as Wagtail's are): recorded only when it fails."""
    if PLAIN["fail"]:
        raise RuntimeError("外部服务无响应")
    return number
