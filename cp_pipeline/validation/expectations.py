"""Great Expectations suites built from the table specification: batch checks on each council-month's
staged tables, warehouse checks on the conformed tables, their results as dq.validation_result rows,
and Data Docs the DQ team can read.

The checks are planned as plain data first (`batch_checks`, `warehouse_checks`: what to expect of
which columns, how bad a failure is), from tables.yaml, code_lists.yaml and suites.yaml; only then
turned into GX expectations. Great Expectations takes seconds to import, so it is imported inside
the functions that validate, never when this module is imported.

No result ever carries a row's values: expectations run with a result format that leaves out
GX's unexpected-value lists, and `observed` is written from counts alone.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import pandas as pd
from sqlalchemy.engine import make_url

from cp_pipeline.extracts.specs import TableSpec, codes_for_year, collection_year, table_specs
from cp_pipeline.validation.gx_tuning import tune
from cp_pipeline.warehouse.engine import Warehouse, qualified, quote_ident
from cp_pipeline.yaml_files import load_yaml

if TYPE_CHECKING:
    import great_expectations as gx


SUITES_FILE = Path(__file__).with_name("suites.yaml")

BATCH = "batch"
WAREHOUSE = "warehouse"
ERROR = "error"
WARNING = "warning"

RESULT_COLUMNS = [
    "la_code",
    "extract_month",
    "suite",
    "table_name",
    "check_name",
    "expectation_type",
    "success",
    "observed",
    "severity",
    "run_at",
]
VALIDATION_RESULT_TYPES = {
    "la_code": "text",
    "extract_month": "text",
    "suite": "text",
    "table_name": "text",
    "check_name": "text",
    "expectation_type": "text",
    "success": "bool",
    "observed": "text",
    "severity": "text",
    "run_at": "timestamp",
}

# Counts and percentages only: GX's unexpected-value lists (child ids, dates of birth …) are
# never computed into a result, and no index query that could name rows is returned.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# ---- the checks, as data ------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One expectation of one table: a stable name, how bad a failure is, and what GX checks."""

    check_name: str  # <table>.<what>, e.g. episodes.child_decom_unique
    severity: str  # error | warning
    expectation: str  # GX expectation class, e.g. ExpectColumnValuesToNotBeNull
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    kind: str = ""  # not_null, unique, code_list, range, in_set, row_count_drift, share_known
    detail: Mapping[str, Any] = field(default_factory=dict)  # numbers the observed text quotes

    @property
    def expectation_type(self) -> str:
        """GX's snake-case name of the expectation (expect_column_values_to_not_be_null)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.expectation).lower()


@cache
def suites_config() -> dict:
    return load_yaml(SUITES_FILE.read_text(encoding="utf-8"))


def _table(name: str) -> TableSpec:
    """A table spec by its tables.yaml name (Episodes) or its staging name (episodes)."""
    specs = table_specs()
    if name in specs:
        return specs[name]
    for spec in specs.values():
        if spec.staging_name == name:
            return spec
    raise KeyError(f"no table {name!r} in tables.yaml")


def _check_month(extract_month: str) -> str:
    if not MONTH_PATTERN.fullmatch(extract_month):
        raise ValueError(f"extract month must be YYYY-MM, not {extract_month!r}")
    return extract_month


def extract_collection_year(extract_month: str) -> int:
    """The collection year (named by the year it ends) that an extract month falls in."""
    year, month = (int(part) for part in _check_month(extract_month).split("-"))
    return collection_year(dt.date(year, month, 1))


def _known_column(column: str) -> str:
    # The measure column of a share-known check whose unknown codes count as blank.
    return f"{column}__known"


def batch_checks(
    table_name: str, *, extract_month: str | None = None, previous_count: int | None = None
) -> list[Check]:
    """The batch checks of one staged table, for the collection year of `extract_month` (today's
    when None) and, when the previous month's staged row count is known, its drift bounds."""
    spec = _table(table_name)
    year = extract_collection_year(extract_month) if extract_month else collection_year(dt.date.today())
    config = suites_config()[BATCH]
    prefix = spec.staging_name
    checks: list[Check] = []
    for column in spec.columns:
        if column.required:
            checks.append(
                Check(
                    f"{prefix}.{column.staging_name}_not_null",
                    ERROR,
                    "ExpectColumnValuesToNotBeNull",
                    {"column": column.staging_name},
                    kind="not_null",
                )
            )
    key = [spec.column(c).staging_name for c in config["natural_keys"].get(spec.name, [])]
    if len(key) == 1:
        checks.append(
            Check(
                f"{prefix}.{key[0]}_unique",
                ERROR,
                "ExpectColumnValuesToBeUnique",
                {"column": key[0]},
                kind="unique",
            )
        )
    elif key:
        checks.append(
            Check(
                f"{prefix}.{'_'.join(key)}_unique",
                ERROR,
                "ExpectCompoundColumnsToBeUnique",
                # Rows missing part of the key are the completeness checks' business.
                {"column_list": key, "ignore_row_if": "any_value_is_missing"},
                kind="unique",
            )
        )
    for column in spec.columns:
        if column.codes:
            allowed = sorted(codes_for_year(column.codes, year))
            checks.append(
                Check(
                    f"{prefix}.{column.staging_name}_in_code_list",
                    ERROR,
                    "ExpectColumnValuesToBeInSet",
                    {"column": column.staging_name, "value_set": allowed},
                    kind="code_list",
                    detail={"code_list": column.codes, "collection_year": year},
                )
            )
        if column.min is not None or column.max is not None:
            checks.append(
                Check(
                    f"{prefix}.{column.staging_name}_in_range",
                    ERROR,
                    "ExpectColumnValuesToBeBetween",
                    {"column": column.staging_name, "min_value": column.min, "max_value": column.max},
                    kind="range",
                )
            )
    if previous_count:
        drift = config["row_count_drift"]
        low = math.ceil(drift["min_ratio"] * previous_count)
        high = math.floor(drift["max_ratio"] * previous_count)
        checks.append(
            Check(
                f"{prefix}.row_count_within_drift",
                WARNING,
                "ExpectTableRowCountToBeBetween",
                {"min_value": low, "max_value": high},
                kind="row_count_drift",
                detail={"previous": int(previous_count), "min": low, "max": high},
            )
        )
    for share in config["distributions"]:
        if share["table"] != spec.name:
            continue
        column = spec.column(share["column"]).staging_name
        measured = _known_column(column) if share.get("unknown_codes") else column
        checks.append(
            Check(
                f"{prefix}.{share['check']}",
                WARNING,
                "ExpectColumnValuesToNotBeNull",
                {"column": measured, "mostly": float(share["min_share"])},
                kind="share_known",
                detail={"min_share": float(share["min_share"])},
            )
        )
    return checks


