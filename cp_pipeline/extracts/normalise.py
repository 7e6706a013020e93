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
from functools import cache

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
#
# A parser gets the distinct trimmed values of a column as an object array (None where the
# cell is blank) and returns the typed values, which values are unreadable, and which values
# each repair changed. The hot parsers (ids, codes, dates) work on plain arrays: a column holds
# only thousands of distinct values, so pandas' fixed cost per string operation, paid a dozen
# times per column over 130 columns a month, outweighed the work itself. The rarer types keep
# pandas' string methods.

Values = np.ndarray  # object array of str, None = blank
Parsed = tuple[object, object, dict[str, object]]  # (typed values, unreadable, repair -> changed)

_FLOAT_ZEROS = re.compile(r"\.0+$")
# One pattern for every date shape, each alternative named after its DATE_FORMATS position. The
# shapes exclude one another, so the alternative that matches names the only format worth trying.
_DATE_SHAPES = re.compile("|".join(f"(?P<f{i}>{pattern})" for i, (pattern, _) in enumerate(DATE_FORMATS)))


def _matches(values: Values, pattern: str | re.Pattern) -> np.ndarray:
    """Which values match a pattern whole (a blank matches nothing)."""
    fullmatch = re.compile(pattern).fullmatch
    return np.array([value is not None and fullmatch(value) is not None for value in values], dtype=bool)


def _strings(values: list[str | None]) -> Values:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _replace_where(
    values: Values, pattern: str, repair: Callable[[Values], Values]
) -> tuple[Values, np.ndarray]:
    hit = _matches(values, pattern)
    if hit.any():
        values = values.copy()
        values[hit] = repair(values[hit])
    return values, hit


def _without_float_suffix(values: Values) -> Values:
    return _strings([_FLOAT_ZEROS.sub("", value) for value in values])


def _without_thousands(values: Values) -> Values:
    return _strings([value.replace(",", "") for value in values])


def _numeric_repairs(values: Values) -> tuple[Values, dict[str, np.ndarray]]:
    values, thousands = _replace_where(values, THOUSANDS, _without_thousands)
    values, suffix = _replace_where(values, FLOAT_SUFFIX, _without_float_suffix)
    return values, {"removed thousands separators": thousands, "removed .0 suffix": suffix}


def _expand_scientific(values: Values) -> Values:
    text = pd.Series(values, dtype="string")
    number = pd.to_numeric(text, errors="coerce")
    whole = number.notna() & (number == number.round()) & (number.abs() < 2**53)
    expanded = number.where(whole).astype("Int64").astype("string").where(whole, text)
    return expanded.to_numpy(dtype=object)


def _parse_id(values: Values) -> Parsed:
    values, repairs = _numeric_repairs(values)
    values, scientific = _replace_where(values, SCIENTIFIC, _expand_scientific)
    ok = _matches(values, ID_PATTERN)
    return np.where(ok, values, None), ~ok, repairs | {"expanded scientific notation": scientific}


def _parse_code(values: Values) -> Parsed:
    upper = _strings([None if value is None else value.upper() for value in values])
    lowered = np.array(
        [value is not None and value != up for value, up in zip(values, upper, strict=True)], dtype=bool
    )
    upper, suffix = _replace_where(upper, FLOAT_SUFFIX, _without_float_suffix)
    return (
        upper,
        np.zeros(len(values), dtype=bool),
        {"upper-cased code": lowered, "removed .0 suffix": suffix},
    )


def _date_shape(value: str | None) -> int:
    """The DATE_FORMATS position of the one shape a value has; -1 for none (or a blank)."""
    match = None if value is None else _DATE_SHAPES.fullmatch(value)
    return -1 if match is None else int(match.lastgroup[1:])


def _parse_date_texts(values: Values, shapes: np.ndarray) -> np.ndarray:
    """Each value read by the one format its shape names; NaT when no shape fits or the date
    does not exist (31/02/2024)."""
    parsed = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    for position, (_, fmt) in enumerate(DATE_FORMATS):
        shaped = shapes == position
        if shaped.any():
            text = pd.Series(values[shaped], dtype="string")
            parsed[shaped] = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
    return parsed


# Date spellings already read (as microseconds since 1970; NaT's integer when unreadable),
# shared by every column and table: a month's extract spells a few thousand dates again and
# again, ten times as many distinct values summed over its date columns as in all of them.
# ISO date-times are not kept: one with nanoseconds makes pandas read all those of its column
# at nanosecond resolution, where years after 2262 do not fit, so each column reads its own.
_READ_DATES: dict[str, int] = {}
_READ_DATES_LIMIT = 500_000
_PER_COLUMN_SHAPES = [position for position, (_, fmt) in enumerate(DATE_FORMATS) if fmt == "ISO8601"]
_NAT = np.datetime64("NaT", "us").astype(np.int64)


