"""Turns tables as read into typed staging rows, quarantining the rows the input contract rejects.

Cleaning follows extracts.md and ssda903.md §7: values are trimmed; ids lose Excel's `.0`,
thousands separators and scientific notation; codes are upper-cased; postcodes get one
space before the inward code; dates are dd/mm/yyyy (or d/m/yyyy) or ISO. Which rows are
rejected or flagged is decided by the pandera schemas in `cp_pipeline.validation.schemas`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cp_pipeline.extracts.readers import ReadTable
from cp_pipeline.extracts.specs import Column, TableSpec, collection_year, table_spec
from cp_pipeline.validation import quarantine
from cp_pipeline.validation.quarantine import REJECTED, collection_year_label, fill_template, quarantine_frame
from cp_pipeline.validation.schemas import (
    STAGING_DTYPES,
    check_frame,
    find_failures,
    retired_codes,
    rules_by_id,
)

METADATA_COLUMNS = ["la_code", "extract_month", "source_file", "source_line"]
REPAIR_COLUMNS = ["table_name", "column_name", "repair", "rows"]

# Accepted date and date-time spellings, each tried only on values shaped like it.
DATE_FORMATS: list[tuple[str, str]] = [
    (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}", "%d/%m/%Y %H:%M"),
    (r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}", "%d/%m/%Y %H:%M:%S"),
    (r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?", "ISO8601"),
]
THOUSANDS = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
FLOAT_SUFFIX = r"\d+\.0+"  # Excel's 1001.0 for 1001
SCIENTIFIC = r"\d+(?:\.\d+)?[eE]\+?\d+"  # Excel's 1.001E+3
ID_PATTERN = r"[A-Za-z0-9_-]+"
TIME_PATTERN = r"(\d{1,2}):(\d{2})(?::\d{2})?"
MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, eq=False)
class NormalisedTable:
    """One table of one month: staged rows, quarantined rows and the rows as read.

    len(raw) == len(staged) + the number of distinct rows in `rejected`.
    """

    table: str
    staged: pd.DataFrame  # typed, lower-case columns (Column.staging_name) + METADATA_COLUMNS
    rejected: pd.DataFrame  # QUARANTINE_COLUMNS, action "rejected": one row per failing column
    flags: pd.DataFrame  # QUARANTINE_COLUMNS, action "flagged": rows that stay in staged
    raw: pd.DataFrame  # spec columns as read, extra_columns (JSON), METADATA_COLUMNS
    repairs: pd.DataFrame  # REPAIR_COLUMNS: how many cells each cleaning repair changed

    @property
    def quarantine(self) -> pd.DataFrame:
        return pd.concat([self.rejected, self.flags], ignore_index=True)


def month_end(extract_month: str) -> pd.Timestamp:
    """Midnight of the last day of a "YYYY-MM" month."""
    if not MONTH_PATTERN.fullmatch(extract_month):
        raise ValueError(f"extract month must be YYYY-MM, not {extract_month!r}")
    return pd.Period(extract_month, freq="M").end_time.normalize().as_unit("us")


def staging_dtypes(table: str) -> dict[str, str]:
    """The dtype of every staged column of a table, in order (for the warehouse DDL)."""
    spec = table_spec(table)
    dtypes = {column.staging_name: STAGING_DTYPES[column.type] for column in spec.columns}
    return dtypes | {
        "la_code": "string",
        "extract_month": "string",
        "source_file": "string",
        "source_line": "int64",
    }


# ---- cleaning, one function per column type; each sees the distinct trimmed values ----


def _replace_where(
    values: pd.Series, pattern: str, repair: Callable[[pd.Series], pd.Series]
) -> tuple[pd.Series, pd.Series]:
    hit = values.str.fullmatch(pattern).fillna(False).astype(bool)
    if hit.any():
        values = values.where(~hit, repair(values[hit]))
    return values, hit


def _numeric_repairs(values: pd.Series) -> tuple[pd.Series, dict[str, pd.Series]]:
    values, thousands = _replace_where(values, THOUSANDS, lambda s: s.str.replace(",", "", regex=False))
    values, suffix = _replace_where(values, FLOAT_SUFFIX, lambda s: s.str.replace(r"\.0+$", "", regex=True))
    return values, {"removed thousands separators": thousands, "removed .0 suffix": suffix}


def _parse_id(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    values, repairs = _numeric_repairs(values)

    def expand(s: pd.Series) -> pd.Series:
        number = pd.to_numeric(s, errors="coerce")
        whole = number.notna() & (number == number.round()) & (number.abs() < 2**53)
        return number.where(whole).astype("Int64").astype("string").where(whole, s)

    values, scientific = _replace_where(values, SCIENTIFIC, expand)
    ok = values.str.fullmatch(ID_PATTERN).fillna(False).astype(bool)
    return values.where(ok), ~ok, repairs | {"expanded scientific notation": scientific}


def _parse_code(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    upper = values.str.upper()
    lowered = upper != values
    upper, suffix = _replace_where(upper, FLOAT_SUFFIX, lambda s: s.str.replace(r"\.0+$", "", regex=True))
    return (
        upper,
        pd.Series(False, index=values.index),
        {"upper-cased code": lowered, "removed .0 suffix": suffix},
    )


def _parse_dates(values: pd.Series, keep_time: bool) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for pattern, fmt in DATE_FORMATS:
        shaped = values.str.fullmatch(pattern).fillna(False).astype(bool) & parsed.isna()
        if shaped.any():
            parsed[shaped] = pd.to_datetime(values[shaped], format=fmt, errors="coerce").astype(
                "datetime64[us]"
            )
    if not keep_time:
        parsed = parsed.dt.normalize()
    return parsed, parsed.isna(), {}


def _parse_time(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    parts = values.str.extract(f"^{TIME_PATTERN}$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    ok = (hours < 24) & (minutes < 60)
    text = parts[0].str.zfill(2) + ":" + parts[1]
    return text.where(ok), ~ok, {}


def _parse_number(values: pd.Series, whole: bool) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    values, repairs = _numeric_repairs(values)
    number = pd.to_numeric(values, errors="coerce").astype("float64")
    ok = pd.Series(np.isfinite(number.to_numpy()), index=values.index)
    if whole:
        ok &= (number == number.round()) & (number.abs() < 2**53)
        return number.where(ok).astype("Int64"), ~ok, repairs
    return number.where(ok).astype("Float64"), ~ok, repairs


def _parse_flag(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    values, suffix = _replace_where(values, FLOAT_SUFFIX, lambda s: s.str.replace(r"\.0+$", "", regex=True))
    ok = values.isin(["0", "1"])
    return values.where(ok).astype("Int64"), ~ok, {"removed .0 suffix": suffix}


def _parse_postcode(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    compact = values.str.upper().str.replace(r"\s+", "", regex=True)
    spaced = (compact.str[:-3] + " " + compact.str[-3:]).where(compact.str.len() >= 5, compact)
    return spaced, pd.Series(False, index=values.index), {"re-spaced postcode": spaced != values.str.upper()}


def _parse_text(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    return values, pd.Series(False, index=values.index), {}


PARSERS: dict[str, Callable[[pd.Series], tuple[pd.Series, pd.Series, dict[str, pd.Series]]]] = {
    "id": _parse_id,
    "str": _parse_text,
    "code": _parse_code,
    "postcode": _parse_postcode,
    "time": _parse_time,
    "date": lambda v: _parse_dates(v, keep_time=False),
    "datetime": lambda v: _parse_dates(v, keep_time=True),
    "int": lambda v: _parse_number(v, whole=True),
    "number": lambda v: _parse_number(v, whole=False),
    "flag": _parse_flag,
}


def parse_column(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series, pd.Series, dict[str, int]]:
    """Trim and type one column: (typed value, blank, unreadable, repair counts).

    Extracts repeat values heavily (dates, codes), so each distinct value is cleaned and
    parsed once and the results are spread back over the rows.
    """
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    as_read = pd.Series(distinct, dtype="string")
    trimmed = as_read.str.strip()
    blank = (trimmed == "").to_numpy(dtype=bool, na_value=True)
    trimmed = trimmed.mask(blank)
    value, unreadable, repairs = PARSERS[column.type](trimmed)
    repairs["trimmed surrounding spaces"] = (trimmed != as_read).fillna(False)

    def spread(values: np.ndarray, missing: bool) -> pd.Series:
        return pd.Series(np.append(values, missing)[codes], index=raw.index)

    typed = pd.Series(
        value.astype(STAGING_DTYPES[column.type]).array.take(codes, allow_fill=True), index=raw.index
    )
    unreadable = unreadable.to_numpy(dtype=bool, na_value=False) & ~blank
    rows_per_value = np.bincount(codes[codes >= 0], minlength=len(distinct))
    counts = {
        name: int(rows_per_value[hit.to_numpy(dtype=bool, na_value=False)].sum())
        for name, hit in repairs.items()
    }
    return typed, spread(blank, True), spread(unreadable, False), {k: v for k, v in counts.items() if v}


# ---- the table ----


def _combine(reads: list[ReadTable]) -> tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Stack several files of one table: (values as read, source file, location label,
    source line, extra columns as JSON)."""
    frames, files, labels, lines, extras = [], [], [], [], []
    for read in reads:
        n = len(read.frame)
        frames.append(read.frame)
        files.append(pd.Series([read.source_file] * n, dtype="string"))
        label = read.source_file if read.sheet is None else f"{read.source_file} (sheet {read.sheet})"
        labels.append(pd.Series([label] * n, dtype="string"))
        lines.append(pd.Series(read.source_lines, dtype="int64").reset_index(drop=True))
        extras.append(_extra_json(read.extra_columns, n))
    return tuple(pd.concat(parts, ignore_index=True) for parts in (frames, files, labels, lines, extras))


