"""Benchmark of the Excel import: 10,000 matters with 3 materials each, imported by the command.

Builds a throwaway SQLite database (or uses DATABASE_URL if given) with the demo departments,
writes two workbooks of N new matters spread over the city departments, then runs
``manage.py import_matters`` on the first in a child process twice: once creating everything,
once again with the same file (all rows unchanged), and exports the catalog with
``export_matters``; all three with the embedded default's immediate tasks (the search index is
brought up to date before the command returns). Then the second workbook is imported as the
production profile runs it (``TASKS_BACKEND=database``: the index tasks queued) and
``db_worker --batch`` works off the queue. Prints wall time, CPU time, peak memory (max RSS of
the child) and the last line of output of each.

Machines differ, and a shared virtual machine's speed drifts by a quarter within minutes: each
step's CPU time is also printed as a multiple of a reference measured on the same machine right
before and after it (openpyxl reading every cell of a 2,000-matter workbook of the same rows in
read-only mode, scaled to the bench's size: what reading alone cost the import when issue 17 was
filed).

It prints figures; it asserts nothing.

    .venv/bin/python bench/import_bench.py [--matters 10000] [--materials 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = ("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")  # works off the queue, then exits
PROBE_MATTERS = 2000  # the reference's workbook: a fifth of the default, read before and after each step
sys.path.insert(0, str(ROOT))


def run(env: dict, *args: str) -> tuple[float, float, float, str]:
    """Run a manage.py command in a child; return (seconds, CPU seconds, peak RSS in MB, last
    output line). CPU time (user + system of the child) is the figure to compare on a shared
    machine, where wall time also counts the other processes' turns."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"{args[0]} failed with exit code {result.returncode}")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return seconds, cpu, max(peak, before) / 1024, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=10_000)
    parser.add_argument("--materials", type=int, default=3)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cms-import-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    env["VAR_DIR"] = str(tmp)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from permissions import demo_data
    from permissions.models import Department

    print(f"数据库: {connection.vendor}  事项: {args.matters}  每项材料: {args.materials}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    for order, spec in enumerate(demo_data.DEPARTMENTS, start=1):
        if spec.level == "city" and spec.parent:
            Department.objects.get_or_create(
                credit_code=spec.credit_code,
                defaults={"name": spec.name, "short_name": spec.short_name, "level": "city", "sort_order": order},
            )
    departments = list(Department.objects.all())
    print(f"migrate + 部门                   {time.perf_counter() - t:7.2f} s")
    connection.close()

    t = time.perf_counter()
    path, second, probe = tmp / "bench.xlsx", tmp / "bench-second.xlsx", tmp / "probe.xlsx"
    write_workbook(path, departments, args.matters, args.materials, first=0)
    write_workbook(second, departments, args.matters, args.materials, first=args.matters)
    write_workbook(probe, departments, PROBE_MATTERS, args.materials, first=0)
    size = path.stat().st_size / 1e6
    print(f"生成工作簿                        {time.perf_counter() - t:7.2f} s  ({size:.1f} MB ×2 及探针)")
    scale = args.matters / PROBE_MATTERS
    print(
        f"参考：openpyxl只读读取{args.matters}个事项的工作簿所需CPU，由读取{PROBE_MATTERS}项的探针在每步前后"
        f"各测一次、取均值×{scale:g}得出；“×参考”为该步CPU与它之比，可跨机器、跨时段比较"
    )

    queued = dict(env, TASKS_BACKEND="database")  # the production profile: the index by the worker
    before = read_with_openpyxl(probe)
    for label, args_, child_env in (
        ("import_matters（全部新增并发布）  ", ("import_matters", str(path), "--verbosity", "0"), env),
        ("import_matters（再次导入，无变化） ", ("import_matters", str(path), "--verbosity", "0"), env),
        ("export_matters                    ", ("export_matters", str(tmp / "export.xlsx"), "--verbosity", "0"), env),
        ("import_matters（另一批新增，任务队列）", ("import_matters", str(second), "--verbosity", "0"), queued),
        (
            "db_worker 处理排队的索引任务        ",
            ("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*"),
            queued,
        ),
    ):
        seconds, cpu, peak, last = run(child_env, *args_)
        after = read_with_openpyxl(probe)
        reference = scale * (before + after) / 2
        before = after
        print(f"{label}{figures(seconds, cpu, peak, reference)}  {'' if args_ is WORKER else last}".rstrip())


def figures(seconds: float, cpu: float, peak: float, reference: float) -> str:
    ratio = cpu / reference
    return f"{seconds:7.2f} s  CPU {cpu:7.2f} s（参考 {reference:5.1f} s，×{ratio:4.2f}）  峰值内存 {peak:7.0f} MB"


def write_workbook(path: Path, departments: list, count: int, materials_each: int, first: int) -> None:
    """A workbook of ``count`` new matters numbered from ``first``, each with its materials."""
    from openpyxl import Workbook

    from matters.resources import MaterialResource, MatterResource

    matter_headers = [f.column_name for f in MatterResource().fields.values()]
    material_headers = [f.column_name for f in MaterialResource().fields.values()]
    book = Workbook(write_only=True)
    matters = book.create_sheet("事项")
    materials = book.create_sheet("申请材料")
    matters.append(matter_headers)
    materials.append(material_headers)
    for n in range(first, first + count):
        dept = departments[n % len(departments)]
        code = f"{dept.credit_code}01{n:06d}"
        row = {
            "实施编码": code,
            "基本编码": f"00010100{n:06d}",
            "事项名称": f"基准测试事项{n}",
            "事项类型": "行政许可",
            "实施主体编码": dept.credit_code,
            "实施主体": dept.name,
            "实施主体性质": "法定机关",
            "权力来源": "法定本级行使",
            "行使层级": "市级",
            "设定依据": "《中华人民共和国行政许可法》（主席令第7号）第十二条",
            "受理条件": "申请人具有完全民事行为能力，申请材料齐全、符合法定形式。",
            "办件类型": "承诺件",
            "法定办结时限": "20个工作日",
            "承诺办结时限": 5,
            "是否收费": "否",
            "到办事现场次数": 1,
            "必须现场办理原因说明": "须现场核验原件",
            "网上办理深度": "Ⅲ级",
            "办理形式": "窗口办理、网上办理",
            "服务对象": "自然人、企业法人",
            "自然人主题分类": "准营准办",
            "法人主题分类": "准营准办",
            "办理地点": "示范市政务服务中心 一楼A区，示范市人民大道88号",
            "办理时间": "周一至周五 9:00-12:00，13:30-17:00",
            "咨询方式": "0999-12345",
            "监督投诉方式": "12345政务服务便民热线",
            "审批结果类型": "证照",
            "办理结果名称": "许可证",
            "事项状态": "在用",
        }
        matters.append([row.get(h, "") for h in matter_headers])
        for m in range(materials_each):
            code_cell = code if m == 0 else ""  # blank repeats the code above, as merged cells export
            materials.append(
                [code_cell, f"材料{m + 1}", "原件", "纸质", 1, "必要", "", "申请人自备", "", "否", "如实填写"]
            )
    book.save(path)


def read_with_openpyxl(path: Path) -> float:
    """CPU seconds openpyxl takes to read every cell of the workbook (read-only mode): a
    reference measured on the same machine in the same run, so figures of different machines
    and sessions compare (the import read its workbook this way when issue 17 was filed)."""
    from openpyxl import load_workbook

    start = time.process_time()
    book = load_workbook(path, read_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    if not cells:
        raise SystemExit("参考读取未读到任何单元格")
    return time.process_time() - start


if __name__ == "__main__":
    main()
