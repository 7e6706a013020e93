"""The DfE SSDA903 validation rules that flag staged rows: one rule per `rule_<code>.py`, found here and run together.

Each rule module defines `RULE = DfeRule(...)`. Its `check` receives one council's staged
frames for one extract month (keyed by table name, lower-case columns, plus `source_file`
and `source_line`) and returns the rows it objects to as VIOLATION_COLUMNS. Rules only
flag: the rows stay in staging (extracts.md, "What happens to bad input").

The extract is cumulative (every episode of the last seven years), so rules the DfE
validator applies "within the collection year" are applied to the whole history here, and
"on or before the end of the collection year" becomes "on or before the end of the
extract month, plus a grace period".
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from cp_pipeline.extracts.specs import collection_year
from cp_pipeline.validation.quarantine import FLAGGED, QUARANTINE_COLUMNS, empty_quarantine, quarantine_frame

VIOLATION_COLUMNS = ["table_name", "source_file", "source_line", "column_name"]
SUMMARY_COLUMNS = ["rule_id", "description", "tables", "rows_checked", "rows_failed", "status", "error"]

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"

# Code groups used by several rules (ssda903.md §2-§4).
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
NO_PROVIDER_PLACEMENTS = TEMPORARY_PLACEMENTS | {"Z1", "Z11", "Z12", "Z13", "Z14"}
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
ADOPTED = frozenset({"E11", "E12"})
SPECIAL_GUARDIANSHIP = frozenset({"E43", "E44", "E45", "E46", "E47", "E48"})
RESPITE_LEGAL_STATUSES = frozenset({"V3", "V4"})
CONTINUATION = "X1"

# How far past the end of the extract month a date may run before it counts as "after the
# year end" (the CMS may be a few days ahead of the month the extract is filed under).
YEAR_END_GRACE_DAYS = 31


@dataclass(frozen=True)
class DfeRule:
    """One DfE rule: its code, what it says, what it reads, and the check that finds breaches."""

    code: str
    message: str  # plain English, lower-case start, no personal data: "episode starts before ..."
    tables: tuple[str, ...]  # every table the check reads; the first is the one it flags
    fields: tuple[str, ...]
    check: Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]
    from_year: int | None = None  # first collection year (named by its end year) the rule applies to
    to_year: int | None = None  # last collection year it applies to

    local: bool = False  # a check of this project's, not a DfE rule: its id is CP-<code>

    @property
    def rule_id(self) -> str:
        return f"{'CP' if self.local else 'DFE'}-{self.code}"

    def applies_to(self, year: int) -> bool:
        if self.from_year is not None and year < self.from_year:
            return False
        return not (self.to_year is not None and year > self.to_year)


@dataclass(frozen=True, eq=False)
class DfeRuleResults:
    violations: pd.DataFrame  # QUARANTINE_COLUMNS, action "flagged"
    summary: pd.DataFrame  # SUMMARY_COLUMNS, one row per rule


# ---- the registry ----


@cache
def all_rules() -> tuple[DfeRule, ...]:
    """Every rule module in this package, in code order. Adding a rule is adding a file."""
    rules = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("rule_"):
            rule = importlib.import_module(f"{__name__}.{module.name}").RULE
            if module.name != f"rule_{rule.code}":
                raise ValueError(f"{module.name} defines rule {rule.code}: file and code must agree")
            rules.append(rule)
    codes = [rule.code for rule in rules]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"DfE rule codes defined twice: {duplicates}")
    return tuple(sorted(rules, key=lambda rule: _code_order(rule.code)))


def _code_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (0 if code[0].isdigit() else 1, f"{code.rstrip('0123456789')}{int(digits or 0):06d}{code}")


def rules_for_year(year: int) -> tuple[DfeRule, ...]:
    """The rules that apply to a collection year (named by the year it ends: 2025 is 2024-25)."""
    return tuple(rule for rule in all_rules() if rule.applies_to(year))


# ---- the runner ----


def run_dfe_rules(
    tables: Mapping[str, pd.DataFrame],
    la_code: str,
    extract_month: str,
    rules: Iterable[DfeRule] | None = None,
) -> DfeRuleResults:
    """Run every rule for the extract month's collection year over one council's staged tables."""
    month_end = pd.Period(extract_month, freq="M").end_time.normalize()
    if rules is None:
        rules = rules_for_year(collection_year(month_end.date()))
    parts, summary = [], []
    _clear_shared()  # a frame changed in place since the last run must not reuse a stale result
    for rule in rules:
        row = {
            "rule_id": rule.rule_id,
            "description": rule.message,
            "tables": ", ".join(rule.tables),
            "rows_checked": 0,
            "rows_failed": 0,
            "status": SKIPPED,
            "error": None,
        }
        summary.append(row)
        if any(table not in tables for table in rule.tables):
            continue
        row["rows_checked"] = len(tables[rule.tables[0]])
        try:
            found = rule.check(tables)
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            row["status"], row["error"] = ERROR, type(error).__name__
            continue
        if found.empty:  # most rules find nothing: skip the de-duplication below
            row["status"] = PASSED
            continue
        found = found.loc[:, VIOLATION_COLUMNS].drop_duplicates(["table_name", "source_file", "source_line"])
        row["rows_failed"] = len(found)
        row["status"] = FAILED
        parts.append(_quarantine_rows(rule, found, la_code, extract_month))
    _clear_shared()
    violations = pd.concat(parts, ignore_index=True) if parts else empty_quarantine()
    summary_frame = pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
    summary_frame["rows_checked"] = summary_frame["rows_checked"].astype("int64")
    summary_frame["rows_failed"] = summary_frame["rows_failed"].astype("int64")
    return DfeRuleResults(violations=violations[QUARANTINE_COLUMNS], summary=summary_frame)


def _quarantine_rows(rule: DfeRule, found: pd.DataFrame, la_code: str, extract_month: str) -> pd.DataFrame:
    files = found["source_file"].astype("string").fillna("")
    lines = found["source_line"].astype("Int64")
    message = (
        files + " line " + lines.astype("string").fillna("?") + f": {rule.message} (DfE rule {rule.code})"
    )
    return quarantine_frame(
        {
            "la_code": la_code,
            "extract_month": extract_month,
            "table_name": found["table_name"].to_numpy(),
            "source_file": files.to_numpy(),
            "source_line": lines.to_numpy(),
            "column_name": found["column_name"].to_numpy(),
            "rule_id": rule.rule_id,
            "action": FLAGGED,
            "message": message.to_numpy(),
            "value": None,
        }
    )


# ---- helpers for rule checks ----


def flag(frame: pd.DataFrame, mask: pd.Series | None, table: str, column: str) -> pd.DataFrame:
    """The rows of `frame` where `mask` holds (null counts as no), as violations of `table`."""
    if mask is not None:
        chosen = mask.fillna(False).to_numpy(dtype=bool)
        if not chosen.any():  # the usual case, and the cheap one
            return no_violations()
    rows = frame if mask is None else frame[chosen]
    return pd.DataFrame(
        {
            "table_name": table,
            "source_file": rows["source_file"].to_numpy(),
            "source_line": rows["source_line"].to_numpy(),
            "column_name": column,
        },
        columns=VIOLATION_COLUMNS,
    )


_NO_VIOLATIONS = pd.DataFrame(columns=VIOLATION_COLUMNS)


def no_violations() -> pd.DataFrame:
    """An empty violations frame (a copy of one made once: building a frame costs ten times more,
    and most rules find nothing most months)."""
    return _NO_VIOLATIONS.copy()


def dates(values: pd.Series) -> pd.Series:
    """Staged dates (datetime64 or python dates) as datetime64, unreadable ones as NaT."""
    if values.empty:
        return pd.Series([], index=values.index, dtype="datetime64[us]")
    return pd.to_datetime(values, errors="coerce")


def month_end_of(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The last day of the extract month the frame's rows were staged for (None if unknown)."""
    if "extract_month" not in frame.columns or frame.empty:
        return None
    months = frame["extract_month"].dropna()
    return pd.Period(str(months.iloc[0]), freq="M").end_time.normalize() if len(months) else None


