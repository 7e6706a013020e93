"""The scorecard as an XLSX workbook: indicators with their 12-month trend, breakdowns, data quality
and definitions; numbers stored as numbers, text never evaluated as a formula."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cp_pipeline.reporting.formatting import SUPPRESSED, as_float, is_missing

# Text starting with one of these is read as a formula (or a DDE payload) by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NUMBER_FORMATS = {
    "percent": '0.0"%"',
    "rate_per_10k": "#,##0.0",
    "days": "#,##0",
    "weeks": "#,##0.0",
    "hours": "#,##0.0",
    "ratio": "#,##0.0",
    "gbp": '"£"#,##0',
    "count": "#,##0",
}
MEAN_COUNT_FORMAT = "#,##0.0"  # a count that is a mean (SDQ_AVERAGE) keeps its decimal
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B0C0C")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def write_cell(sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """One cell: numbers as numeric cells, blanks as empty cells, text as text that is never a formula.

    Formula-like text is stored as a string with Excel's quote prefix, exactly as if the user had
    typed a leading apostrophe, so Excel shows it and never evaluates it.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, bool | np.bool_):
        cell.value = "yes" if value else "no"
        return
    if is_missing(value):
        return
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        number = as_float(value)
        if number is not None:
            cell.value = int(number) if float(number).is_integer() and abs(number) < 2**53 else number
            if number_format:
                cell.number_format = number_format
            return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def write_table(
    sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], formats=None
) -> None:
    """Headers in bold, one row per record, frozen header and a filter; `formats[i]` is a number
    format per column, or a callable giving it from the record and the value."""
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = HEADER_FONT
        sheet.cell(row=1, column=column).fill = HEADER_FILL
    formats = formats or {}
    for r, record in enumerate(rows, start=2):
        for c, value in enumerate(record, start=1):
            fmt = formats.get(c - 1)
            write_cell(sheet, r, c, value, fmt(record, value) if callable(fmt) else fmt)
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{sheet.max_row}"
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(48, len(str(header)) + 4))


def _plain_number(record, value) -> str:
    """Numerators and denominators: whole numbers, or one decimal for sums such as FTE."""
    number = None if isinstance(value, str) else as_float(value)
    return "#,##0" if number is None or number.is_integer() else "#,##0.0"


def build_workbook(
    indicator_rows: Sequence[dict],
    trend_months: Sequence[str],
    breakdown_rows: Sequence[dict],
    definitions: Sequence[dict],
    data_quality_rows: Sequence[dict],
) -> Workbook:
    """The workbook from plain records (see report.py for their keys)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Indicators"
    headers = [
        "Section",
        "Code",
        "Indicator",
        "Unit",
        "Polarity",
        "Value",
        "Suppressed",
        "Numerator",
        "Denominator",
        "Target",
        "RAG",
        "Last month",
        "12 months ago",
        "England",
        "Region",
        "Statistical neighbours",
        "Extracts not received",
        *trend_months,
    ]

    def unit_format(record, value):
        number = as_float(value) if not isinstance(value, str) else None
        if record[3] == "count" and number is not None and not number.is_integer():
            return MEAN_COUNT_FORMAT
        return NUMBER_FORMATS.get(record[3], "General")

    value_columns = {5, 9, 11, 12, 13, 14, 15, *range(17, 17 + len(trend_months))}
    records = []
    for row in indicator_rows:
        suppressed = bool(row.get("suppressed"))
        records.append(
            [
                row.get("section"),
                row.get("indicator_code"),
                row.get("name"),
                row.get("unit"),
                row.get("polarity"),
                SUPPRESSED if suppressed else row.get("value"),
                suppressed,
                row.get("numerator"),
                row.get("denominator"),
                row.get("target"),
                row.get("rag"),
                row.get("value_last_month"),
                row.get("value_12_months_ago"),
                row.get("england"),
                row.get("region"),
                row.get("stat_neighbours"),
                row.get("missing_tables"),
                *[row.get("trend", {}).get(m) for m in trend_months],
            ]
        )
    write_table(
        sheet,
        headers,
        records,
        {i: unit_format for i in value_columns} | {7: _plain_number, 8: _plain_number},
    )
    sheet.column_dimensions["C"].width = 48

    sheet = book.create_sheet("Breakdowns")
    write_table(
        sheet,
        ["Dimension", "Category", "Children", "Percent", "Suppressed"],
        (
            [
                r.get("dimension"),
                r.get("category"),
                SUPPRESSED if r.get("suppressed") else r.get("children"),
                SUPPRESSED if r.get("suppressed") else r.get("percent"),
                bool(r.get("suppressed")),
            ]
            for r in breakdown_rows
        ),
        {2: "#,##0", 3: NUMBER_FORMATS["percent"]},
    )

    sheet = book.create_sheet("Data quality")
    write_table(
        sheet,
        ["Table", "Rule", "Action", "Rows", "Example message", "Example value"],
        (
            [
                r.get("table_name"),
                r.get("rule_id"),
                r.get("action"),
                r.get("rows"),
                r.get("message"),
                r.get("value"),
            ]
            for r in data_quality_rows
        ),
        {3: "#,##0"},
    )
    sheet.column_dimensions["E"].width = 80

    sheet = book.create_sheet("Definitions")
    write_table(
        sheet,
        ["Code", "Indicator", "Section", "Definition", "Unit", "Polarity", "Extracts read", "Reading taken"],
        (
            [
                d.get("code"),
                d.get("name"),
                d.get("section"),
                d.get("description"),
                d.get("unit"),
                d.get("polarity"),
                d.get("reads"),
                d.get("choice"),
            ]
            for d in definitions
        ),
    )
    sheet.column_dimensions["D"].width = 90
    return book


def write_workbook(path: Path, **records) -> Path:
    # Saved beside the old file and swapped in whole: a run killed mid-write never leaves
    # the board a truncated workbook in place of last month's good one.
    partial = path.with_name(path.name + ".partial")
    build_workbook(**records).save(partial)
    os.replace(partial, path)
    return path