def _extra_json(extra: pd.DataFrame, n: int) -> pd.Series:
    if extra is None or extra.shape[1] == 0:
        return pd.Series([None] * n, dtype="string")
    if n == 0:
        return pd.Series([], dtype="string")
    # One JSON object per row, built by pandas' C writer; JSON escapes newlines, so split on them.
    text = extra.reset_index(drop=True).astype(str).to_json(orient="records", lines=True, force_ascii=False)
    return pd.Series(text.rstrip("\n").split("\n"), dtype="string")


def normalise_table(read: ReadTable | list[ReadTable], la_code: str, extract_month: str) -> NormalisedTable:
    """Type, clean and validate one table of one month's extract (see module docstring)."""
    reads = [read] if isinstance(read, ReadTable) else list(read)
    if not reads:
        raise ValueError("normalise_table needs at least one ReadTable")
    tables = {r.table for r in reads}
    if len(tables) != 1:
        raise ValueError(f"normalise_table got several tables at once: {sorted(tables)}")
    spec = table_spec(tables.pop())
    end = month_end(extract_month)
    year = collection_year(end.date())

    as_read, files, labels, lines, extras = _combine(reads)
    as_read = as_read.reindex(columns=spec.column_names, fill_value="")
    index = as_read.index

    typed, blank, unreadable, repairs = {}, {}, {}, []
    for column in spec.columns:
        typed[column.name], blank[column.name], unreadable[column.name], counts = parse_column(
            as_read[column.name], column
        )
        repairs += [(spec.name, column.name, repair, rows) for repair, rows in counts.items()]
    typed = pd.DataFrame(typed, index=index)
    blank = pd.DataFrame(blank, index=index)
    unreadable = pd.DataFrame(unreadable, index=index)

    failures = find_failures(spec.name, year, check_frame(spec, typed, blank, unreadable, end))
    rules = rules_by_id(spec.name)
    actions = failures["rule_id"].map(lambda rule_id: rules[rule_id].action)
    rejected_rows = pd.Index(failures.loc[actions == REJECTED, "row"].unique())
    # Rejected rows leave staging, so only flags on rows that stay are reported.
    failures = failures[(actions == REJECTED) | ~failures["row"].isin(rejected_rows)]
    records = _quarantine_records(
        spec, failures, as_read, typed, labels, files, lines, la_code, extract_month, year
    )

    metadata = pd.DataFrame(
        {
            "la_code": pd.Series([la_code] * len(index), dtype="string"),
            "extract_month": pd.Series([extract_month] * len(index), dtype="string"),
            "source_file": files,
            "source_line": lines,
        }
    )
    keep = ~index.isin(rejected_rows)
    staged = typed.rename(columns={c.name: c.staging_name for c in spec.columns})
    staged = pd.concat([staged, metadata], axis=1)[keep].reset_index(drop=True)
    raw = pd.concat([as_read, extras.rename("extra_columns"), metadata], axis=1)
    return NormalisedTable(
        table=spec.name,
        staged=staged,
        rejected=records[records["action"] == REJECTED].reset_index(drop=True),
        flags=records[records["action"] != REJECTED].reset_index(drop=True),
        raw=raw,
        repairs=pd.DataFrame(repairs, columns=REPAIR_COLUMNS),
    )


