"""Row-level rules of the input contract, built from tables.yaml as one pandera schema per table and collection year.

Every rule is one named pandera check, so pandera's lazy validation reports every failing
row and rule at once. The checks run on a *check frame*: the typed values of a table plus
small helper columns that measure what a rule needs (is the cell blank, could it be read,
how many days lie between the start and the end, …), so each check looks at one column and
pandera reports the failure against that column and row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.config import ValidationDepth, config_context

from cp_pipeline.extracts.specs import Column, TableSpec, code_lists, codes_for_year, table_spec, table_specs
from cp_pipeline.validation.quarantine import FLAGGED, REJECTED, is_personal

# A date this many days after the extract month's end is "in the future" (flagged).
FUTURE_DATE_GRACE_DAYS = 31
# A date of birth more than this many years before the extract month's end is flagged.
OLDEST_AGE_YEARS = 25

DATE_TYPES = frozenset({"date", "datetime"})

# The dtype of each column type once staged (the typed frame the schemas check).
STAGING_DTYPES: dict[str, str] = {
    "id": "string",
    "str": "string",
    "code": "string",
    "postcode": "string",
    "time": "string",
    "date": "datetime64[us]",
    "datetime": "datetime64[us]",
    "int": "Int64",
    "flag": "Int64",
    "number": "Float64",
}

# What a value that cannot be read as its type is not (extracts.md rejection 2).
UNREADABLE_WORDING: dict[str, str] = {
    "id": "is not a valid identifier (letters, digits, - and _ only)",
    "date": "is not a valid date (dd/mm/yyyy or yyyy-mm-dd)",
    "datetime": "is not a valid date and time (dd/mm/yyyy HH:MM or ISO)",
    "time": "is not a valid time (HH:MM)",
    "int": "is not a whole number",
    "number": "is not a number",
    "flag": "is not 0 or 1",
}


@dataclass(frozen=True)
class Rule:
    """One row-level rule: what it checks, where it reports, and what it says."""

    rule_id: str
    table: str
    column: str  # the column the failure is reported against
    action: str  # rejected | flagged
    kind: str  # blank, type, range, code, order, dob_future, dob_oldest, future_date, legacy_code
    checked_column: str  # the check-frame column the pandera check looks at
    message: str  # template; fields: location, value, start_value, reference_value, retired, extract_month, collection_year
    related_column: str | None = None  # the start column (order) or the row's date (legacy_code)


def legacy_reference_column(spec: TableSpec) -> str | None:
    """The date a row's codes are judged against for retirement: the start of its period
    (DECOM for Episodes), else its first required date, else its first date; None = the
    extract month's end."""
    starts = [c.end_of for c in spec.columns if c.end_of]
    if starts:
        return starts[0]
    dates = [c for c in spec.columns if c.type in DATE_TYPES and not c.date_of_birth]
    chosen = [c for c in dates if c.required] or dates
    return chosen[0].name if chosen else None


def retired_codes(list_name: str) -> dict[str, pd.Timestamp]:
    return {
        code.code: pd.Timestamp(code.retired) for code in code_lists()[list_name].values() if code.retired
    }


def _suffix(column: Column, base: str) -> str:
    # Tables carry one date of birth, called DOB; another name keeps rule ids unique.
    return base if column.name == "DOB" else f"{base}-{column.name}"