def year_end_limit(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The latest date a row of this extract may carry: the month end plus the grace period."""
    end = month_end_of(frame)
    return None if end is None else end + pd.Timedelta(days=YEAR_END_GRACE_DAYS)


def collection_start(day: pd.Series) -> pd.Series:
    """1 April starting the collection year each date falls in."""
    year = day.dt.year - (day.dt.month < 4).astype("int64")
    return pd.to_datetime({"year": year, "month": 4, "day": 1}, errors="coerce")


def birthday(dob: pd.Series, years: int) -> pd.Series:
    """The day a child born on `dob` turns `years` (29 February birthdays fall on 28 February)."""
    return dob + pd.DateOffset(years=years)


def header_dob(frame: pd.DataFrame, header: pd.DataFrame) -> pd.Series:
    """Each row's date of birth from the Header (first Header row per child), aligned to frame."""
    dob = _shared(
        "header_dob", header, lambda: dates(header.drop_duplicates("child").set_index("child")["dob"])
    )
    return pd.Series(dob.reindex(frame["child"].to_numpy()).to_numpy(), index=frame.index, dtype=dob.dtype)


def same_text(left: pd.Series, right: pd.Series) -> pd.Series:
    """Equality of two text columns where blank equals blank."""
    return left.astype("string").fillna("").eq(right.astype("string").fillna("")).astype(bool)


def equal(values: pd.Series, code: str) -> pd.Series:
    """values == code, with blanks counting as not equal."""
    return values.eq(code).fillna(False).astype(bool)


SEQUENCE_COLUMNS = (
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "pl_post",
    "urn",
    "decom",
    "dec",
    "rec",
    "reason_place_change",
)


# Results several rules start from (the episode sequence, the Header's dates of birth), built
# once per run_dfe_rules call: {name: (input frame, result)}, valid while the input is that object.
_SHARED: dict[str, tuple[pd.DataFrame, Any]] = {}


def _shared(name: str, frame: pd.DataFrame, build: Callable[[], Any]) -> Any:
    """`build()` for this frame object, made once and reused by later rules of the same run."""
    kept = _SHARED.get(name)
    if kept is not None and kept[0] is frame:
        return kept[1]
    result = build()
    _SHARED[name] = (frame, result)
    return result


def _clear_shared() -> None:
    _SHARED.clear()


def episode_sequence(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes in each child's order (shared between rules: read it, never change it), with the
    previous and next episode's values beside them.

    The result for the same input frame object is built once and reused.
    """
    return _shared("episode_sequence", episodes, lambda: _build_episode_sequence(episodes))


def _build_episode_sequence(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes in each child's order, with the previous and next episode's values beside them.

    Adds `prev_<column>` and `next_<column>` for SEQUENCE_COLUMNS (null at a child's first or
    last episode), `is_first`, `is_last`, and the period of care (ssda903.md §5.1):
    `period` (an id), `starts_period`, `ends_period` (REC other than X1), `period_start` and
    `period_end` (NaT while open). A period starts at RNE S, after an end other than X1, or
    after any gap.
    """
    e = episodes.copy()
    e["decom"] = dates(e["decom"])
    e["dec"] = dates(e["dec"])
    e = e.sort_values(["child", "decom", "dec", "source_line"], na_position="last", kind="stable")
    e = e.reset_index(drop=True)
    child = e["child"]
    has_prev = child.eq(child.shift(1)).fillna(False).astype(bool)
    has_next = child.eq(child.shift(-1)).fillna(False).astype(bool)
    shifted_prev = e[list(SEQUENCE_COLUMNS)].shift(1)
    shifted_next = e[list(SEQUENCE_COLUMNS)].shift(-1)
    for column in SEQUENCE_COLUMNS:
        e[f"prev_{column}"] = shifted_prev[column].where(has_prev)
        e[f"next_{column}"] = shifted_next[column].where(has_next)
    e["is_first"] = ~has_prev
    e["is_last"] = ~has_next
    prev_ended_care = e["prev_rec"].notna() & ~e["prev_rec"].isin([CONTINUATION])
    gap = e["prev_dec"].ne(e["decom"]) | e["prev_dec"].isna()
    new_period = e["is_first"] | equal(e["rne"], "S") | prev_ended_care.astype(bool) | gap.astype(bool)
    e["starts_period"] = new_period
    e["ends_period"] = (e["rec"].notna() & ~e["rec"].isin([CONTINUATION])).astype(bool)
    e["period"] = new_period.astype("int64").cumsum()
    periods = e.groupby("period", sort=False)
    e["period_start"] = periods["decom"].transform("first")
    e["period_end"] = periods["dec"].transform("last")
    return e


def episode_duration_days(episodes: pd.DataFrame) -> pd.Series:
    """Days from DECOM to DEC, an open episode running to the end of the extract month."""
    end = month_end_of(episodes)
    decom, dec = dates(episodes["decom"]), dates(episodes["dec"])
    if end is not None:
        dec = dec.fillna(end)
    return (dec - decom).dt.days


def child_intervals(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """A table's rows as (child, start, end) intervals in each child's order, with the previous row's end."""
    f = frame.copy()
    f["_start"] = dates(f[start])
    f["_end"] = dates(f[end])
    f = f.sort_values(["child", "_start", "_end", "source_line"], na_position="last", kind="stable")
    f = f.reset_index(drop=True)
    has_prev = f["child"].eq(f["child"].shift(1)).fillna(False).astype(bool)
    f["_has_prev"] = has_prev
    f["_prev_start"] = f["_start"].shift(1).where(has_prev)
    f["_prev_end"] = f["_end"].shift(1).where(has_prev)
    f["_prev_open"] = has_prev & f["_end"].shift(1).isna()
    return f


def overlaps_previous(frame: pd.DataFrame, start: str, end: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """(ordered rows, previous row still open, row starts before the previous row ends)."""
    f = child_intervals(frame, start, end)
    still_open = f["_prev_open"] & f["_start"].notna()
    starts_early = (f["_start"] < f["_prev_end"]).fillna(False).astype(bool)
    return f, still_open, starts_early


def dated_within(
    events: pd.DataFrame,
    date_column: str,
    intervals: pd.DataFrame,
    start: str = "decom",
    end: str = "dec",
    open_end: pd.Timestamp | None = None,
) -> pd.Series:
    """For each event row, whether its date lies in one of the child's intervals (start <= d <= end).

    An interval with no end is open; it runs to `open_end` when given, else forever.
    """
    e = pd.DataFrame({"child": events["child"].to_numpy(), "_day": dates(events[date_column]).to_numpy()})
    e["_row"] = range(len(e))
    i = pd.DataFrame({"child": intervals["child"].to_numpy()})
    i["_from"] = dates(intervals[start]).to_numpy()
    i["_to"] = dates(intervals[end]).to_numpy()
    i["_to"] = i["_to"].fillna(open_end if open_end is not None else pd.Timestamp.max)
    pairs = e.merge(i, on="child", how="inner")
    inside = pairs[(pairs["_from"] <= pairs["_day"]) & (pairs["_day"] <= pairs["_to"])]
    hit = pd.Series(False, index=range(len(e)))
    hit[inside["_row"].unique()] = True
    return pd.Series(hit.to_numpy(), index=events.index)


# ---- rule factories for the DfE "internal" (INT) integrity checks ----


def child_in_header_rule(code: str, table: str) -> DfeRule:
    """INT01-INT09: every child in a sub-table has a Header row."""

    def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        frame = tables[table]
        return flag(frame, ~frame["child"].isin(tables["Header"]["child"]), table, "CHILD")

    return DfeRule(
        code=code,
        message=f"the child on this {table} row has no row in the Header table",
        tables=(table, "Header"),
        fields=("CHILD",),
        check=check,
    )


def dob_matches_header_rule(code: str, table: str) -> DfeRule:
    """INT11-INT18: a sub-table's date of birth is the Header's."""

    def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        frame = tables[table]
        own, header = dates(frame["dob"]), header_dob(frame, tables["Header"])
        return flag(frame, own.notna() & header.notna() & own.ne(header), table, "DOB")

    return DfeRule(
        code=code,
        message=f"the date of birth on this {table} row differs from the child's date of birth in the Header",
        tables=(table, "Header"),
        fields=("DOB",),
        check=check,
    )


def one_row_per_child_rule(code: str, table: str) -> DfeRule:
    """INT31-INT36: tables that hold one row per child."""

    def check(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        frame = tables[table]
        return flag(frame, frame["child"].duplicated(keep=False), table, "CHILD")

    return DfeRule(
        code=code,
        message=f"the child has more than one row in the {table} table",
        tables=(table,),
        fields=("CHILD",),
        check=check,
    )