def batch_input(table_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of a staged frame that `batch_frame` reads (the table's own columns, not the
    lineage ones), with every row: all a helper process must be sent to run the batch suite.
    The lineage columns (la_code, extract_month, source_file: a string each per row) were most
    of what pickling a council-month's tables to a helper cost."""
    wanted = {c.staging_name for c in _table(table_name).columns}
    return frame[[c for c in frame.columns if str(c).lower() in wanted]]


def batch_frame(table_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame a table's batch suite runs on: the staged columns its checks read (a missing
    one as all blank), plus the measure columns of its share-known checks."""
    spec = _table(table_name)
    # Only the table's own columns reach GX (lineage columns are not checked here).
    out = frame.rename(columns=str.lower).reindex(columns=[c.staging_name for c in spec.columns])
    for share in suites_config()[BATCH]["distributions"]:
        if share["table"] != spec.name or not share.get("unknown_codes"):
            continue
        column = spec.column(share["column"]).staging_name
        values = out[column] if column in out.columns else pd.Series(pd.NA, index=out.index, dtype="string")
        unknown = values.astype("string").str.strip().str.upper().isin(share["unknown_codes"])
        out[_known_column(column)] = values.astype("string").mask(unknown.fillna(False))
    return out


def warehouse_checks(table: str) -> list[Check]:
    """The checks of one conformed table (schema.table), from suites.yaml."""
    config = suites_config()[WAREHOUSE]
    body = config["tables"][table]
    prefix = table.split(".", 1)[1]
    checks: list[Check] = []
    key = body.get("unique", [])
    if key:
        # la_code and extract_month are the partition; the name says what identifies a row in it.
        shown = [c for c in key if c not in ("la_code", "extract_month")] or key
        checks.append(
            Check(
                f"{prefix}.{'_'.join(shown)}_unique",
                ERROR,
                "ExpectCompoundColumnsToBeUnique" if len(key) > 1 else "ExpectColumnValuesToBeUnique",
                {"column_list": key, "ignore_row_if": "any_value_is_missing"}
                if len(key) > 1
                else {"column": key[0]},
                kind="unique",
            )
        )
    for column in body.get("not_null", []):
        checks.append(
            Check(
                f"{prefix}.{column}_not_null",
                ERROR,
                "ExpectColumnValuesToNotBeNull",
                {"column": column},
                kind="not_null",
            )
        )
    for column, set_name in body.get("in_set", {}).items():
        checks.append(
            Check(
                f"{prefix}.{column}_in_set",
                ERROR,
                "ExpectColumnValuesToBeInSet",
                {"column": column, "value_set": _value_set(set_name)},
                kind="in_set",
                detail={"value_set": set_name},
            )
        )
    return checks


def _value_set(name: str) -> list[str]:
    if name == "indicator_units":
        from cp_pipeline.indicators.catalogue import UNITS

        return sorted(UNITS)
    return list(suites_config()[WAREHOUSE]["value_sets"][name])


def _columns_read(checks: list[Check]) -> list[str]:
    columns: list[str] = []
    for check in checks:
        for column in [check.kwargs.get("column"), *check.kwargs.get("column_list", [])]:
            if column and column not in columns:
                columns.append(column)
    return columns


# ---- from checks to GX suites --------------------------------------------------------------


def _suite(name: str, checks: list[Check]) -> gx.ExpectationSuite:
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    # Passed to the constructor: suite.add_expectation() needs an active data context.
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            getattr(gx.expectations, check.expectation)(
                **check.kwargs,
                meta={"check_name": check.check_name, "severity": check.severity},
                severity=FailureSeverity.CRITICAL if check.severity == ERROR else FailureSeverity.WARNING,
            )
            for check in checks
        ],
    )


def batch_suite_for(
    table_name: str, *, extract_month: str | None = None, previous_count: int | None = None
) -> gx.ExpectationSuite:
    """The GX batch suite of a staged table (see `batch_checks`)."""
    spec = _table(table_name)
    checks = batch_checks(spec.name, extract_month=extract_month, previous_count=previous_count)
    return _suite(f"{BATCH}.{spec.staging_name}", checks)


def warehouse_suite_for(table: str) -> gx.ExpectationSuite:
    """The GX suite of a conformed table (schema.table, see `warehouse_checks`)."""
    return _suite(f"{WAREHOUSE}.{table}", warehouse_checks(table))


def _ephemeral_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    tune()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _staged_assets() -> list[dict]:
    """A dataframe asset with one whole-frame batch definition for every staged table."""
    return [
        {"name": spec.staging_name, "type": "dataframe", "batch_definitions": [{"name": "council_month"}]}
        for spec in table_specs().values()
    ]


@cache
def _staged_datasource() -> Any:
    """The pandas datasource the batch suites run on: one ephemeral GX context per process,
    made with every table's asset at once and kept for every council-month the process
    validates. A context per call, with its assets added one by one, re-serialised GX's whole
    project config to YAML at each of its 47 additions: 0.66 s -> 0.55 s a council-month.
    Nothing is stored in it (a batch is validated against a suite that is not added)."""
    from great_expectations.datasource.fluent import PandasDatasource

    context = _ephemeral_context()
    return context.data_sources.add_pandas(
        datasource=PandasDatasource(name="staged", assets=_staged_assets())
    )


# ---- results --------------------------------------------------------------------------------


def run_timestamp() -> pd.Timestamp:
    """Now in UTC, to the second, without a time zone (as every timestamp the pipeline writes)."""
    return pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _number(value: Any) -> int | float | None:
    """A count or measure from a GX result; anything else (a value from a row) is dropped."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and not math.isnan(value):
        return float(value)
    return None


_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w]*\.)*([A-Za-z_]\w*(?:Error|Exception))(?::|$)")