def _column_rules(spec: TableSpec, column: Column) -> list[Rule]:
    name = column.name
    # Personal values (child id, UPN, dates of birth) never appear in a message.
    shown = name if is_personal(column) else f"{name} {{value}}"
    rules: list[Rule] = []

    def add(
        rule_id: str, action: str, kind: str, checked: str, text: str, related: str | None = None
    ) -> None:
        message = f"{{location}}: {text} ({rule_id})"
        rules.append(Rule(rule_id, spec.name, name, action, kind, checked, message, related))

    if column.required:
        add(
            f"REJ-BLANK-{name}",
            REJECTED,
            "blank",
            f"{name}__blank",
            f"{name} is blank but every {spec.name} row needs it",
        )
    if column.type in UNREADABLE_WORDING:
        add(
            f"REJ-TYPE-{name}",
            REJECTED,
            "type",
            f"{name}__unreadable",
            f"{shown} {UNREADABLE_WORDING[column.type]}",
        )
    if column.min is not None or column.max is not None:
        if column.min is not None and column.max is not None:
            bounds = f"is outside the range {column.min:g} to {column.max:g}"
        elif column.min is not None:
            bounds = f"is below the minimum {column.min:g}"
        else:
            bounds = f"is above the maximum {column.max:g}"
        add(f"REJ-RANGE-{name}", REJECTED, "range", name, f"{shown} {bounds}")
    if column.codes:
        add(
            f"REJ-CODE-{name}",
            REJECTED,
            "code",
            name,
            f"{shown} is not in the {column.codes} code list for collection year {{collection_year}}",
        )
    if column.end_of:
        add(
            f"REJ-ORDER-{name}",
            REJECTED,
            "order",
            f"{name}__days_after_start",
            f"{shown} is before {column.end_of} {{start_value}}",
            related=column.end_of,
        )
    if column.date_of_birth:
        add(
            _suffix(column, "REJ-DOB-FUTURE"),
            REJECTED,
            "dob_future",
            f"{name}__days_after_month_end",
            f"{name} is after the end of the extract month {{extract_month}}",
        )
        add(
            _suffix(column, f"FLAG-DOB-OVER-{OLDEST_AGE_YEARS}"),
            FLAGGED,
            "dob_oldest",
            f"{name}__days_from_month_end_to_birthday_{OLDEST_AGE_YEARS}",
            f"{name} is more than {OLDEST_AGE_YEARS} years before the end of the extract month {{extract_month}}",
        )
    elif column.type in DATE_TYPES and not column.future_ok:
        add(
            f"FLAG-FUTURE-DATE-{name}",
            FLAGGED,
            "future_date",
            f"{name}__days_after_month_end",
            f"{shown} is more than {FUTURE_DATE_GRACE_DAYS} days after the end of the extract month {{extract_month}}",
        )
    if column.codes and retired_codes(column.codes):
        reference = legacy_reference_column(spec)
        used = (
            f"on a row with {reference} {{reference_value}}"
            if reference
            else "in the extract for {extract_month}"
        )
        add(
            f"FLAG-LEGACY-CODE-{name}",
            FLAGGED,
            "legacy_code",
            f"{name}__days_after_retired",
            f"{shown} is a legacy code retired on {{retired}} but is used {used}",
            related=reference,
        )
    return rules


@cache
def table_rules(table: str) -> tuple[Rule, ...]:
    """Every row-level rule of a table, in column order."""
    spec = table_spec(table)
    rules = tuple(rule for column in spec.columns for rule in _column_rules(spec, column))
    ids = [rule.rule_id for rule in rules]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{table}: duplicate rule ids in {ids}")
    return rules


def rules_by_id(table: str) -> dict[str, Rule]:
    return {rule.rule_id: rule for rule in table_rules(table)}


def _test(rule: Rule, collection_year: int) -> Callable[[pd.Series], pd.Series]:
    """The vectorised pass condition of a rule (True = the row passes)."""
    if rule.kind in ("blank", "type"):
        return lambda flagged: ~flagged.astype(bool)
    if rule.kind == "code":
        allowed = sorted(codes_for_year(table_spec(rule.table).column(rule.column).codes, collection_year))
        return lambda codes: codes.isin(allowed)
    if rule.kind == "range":
        column = table_spec(rule.table).column(rule.column)
        low = float("-inf") if column.min is None else column.min
        high = float("inf") if column.max is None else column.max
        return lambda values: values.between(low, high)
    if rule.kind == "order":
        return lambda days: days >= 0
    if rule.kind == "dob_future":
        return lambda days: days <= 0
    if rule.kind == "dob_oldest":
        return lambda days: days >= 0
    if rule.kind == "future_date":
        return lambda days: days <= FUTURE_DATE_GRACE_DAYS
    if rule.kind == "legacy_code":
        return lambda days: days <= 0
    raise ValueError(f"unknown rule kind {rule.kind}")


