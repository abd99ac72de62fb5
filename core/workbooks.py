"""Sizing an .xlsx workbook before anything parses it (工作簿炸弹).

An .xlsx is a zip of XML. The compressed size says nothing about the work of opening it: 206 KB
inflating to 200 MB cost the server 322 MB of memory, and a 77 KB sheet declaring 40 rows ×
16,384 columns cost 21 s of CPU, because openpyxl pads every row to the declared width.
``inspect_workbook`` reads only the zip's directory and streams each worksheet's XML once,
counting — never building — rows, columns and cells, and refuses with a Chinese message before
a reader sees the file. Python's ``zipfile`` never inflates a member past the size its directory
declares, so the declared sizes checked here bound what a later reader can be made to inflate.
GB/T 22239-2019 level 3, 8.1.4.5 (软件容错) and 8.1.5.3 (资源控制).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError

from .uploads import ArchiveLimits, inspect_archive

EXACT_FLOAT = 2**53  # below this every whole float is an exact integer

CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]+)\"")
SHEET_REL = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]+)\"[^>]*?\bTarget=\"([^\"]+)\"")
REL_FIRST = re.compile(rb"<Relationship\b[^>]*?\bTarget=\"([^\"]+)\"[^>]*?\bId=\"([^\"]+)\"")
CHUNK = 1 << 20
OVERLAP = 256


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    cells: int


def column_number(letters: bytes | str) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode()
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path -> the title Excel shows (the member path where unknown)."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid.decode(): target.decode() for rid, target in SHEET_REL.findall(rels)}
    targets.update({rid.decode(): target.decode() for target, rid in REL_FIRST.findall(rels)})
    names = {}
    for name, rid in SHEET.findall(book):
        target = targets.get(rid.decode(), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        names[path] = name.decode("utf-8", "replace")
    return names


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, title: str, limits: SheetLimits) -> None:
    too_big = f"工作表“{title}”超过{limits.rows}行或{limits.columns}列（或{limits.cells}个单元格），请分批导入。"
    rows = cells = 0
    tail = b""
    first = True
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            if first:
                first = False
                found = DIMENSION.search(data[:8192])
                if (
                    found
                    and found.group(4)
                    and (int(found.group(4)) > limits.rows or column_number(found.group(3)) > limits.columns)
                ):
                    raise ValidationError(too_big)
            # Count only in the part that cannot be cut by the next chunk.
            cut = max(len(data) - OVERLAP, 0) if len(chunk) == CHUNK else len(data)
            body = data[:cut]
            rows += len(ROW_TAG.findall(body))
            cells += len(CELL_TAG.findall(body))
            refs = CELL_REF.findall(body)
            # A sheet has few distinct column letters and row numbers: check those, not every cell.
            if refs and (
                max(map(int, {number for _, number in refs})) > limits.rows
                or max(map(column_number, {letters for letters, _ in refs})) > limits.columns
            ):
                raise ValidationError(too_big)
            if rows > limits.rows or cells > limits.cells:
                raise ValidationError(too_big)
            tail = data[cut:]


def inspect_workbook(content: bytes, name: str, archive_limits: ArchiveLimits, sheet_limits: SheetLimits) -> None:
    """Refuse a workbook whose archive or sheets exceed the limits (``ValidationError`` in Chinese)."""
    upload = io.BytesIO(content)
    upload.name = name
    members = inspect_archive(upload, name, archive_limits)
    with zipfile.ZipFile(upload) as archive:
        titles = _sheet_names(archive)
        for info in members:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _scan_sheet(archive, info, titles.get(info.filename, info.filename), sheet_limits)


def import_limits() -> tuple[ArchiveLimits, SheetLimits]:
    """The limits of the matter import, from settings (``IMPORT_WORKBOOK_*``)."""
    archive = ArchiveLimits(
        members=settings.IMPORT_WORKBOOK_MAX_MEMBERS,
        total_bytes=settings.IMPORT_WORKBOOK_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        member_bytes=settings.IMPORT_WORKBOOK_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        ratio=settings.IMPORT_WORKBOOK_MAX_RATIO,
    )
    sheet = SheetLimits(
        rows=settings.IMPORT_WORKBOOK_MAX_ROWS,
        columns=settings.IMPORT_WORKBOOK_MAX_COLUMNS,
        cells=settings.IMPORT_WORKBOOK_MAX_CELLS,
    )
    return archive, sheet


def _cell(value):
    """A calamine cell as openpyxl's ``data_only`` reader gives it, which the importers expect:
    an empty cell is ``None`` (not ``""``), a whole number is an ``int`` (calamine reads every
    number as a float, so ``101`` would print as ``101.0``; past 2**53 it stays a float, as
    openpyxl gives it too), and a date cell is a ``datetime`` at midnight (calamine gives a
    ``date`` when the time is zero)."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and -EXACT_FLOAT < value < EXACT_FLOAT else value
    if kind is date:
        return datetime.combine(value, time())
    return value


def read_sheets(content: bytes) -> list[tuple[str, Iterator[list]]]:
    """The worksheets of an .xlsx workbook in order: (title, rows from row 1, as lists of cells).

    Read with calamine (Rust), some ten times faster than openpyxl for a large workbook; call
    ``inspect_workbook`` first, since calamine builds each sheet in memory. Empty rows are kept,
    so a row's position is its number in Excel; merged cells are the first cell's value and
    ``None`` elsewhere; formulas give their saved result. Chart and macro sheets are left out.
    A file calamine cannot open raises ``ValidationError`` in Chinese naming the problem."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets.append((meta.name, ([_cell(value) for value in row] for row in rows)))
        book.close()
    except Exception as exc:  # calamine raises its own error, zip and XML errors for a damaged file
        raise ValidationError(f"文件无法作为Excel工作簿打开（{type(exc).__name__}），请确认文件未损坏。") from None
    return sheets