def _exception_name(exception_info: Any) -> str | None:
    """The class of the exception GX caught, if any (never its message, which may quote values)."""
    infos = exception_info if isinstance(exception_info, dict) else {}
    if "raised_exception" in infos:
        infos = {"": infos}
    for info in infos.values():
        if isinstance(info, dict) and info.get("raised_exception"):
            # The first exception line of a chained traceback is the root cause.
            for line in (info.get("exception_traceback") or "").splitlines():
                match = _EXCEPTION_LINE.match(line.strip())
                if match:
                    return match.group(1)
            return "Exception"
    return None


def observed_text(check: Check, result: Mapping[str, Any]) -> str:
    """A short account of what GX found, built from counts only."""
    rows = _number(result.get("element_count"))
    bad = _number(result.get("unexpected_count"))
    missing = _number(result.get("missing_count")) or 0
    if check.kind == "row_count_drift":
        count = _number(result.get("observed_value"))
        d = check.detail
        return f"{count} rows; previous month {d['previous']}; expected {d['min']} to {d['max']}"
    if rows is None or bad is None:
        value = _number(result.get("observed_value"))
        return "" if value is None else f"observed {value:g}"
    rows, bad = int(rows), int(bad)
    if check.kind == "not_null":
        return f"{bad} of {rows} rows blank ({_percent(bad, rows)})"
    if check.kind == "share_known":
        known = rows - bad
        return f"{known} of {rows} rows known ({_percent(known, rows)}); at least {check.detail['min_share']:.0%} expected"
    if check.kind == "unique":
        return f"{bad} of {rows} rows share their key with another row ({_percent(bad, rows)})"
    considered = rows - int(missing)
    text = f"{bad} of {considered} values outside the allowed "
    text += {"range": "range", "code_list": "code list"}.get(check.kind, "set")
    text += f" ({_percent(bad, considered)})"
    if check.kind == "code_list":
        text += f" for collection year {check.detail['collection_year']}"
    return text


