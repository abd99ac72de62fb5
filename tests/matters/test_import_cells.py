"""The workbook reader (calamine since issue 17) gives the importer the cells it was written for:
whole numbers without ".0", text codes untouched, dates as date-times, blank and merged cells
as nothing, rows numbered as Excel numbers them; a damaged file gets the Chinese message."""

from __future__ import annotations

import datetime
import io
import zipfile

from openpyxl import Workbook

from matters.importing import import_file, read_workbook
from matters.models import Matter

from .test_import_export import MATTER_HEADERS, material, new_row, snapshot, workbook


def test_numbers_typed_as_numbers_read_as_the_digits(world):
    """A code typed as a number (Excel keeps 101, not "0101") reads "101", never "101.0"; a code
    kept as text keeps its leading zeros and all its digits."""
    admin = world.users["sysadmin"]
    row = new_row(world.dept_a, 21, 基本编码=101010001, 承诺办结时限=10, 到办事现场次数=1.0)
    long_text = new_row(world.dept_a, 22, 基本编码="000101001000123456789")
    content = workbook([row, long_text], [material(row["实施编码"], "申请表", 纸质份数=2)])
    plan, _ = import_file(content, "x.xlsx", admin)
    assert plan.ok, plan.report()
    first = Matter.objects.get(implementation_code=row["实施编码"])
    assert (first.basic_code, first.promised_limit, first.visits) == ("101010001", 10, 1)
    assert first.materials.get().original_copies == 2
    assert Matter.objects.get(implementation_code=long_text["实施编码"]).basic_code == "000101001000123456789"


def test_a_date_in_a_number_column_is_an_error_naming_the_cell(world):
    admin = world.users["sysadmin"]
    rows = [new_row(world.dept_a, 23), new_row(world.dept_a, 24, 承诺办结时限=datetime.date(2026, 3, 1))]
    before = snapshot()
    plan, batch = import_file(workbook(rows), "x.xlsx", admin)
    assert batch is None and snapshot() == before
    [problem] = [p for p in plan.rows[1].errors if p.column == "承诺办结时限"]
    assert str(problem).startswith("“事项”表第3行“承诺办结时限”列（值：“2026-03-01 00:00:00”）")


def test_blank_rows_and_merged_codes_keep_excel_row_numbers():
    """Blank rows above the headers and between rows are skipped but counted; a merged 实施编码
    reads as the first row's code and blank below it (what the child sheets repeat)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    sheet["A3"], sheet["B3"] = "实施编码", "事项名称"
    sheet["A4"], sheet["B4"] = "X1", "甲"
    sheet["A7"], sheet["B7"] = "X2", "乙"
    sheet["A8"] = "X2"
    sheet.merge_cells("A7:A8")
    sheet["B8"] = "丙"
    out = io.BytesIO()
    book.save(out)
    sheets = read_workbook(out.getvalue(), "x.xlsx")
    assert sheets["事项"].headers == ["实施编码", "事项名称"]
    assert sheets["事项"].rows == [
        (4, {"实施编码": "X1", "事项名称": "甲"}),
        (7, {"实施编码": "X2", "事项名称": "乙"}),
        (8, {"实施编码": None, "事项名称": "丙"}),
    ]


def test_a_damaged_workbook_gets_the_chinese_message(world):
    admin = world.users["sysadmin"]
    content = workbook([new_row(world.dept_a, 25)])
    for damaged in (content[: len(content) // 2], _zip_without_a_workbook(), b"PK\x03\x04" + b"\0" * 100):
        plan, batch = import_file(damaged, "清单.xlsx", admin)
        assert batch is None
        [problem] = plan.errors
        assert "文件无法作为Excel工作簿打开" in str(problem) and "请确认文件未损坏" in str(problem)


def test_a_text_file_named_xlsx_gets_the_chinese_message(world):
    plan, _ = import_file("实施编码,事项名称\n".encode(), "清单.xlsx", world.users["sysadmin"])
    assert "不是有效的.xlsx文件" in str(plan.errors[0])


def _zip_without_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", ",".join(MATTER_HEADERS))
    return out.getvalue()
