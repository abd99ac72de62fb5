"""The long commands say how far they are on stderr, and nothing with --verbosity 0."""

from __future__ import annotations

import io
from io import StringIO

from django.core.management import call_command

from core.progress import Progress

from ..matters.test_import_export import material, new_row, workbook


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_every_ten_per_cent():
    out = StringIO()
    progress = Progress(out)
    for done in range(1, 1001):
        progress("导入事项", done, 1000)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert lines[0] == "导入事项：1/1000（0%）"
    assert lines[3] == "导入事项：300/1000（30%）"
    assert lines[-1] == "导入事项：1000/1000（100%）"
    assert len(lines) == 11


def test_a_terminal_gets_one_line_rewritten_in_place():
    out = Terminal()
    progress = Progress(out)
    for done in range(1, 201):
        progress("导出事项", done, 200)
    progress("写入事项", 1, 1)
    progress.finish()
    text = out.getvalue()
    assert text.count("\n") == 2  # one per label, after its last figure
    assert "\r导出事项：6/200（3%）" in text and "\r导出事项：200/200（100%）\n" in text
    assert text.count("\r导出事项") == 101  # once per percentage, not once per row
    assert text.endswith("\r写入事项：1/1（100%）\n")


def test_verbosity_zero_is_silent():
    out = Terminal()
    progress = Progress(out, verbosity=0)
    progress("导入事项", 1, 2)
    progress.finish()
    assert out.getvalue() == ""


def test_import_and_export_commands_report_progress_on_stderr(tmp_path, world):
    rows = [new_row(world.dept_a, serial) for serial in (31, 32, 33)]
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook(rows, [material(rows[0]["实施编码"], "申请表")]))
    out, err = StringIO(), StringIO()
    call_command("import_matters", str(path), stdout=out, stderr=err)
    assert "检查事项：3/3（100%）" in err.getvalue() and "写入事项：3/3（100%）" in err.getvalue()
    assert "检查事项" not in out.getvalue() and "导入完成" in out.getvalue()

    target = tmp_path / "导出.xlsx"
    out, err = StringIO(), StringIO()
    call_command("export_matters", str(target), stdout=out, stderr=err)
    assert "导出事项：" in err.getvalue() and "（100%）" in err.getvalue()
    assert "已导出" in out.getvalue()


def test_commands_are_silent_on_stderr_with_verbosity_zero(tmp_path, world):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook([new_row(world.dept_a, 34)]))
    out, err = StringIO(), StringIO()
    call_command("import_matters", str(path), "--dry-run", verbosity=0, stdout=out, stderr=err)
    assert err.getvalue() == "" and "试运行" in out.getvalue()
    out, err = StringIO(), StringIO()
    call_command("export_matters", str(tmp_path / "导出.csv"), verbosity=0, stdout=out, stderr=err)
    assert err.getvalue() == "" and "已导出" in out.getvalue()