def _result_rows(
    checks: list[Check],
    suite_result: Any,
    *,
    la_code: str | None,
    extract_month: str,
    suite: str,
    table_name: str,
    run_at: pd.Timestamp,
) -> list[dict]:
    by_name = {check.check_name: check for check in checks}
    found: dict[str, dict] = {}
    for result in suite_result.results:
        config = result.expectation_config
        check = by_name[config.meta["check_name"]]
        error = _exception_name(result.exception_info)
        found[check.check_name] = {
            "expectation_type": config.type,
            "success": bool(result.success) and error is None,
            "observed": f"error: {error}" if error else observed_text(check, dict(result.result or {})),
        }
    rows = []
    for check in checks:  # in the suite's order, which GX does not keep
        outcome = found.get(check.check_name) or {
            "expectation_type": check.expectation_type,
            "success": False,
            "observed": "error: no result",
        }
        rows.append(
            {
                "la_code": la_code,
                "extract_month": extract_month,
                "suite": suite,
                "table_name": table_name,
                "check_name": check.check_name,
                **outcome,
                "severity": check.severity,
                "run_at": run_at,
            }
        )
    return rows


def _unrun_rows(
    checks: list[Check],
    *,
    success: bool | None,
    observed: str,
    extract_month: str,
    suite: str,
    table_name: str,
    run_at: pd.Timestamp,
) -> list[dict]:
    """Rows for checks GX did not get to run: skipped (success null) or failed with an error."""
    return [
        {
            "la_code": None,
            "extract_month": extract_month,
            "suite": suite,
            "table_name": table_name,
            "check_name": check.check_name,
            "expectation_type": check.expectation_type,
            "success": pd.NA if success is None else success,
            "observed": observed,
            "severity": check.severity,
            "run_at": run_at,
        }
        for check in checks
    ]


def results_frame(rows: list[dict]) -> pd.DataFrame:
    """dq.validation_result rows with the contract's columns, in order, with stable dtypes."""
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for column in RESULT_COLUMNS:
        if column == "success":
            frame[column] = frame[column].astype("boolean")
        elif column == "run_at":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
        else:
            frame[column] = frame[column].astype("string")
    return frame