def _parse_dates(values: Values, keep_time: bool) -> Parsed:
    if len(_READ_DATES) > _READ_DATES_LIMIT:
        _READ_DATES.clear()
    unseen = _strings([value for value in values if value is not None and value not in _READ_DATES])
    shapes = np.array([_date_shape(value) for value in unseen], dtype=np.int64)
    read = dict(zip(unseen, _parse_date_texts(unseen, shapes).view(np.int64).tolist(), strict=True))
    keep = ~np.isin(shapes, _PER_COLUMN_SHAPES)
    _READ_DATES.update((text, read[text]) for text in unseen[keep])
    micros = [_NAT if value is None else read.get(value, _READ_DATES.get(value)) for value in values]
    dates = pd.Series(np.array(micros, dtype=np.int64).view("datetime64[us]"))
    if not keep_time:
        dates = dates.dt.normalize()
    return dates, dates.isna(), {}


def _parse_time(values: Values) -> Parsed:
    parts = pd.Series(values, dtype="string").str.extract(f"^{TIME_PATTERN}$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    ok = (hours < 24) & (minutes < 60)
    text = parts[0].str.zfill(2) + ":" + parts[1]
    return text.where(ok), ~ok, {}


def _parse_number(values: Values, whole: bool) -> Parsed:
    values, repairs = _numeric_repairs(values)
    number = pd.to_numeric(pd.Series(values, dtype="string"), errors="coerce").astype("float64")
    ok = pd.Series(np.isfinite(number.to_numpy()), index=number.index)
    if whole:
        ok &= (number == number.round()) & (number.abs() < 2**53)
        return number.where(ok).astype("Int64"), ~ok, repairs
    return number.where(ok).astype("Float64"), ~ok, repairs


def _parse_flag(values: Values) -> Parsed:
    values, suffix = _replace_where(values, FLOAT_SUFFIX, _without_float_suffix)
    text = pd.Series(values, dtype="string")
    ok = text.isin(["0", "1"])
    return text.where(ok).astype("Int64"), ~ok, {"removed .0 suffix": suffix}


def _respaced(value: str) -> str:
    """A postcode upper-cased, with one space before its last three characters (5+ characters)."""
    compact = "".join(value.upper().split())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact


def _parse_postcode(values: Values) -> Parsed:
    spaced = _strings([None if value is None else _respaced(value) for value in values])
    changed = np.array(
        [value is not None and new != value.upper() for value, new in zip(values, spaced, strict=True)],
        dtype=bool,
    )
    return spaced, np.zeros(len(values), dtype=bool), {"re-spaced postcode": changed}


def _parse_text(values: Values) -> Parsed:
    return values, np.zeros(len(values), dtype=bool), {}


PARSERS: dict[str, Callable[[Values], Parsed]] = {
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


def _bools(flags: object) -> np.ndarray:
    """A parser's per-value flags as a plain boolean array (a missing flag is False)."""
    if isinstance(flags, np.ndarray):
        return flags.astype(bool, copy=False)
    return flags.to_numpy(dtype=bool, na_value=False)


def parse_column(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series, pd.Series, dict[str, int]]:
    """Trim and type one column: (typed value, blank, unreadable, repair counts).

    Extracts repeat values heavily (dates, codes), so each distinct value is cleaned and
    parsed once and the results are spread back over the rows.
    """
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    as_read = pd.array(distinct, dtype="string").to_numpy(dtype=object, na_value=None)
    trimmed = _strings([None if cell is None else cell.strip() or None for cell in as_read])
    blank = np.array([cell is None for cell in trimmed], dtype=bool)
    value, unreadable, repairs = PARSERS[column.type](trimmed)
    repairs["trimmed surrounding spaces"] = np.array(
        [cell is not None and cell != read for cell, read in zip(trimmed, as_read, strict=True)], dtype=bool
    )

    def spread(values: np.ndarray, missing: bool) -> pd.Series:
        return pd.Series(np.append(values, missing)[codes], index=raw.index)

    typed = pd.Series(
        pd.array(value, dtype=STAGING_DTYPES[column.type]).take(codes, allow_fill=True), index=raw.index
    )
    unreadable = _bools(unreadable) & ~blank
    rows_per_value = np.bincount(codes[codes >= 0], minlength=len(distinct))
    counts = {name: int(rows_per_value[_bools(hit)].sum()) for name, hit in repairs.items()}
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
        return _empty_quarantine()
    records = pd.concat(parts, ignore_index=True)
    return records.sort_values(["source_file", "source_line"], kind="stable").reset_index(drop=True)


@cache
def _empty_quarantine() -> pd.DataFrame:
    """Most tables have no failing row; the empty frame is built once (callers only filter it)."""
    return quarantine.empty_quarantine()


def _retired_dates(spec: TableSpec, column: str, codes: pd.Series) -> pd.Series:
    retired = {
        code: day.strftime("%d/%m/%Y") for code, day in retired_codes(spec.column(column).codes).items()
    }
    return codes.map(retired)
