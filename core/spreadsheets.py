"""Cells that a spreadsheet program shows as text, never runs: one guard for every export.

A value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by Excel,
WPS and LibreOffice as a formula (``=HYPERLINK("http://x","点此")``, ``=cmd|' /C calc'!A0``): a
citizen's name typed into the public form would run on the desk of the clerk who opens the export
(CSV/formula injection, OWASP). Every CSV and XLSX the platform writes passes its text cells
through ``neutralise``, which prefixes such a value with an apostrophe — the spreadsheet
convention for "this is text" — and ``cell_text`` takes the apostrophe off when a workbook comes
back in (the matter import). Wagtail's own listing and report exports go through
``SpreadsheetExportMixin.preprocess_field_value``, which ``core.apps`` wraps with the same guard.
GB/T 22239-2019 level 3, 8.1.4.5 (软件容错: 数据有效性检验) asks that output cannot be turned into
commands.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def cell_text(text: str) -> str:
    """Undo ``neutralise`` on a cell read back from an exported workbook."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


class SafeWriter:
    """``csv.writer`` whose rows are neutralised: use instead of ``csv.writer`` for any export."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream, **kwargs) -> SafeWriter:
    return SafeWriter(stream, **kwargs)


def guard_wagtail_exports() -> None:
    """Make Wagtail's ``SpreadsheetExportMixin`` (listing and report CSV/XLSX) neutralise text cells."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "_neutralised", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    preprocess_field_value._neutralised = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