# ---- batch suite: one council-month's staged tables -----------------------------------------


def _previous(previous_counts: Mapping[str, int] | None, spec: TableSpec) -> int | None:
    counts = previous_counts or {}
    value = counts.get(spec.name, counts.get(spec.staging_name))
    return None if value is None or pd.isna(value) else int(value)


def _run_batch(
    context: Any,
    tables: Mapping[str, pd.DataFrame],
    la_code: str,
    extract_month: str,
    previous_counts: Mapping[str, int] | None,
    validate: Any,
) -> pd.DataFrame:
    """Validate every table present with `validate(context, spec, suite, frame)` -> suite result."""
    _check_month(extract_month)
    run_at = run_timestamp()
    rows: list[dict] = []
    for name, frame in tables.items():
        spec = _table(name)
        checks = batch_checks(
            spec.name, extract_month=extract_month, previous_count=_previous(previous_counts, spec)
        )
        suite = _suite(f"{BATCH}.{spec.staging_name}", checks)
        result = validate(context, spec, suite, batch_frame(spec.name, frame))
        rows += _result_rows(
            checks,
            result,
            la_code=la_code,
            extract_month=extract_month,
            suite=BATCH,
            table_name=spec.name,
            run_at=run_at,
        )
    return results_frame(rows)


def validate_staged_batch(
    tables: Mapping[str, pd.DataFrame],
    la_code: str,
    extract_month: str,
    previous_counts: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Run the batch suite of every staged table present (keyed by tables.yaml or staging name)
    on one ephemeral GX context; one row per expectation, in RESULT_COLUMNS.

    `previous_counts` holds the previous month's staged row count of each table for the same
    council; a table without one gets no drift check.
    """
    datasource = _staged_datasource()

    def validate(context: Any, spec: TableSpec, suite: Any, frame: pd.DataFrame) -> Any:
        definition = datasource.get_asset(spec.staging_name).get_batch_definition("council_month")
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=RESULT_FORMAT)

    return _run_batch(datasource.data_context, tables, la_code, extract_month, previous_counts, validate)


# ---- warehouse suite: conformed tables through GX's SQL datasource --------------------------


def _read_only_duckdb_connection(dbapi_connection: Any, _record: Any) -> None:
    # GX fetches a query's rows after handing its connection back (execute_query returns the
    # cursor result from inside `with engine.connect()`), and SQLAlchemy rolls the connection
    # back on the way: DuckDB drops a result on rollback, so every metric came back empty
    # ("list index out of range"). GX only reads here, so the connection need not open or
    # roll back transactions at all; DuckDB then runs each statement in autocommit.
    def no_transaction() -> None:
        return None

    dbapi_connection.begin = no_transaction
    dbapi_connection.rollback = no_transaction


@contextmanager
def _sql_datasource(context: Any, warehouse_url: str) -> Iterator[Any]:
    """A GX SQL datasource on the warehouse, disposed of (file handles and all) afterwards."""
    kwargs: dict[str, Any] = {}
    if make_url(warehouse_url).get_backend_name() == "duckdb":
        kwargs["pool_events"] = [(_read_only_duckdb_connection, "connect")]
    with warnings.catch_warnings():
        # The generic SQL datasource serves DuckDB and PostgreSQL alike; GX's SQL follows the
        # engine's dialect either way, so its advice to use add_postgres is noise here.
        warnings.filterwarnings("ignore", message="You are using a generic SQLDatasource")
        datasource = context.data_sources.add_sql(
            "warehouse", connection_string=warehouse_url, create_temp_table=False, kwargs=kwargs
        )
    try:
        yield datasource
    finally:
        engines = [datasource.get_engine()]
        if getattr(datasource, "_execution_engine", None) is not None:
            engines.append(datasource.get_execution_engine().engine)
        for engine in engines:
            engine.dispose()


def _existing_tables(warehouse_url: str, tables: list[str]) -> set[str]:
    url = make_url(warehouse_url)
    on_disk = url.get_backend_name() == "duckdb" and url.database not in (None, "", ":memory:")
    if on_disk and not Path(url.database).exists():
        return set()  # looking would create an empty database file
    warehouse = Warehouse(warehouse_url)
    try:
        with warehouse.engine.connect() as conn:
            return {t for t in tables if warehouse.table_exists(conn, *t.split(".", 1))}
    finally:
        warehouse.dispose()


def validate_warehouse(warehouse_url: str, extract_month: str) -> pd.DataFrame:
    """Run the warehouse suite on the conformed tables' rows of one extract month (every council),
    through GX's SQL datasource on DuckDB or PostgreSQL. A table not built yet gives rows with
    success null and observed 'skipped: …'. la_code is null: the suite spans every council."""
    _check_month(extract_month)
    tables = list(suites_config()[WAREHOUSE]["tables"])
    existing = _existing_tables(warehouse_url, tables)
    run_at = run_timestamp()
    rows: list[dict] = []
    common = {"extract_month": extract_month, "suite": WAREHOUSE, "run_at": run_at}
    for table in tables:
        if table not in existing:
            rows += _unrun_rows(
                warehouse_checks(table),
                success=None,
                observed="skipped: table does not exist",
                table_name=table,
                **common,
            )
    if existing:
        context = _ephemeral_context()
        with _sql_datasource(context, warehouse_url) as datasource:
            for table in (t for t in tables if t in existing):
                checks = warehouse_checks(table)
                schema, name = table.split(".", 1)
                columns = ", ".join(quote_ident(c) for c in _columns_read(checks))
                query = (
                    f"SELECT {columns} FROM {qualified(schema, name)} WHERE extract_month = '{extract_month}'"
                )
                try:
                    asset = datasource.add_query_asset(table.replace(".", "__"), query=query)
                    batch = asset.add_batch_definition_whole_table("extract_month").get_batch()
                    result = batch.validate(
                        _suite(f"{WAREHOUSE}.{table}", checks), result_format=RESULT_FORMAT
                    )
                except Exception as error:  # e.g. a column missing: the table's checks fail, the others run
                    observed = f"error: {type(error).__name__}"
                    rows += _unrun_rows(checks, success=False, observed=observed, table_name=table, **common)
                    continue
                rows += _result_rows(checks, result, la_code=None, table_name=table, **common)
    order = {t: i for i, t in enumerate(tables)}
    rows.sort(key=lambda r: order[r["table_name"]])
    return results_frame(rows)


def warehouse_slices(warehouse: Warehouse, extract_month: str) -> dict[str, pd.DataFrame]:
    """The rows of one extract month, and only the columns the warehouse suite reads, of each
    conformed table that exists: what `validate_warehouse_slices` needs."""
    _check_month(extract_month)
    tables = list(suites_config()[WAREHOUSE]["tables"])
    with warehouse.engine.connect() as conn:
        existing = [t for t in tables if warehouse.table_exists(conn, *t.split(".", 1))]
    slices = {}
    for table in existing:
        columns = [
            "extract_month",
            *(c for c in _columns_read(warehouse_checks(table)) if c != "extract_month"),
        ]
        slices[table] = warehouse.read_columnar(
            f"SELECT {', '.join(quote_ident(c) for c in columns)} FROM {qualified(*table.split('.', 1))} "
            "WHERE extract_month = :m",
            {"m": extract_month},
        )
    return slices


def validate_warehouse_slices(slices: Mapping[str, pd.DataFrame], extract_month: str) -> pd.DataFrame:
    """`validate_warehouse` - the same SQL datasource and queries - on a scratch DuckDB copy of
    the month's slices, for a process that cannot open the warehouse (DuckDB lets one process
    hold the file: a GX helper process validates while the run holds it). The scratch file is
    private to this process (mkdtemp, mode 0700) and deleted afterwards."""
    import tempfile

    import duckdb

    with tempfile.TemporaryDirectory(prefix="cp-gx-") as scratch:
        path = Path(scratch) / "slices.duckdb"
        con = duckdb.connect(str(path))
        try:
            for table, frame in slices.items():
                schema, name = table.split(".", 1)
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
                con.register("month_slice", frame)
                con.execute(f"CREATE TABLE {qualified(schema, name)} AS SELECT * FROM month_slice")
                con.unregister("month_slice")
        finally:
            con.close()
        return validate_warehouse(f"duckdb:///{path}", extract_month)


# ---- storing results ------------------------------------------------------------------------


def write_validation_results(
    warehouse: Warehouse,
    results: pd.DataFrame,
    suite: str,
    extract_month: str,
    *,
    la_code: str | None = None,
) -> int:
    """Replace one suite's rows for a month in dq.validation_result with `results`, in one
    transaction. With `la_code`, only that council's rows of the month are replaced (the batch
    suite runs council by council). Returns the number of rows written."""
    _check_month(extract_month)
    frame = results_frame(results.to_dict("records")) if len(results) else results_frame([])
    where: dict[str, object] = {"extract_month": extract_month, "suite": suite}
    if la_code is not None:
        where["la_code"] = la_code
    for column, value in where.items():
        stray = frame[column].ne(value).fillna(True)
        if stray.any():
            raise ValueError(f"{int(stray.sum())} result rows do not have {column} = {value!r}")
    with warehouse.transaction() as conn:
        warehouse.ensure_schemas(conn)
        return warehouse.replace_rows(
            conn, "dq", "validation_result", frame, where=where, column_types=VALIDATION_RESULT_TYPES
        )


# ---- Data Docs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataDocs:
    """A council-month's batch results and the Data Docs site that shows them."""

    index: Path
    results: pd.DataFrame