@cache
def schema_for(table: str, collection_year: int) -> pa.DataFrameSchema:
    """The pandera schema of a table's check frame for one collection year (1 Apr-31 Mar,
    named by its end year). One named check per rule; the check name is the rule id."""
    spec = table_spec(table)
    checks: dict[str, list[pa.Check]] = {column.name: [] for column in spec.columns}
    for rule in table_rules(table):
        check = pa.Check(
            _test(rule, collection_year),
            name=rule.rule_id,
            error=rule.rule_id,
            # A blank cell is the blank rule's business and nobody else's.
            ignore_na=rule.kind != "blank",
        )
        checks.setdefault(rule.checked_column, []).append(check)
    typed = {column.name: STAGING_DTYPES[column.type] for column in spec.columns}
    return pa.DataFrameSchema(
        {
            name: pa.Column(typed.get(name), checks=column_checks, nullable=True)
            for name, column_checks in checks.items()
        },
        name=f"{table} (collection year {collection_year})",
        strict=True,
    )


def _days(delta: pd.Series) -> pd.Series:
    return delta / pd.Timedelta(days=1)


def check_frame(
    spec: TableSpec,
    typed: pd.DataFrame,
    blank: pd.DataFrame,
    unreadable: pd.DataFrame,
    month_end: pd.Timestamp,
) -> pd.DataFrame:
    """The frame a table's schema validates: typed values (canonical column names) plus one
    helper column per measurement a rule needs. `blank` and `unreadable` are boolean frames
    with the same columns as `typed`; `month_end` is midnight of the extract month's last day."""
    helpers: dict[str, pd.Series] = {}
    for rule in table_rules(spec.name):
        if rule.checked_column in typed.columns or rule.checked_column in helpers:
            continue
        value = typed[rule.column]
        if rule.kind == "blank":
            helper = blank[rule.column]
        elif rule.kind == "type":
            helper = unreadable[rule.column]
        elif rule.kind == "order":
            helper = _days(value - typed[rule.related_column])
        elif rule.kind in ("dob_future", "future_date"):
            helper = _days(value.dt.normalize() - month_end)
        elif rule.kind == "dob_oldest":
            helper = _days(value.dt.normalize() + pd.DateOffset(years=OLDEST_AGE_YEARS) - month_end)
        elif rule.kind == "legacy_code":
            retired = value.map(retired_codes(spec.column(rule.column).codes)).astype("datetime64[us]")
            used_on = typed[rule.related_column].dt.normalize() if rule.related_column else month_end
            helper = _days(used_on - retired)
        else:
            raise ValueError(f"{rule.rule_id}: no helper for kind {rule.kind}")
        helpers[rule.checked_column] = helper
    return pd.concat([typed[list(spec.column_names)], pd.DataFrame(helpers, index=typed.index)], axis=1)


def find_failures(table: str, collection_year: int, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a check frame lazily; one row per (row position, rule id) that failed."""
    schema = schema_for(table, collection_year)
    empty = pd.DataFrame({"row": pd.Series(dtype="int64"), "rule_id": pd.Series(dtype="string")})
    # Data checks must run even if the environment switches pandera off or to schema-only.
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            schema.validate(frame, lazy=True, inplace=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases
        else:
            return empty
    known = set(rules_by_id(table))
    unexpected = cases[~cases["check"].isin(known)]
    if len(unexpected):
        # A programming error (a missing helper, a wrong dtype), not a fault in the data. The
        # summary shows failure cases only for schema-level failures (no row index), where
        # they are column names or dtypes, never a row's values.
        shown = unexpected["failure_case"].where(unexpected["index"].isna(), "")
        summary = sorted(
            {f"{k}: {v}".rstrip(": ") for k, v in zip(unexpected["check"], shown.astype(str), strict=True)}
        )
        raise RuntimeError(f"{table}: check frame does not fit its schema ({'; '.join(summary)})")
    failures = pd.DataFrame(
        {"row": cases["index"].astype("int64"), "rule_id": cases["check"].astype("string")}
    )
    return failures.drop_duplicates().reset_index(drop=True)


def describe_rules(tables: Mapping[str, TableSpec] | None = None) -> pd.DataFrame:
    """One row per rule and table, for the data dictionary and the dq documentation."""
    rows = [
        {
            "rule_id": rule.rule_id,
            "table": rule.table,
            "column": rule.column,
            "action": rule.action,
            "message": rule.message,
        }
        for name in (tables or table_specs())
        for rule in table_rules(name)
    ]
    return pd.DataFrame(rows, columns=["rule_id", "table", "column", "action", "message"])