def _quarantine_records(
    spec: TableSpec,
    failures: pd.DataFrame,
    as_read: pd.DataFrame,
    typed: pd.DataFrame,
    labels: pd.Series,
    files: pd.Series,
    lines: pd.Series,
    la_code: str,
    extract_month: str,
    year: int,
) -> pd.DataFrame:
    """One dq.quarantine row per failing (row, rule), messages built rule by rule."""
    rules = rules_by_id(spec.name)
    parts = []
    for rule_id, group in failures.groupby("rule_id", sort=False):
        rule = rules[rule_id]
        rows = group["row"].to_numpy()
        idx = pd.RangeIndex(len(rows))

        def at(series: pd.Series, rows: np.ndarray = rows) -> pd.Series:
            return series.iloc[rows].reset_index(drop=True)

        value = at(as_read[rule.column])
        related = at(as_read[rule.related_column]) if rule.related_column else None
        fields = {
            "location": at(labels) + " line " + at(lines).astype("string"),
            "value": value,
            "start_value": related,
            "reference_value": related,
            "retired": _retired_dates(spec, rule.column, at(typed[rule.column]))
            if rule.kind == "legacy_code"
            else None,
            "extract_month": extract_month,
            "collection_year": collection_year_label(year),
        }
        parts.append(
            quarantine_frame(
                {
                    "la_code": la_code,
                    "extract_month": extract_month,
                    "table_name": spec.name,
                    "source_file": at(files),
                    "source_line": at(lines),
                    "column_name": rule.column,
                    "rule_id": rule.rule_id,
                    "action": rule.action,
                    "message": fill_template(rule.message, fields, idx),
                    "value": value,
                }
            )
        )
    if not parts:
        return quarantine.empty_quarantine()
    records = pd.concat(parts, ignore_index=True)
    return records.sort_values(["source_file", "source_line"], kind="stable").reset_index(drop=True)


def _retired_dates(spec: TableSpec, column: str, codes: pd.Series) -> pd.Series:
    retired = {
        code: day.strftime("%d/%m/%Y") for code, day in retired_codes(spec.column(column).codes).items()
    }
    return codes.map(retired)