def build_data_docs(
    results_dir: Path,
    tables: Mapping[str, pd.DataFrame],
    la_code: str,
    extract_month: str,
    previous_counts: Mapping[str, int] | None = None,
) -> DataDocs:
    """Validate a council-month's staged tables on a file-based GX project rooted at
    `results_dir` and add them to its Data Docs site there.

    The validation runs once: its results are both rendered and returned (as
    `validate_staged_batch` returns them), so a run with Data Docs does not validate twice.
    Only this council-month's pages are rendered (plus the index); the pages of earlier months
    are left as they are, so the work does not grow with the months already in the site.
    Results are stored and rendered with RESULT_FORMAT, so no page or stored result shows a
    row's values, only counts.
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.datasource.fluent import PandasDatasource

    tune()
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(results_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if "staged" in context.data_sources.all():
        datasource = context.data_sources.get("staged")
    else:
        # A new site gets the datasource with an asset and batch definition for every table at
        # once: added one by one, each rewrote great_expectations.yml (0.4 s a new council).
        datasource = context.data_sources.add_pandas(
            datasource=PandasDatasource(name="staged", assets=_staged_assets())
        )
    suffix = f"{la_code}.{extract_month}"
    run_id = RunIdentifier(run_name=suffix, run_time=dt.datetime.now(dt.UTC))
    rendered: list[Any] = []  # this council-month's results and suites: the pages to (re)build

    def batch_definition(table: str) -> Any:
        # One asset per table, made with the site: every change to the datasource rewrites
        # great_expectations.yml, which must not grow (or be rewritten) every month. A site made
        # before a table existed gets its asset here, once.
        if table in datasource.get_asset_names():
            return datasource.get_asset(table).get_batch_definition("council_month")
        return datasource.add_dataframe_asset(table).add_batch_definition_whole_dataframe("council_month")

    def validate(context: Any, spec: TableSpec, suite: Any, frame: pd.DataFrame) -> Any:
        suite.name = f"{suite.name}.{suffix}"
        suite = context.suites.add_or_update(suite)
        batch = batch_definition(spec.staging_name).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=RESULT_FORMAT)
        # Stored as a ValidationDefinition run would store it (no definition is kept: the site
        # needs only suites and results).
        result.meta["run_id"] = run_id
        result.meta["validation_time"] = run_id.run_time
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=suite.name), run_id, batch.id)
        context.validation_results_store.set(key, result)
        rendered.extend([key, ExpectationSuiteIdentifier(name=suite.name)])
        return result

    results = _run_batch(context, tables, la_code, extract_month, previous_counts, validate)
    context.build_data_docs(resource_identifiers=rendered)
    (site,) = context.get_docs_sites_urls()
    return DataDocs(index=Path(url2pathname(urlparse(site["site_url"]).path)), results=results)
