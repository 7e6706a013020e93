"""Validates one council's staged month: the DfE 903 rules and the Great Expectations batch suites,
with results in dq.validation_result and flagged rows in dq.quarantine."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.extracts.table_types import QUARANTINE_TYPES
from cp_pipeline.validation.expectations import VALIDATION_RESULT_TYPES
from cp_pipeline.validation.gx_worker import BatchOutcome, GxWorker, HelperCall, validate_batch
from cp_pipeline.warehouse.engine import Warehouse, qualified

DFE_SUITE = "dfe_903"
BATCH_SUITE = "batch"
WAREHOUSE_SUITE = "warehouse"


@dataclass(frozen=True)
class ValidationOutcome:
    la_code: str
    extract_month: str
    dfe_rules_failed: int
    dfe_rows_flagged: int
    batch_errors: int
    batch_warnings: int
    data_docs: Path | None = None


def load_staged_tables(warehouse: Warehouse, la_code: str, extract_month: str) -> dict[str, pd.DataFrame]:
    """The month's staged rows of every table the council sent (absent tables are left out)."""
    with warehouse.engine.connect() as conn:
        present = set(
            warehouse.read_frame(
                "SELECT table_name FROM dq.extract_tables WHERE la_code = :la AND extract_month = :m AND present",
                {"la": la_code, "m": extract_month},
                conn,
            )["table_name"]
        )
        tables = {}
        for name, spec in table_specs().items():
            if name not in present:
                continue
            frame = warehouse.read_columnar(
                f"SELECT * FROM {qualified('staging', spec.staging_name)} WHERE la_code = :la AND extract_month = :m",
                {"la": la_code, "m": extract_month},
            )
            for column in spec.columns:
                if column.type in ("date", "datetime") and column.staging_name in frame:
                    frame[column.staging_name] = pd.to_datetime(frame[column.staging_name])
            tables[name] = frame
    return tables


def _previous_counts(warehouse: Warehouse, la_code: str, extract_month: str) -> dict[str, int]:
    previous = (pd.Period(extract_month, freq="M") - 1).strftime("%Y-%m")
    frame = warehouse.read_frame(
        "SELECT table_name, staged_rows FROM dq.extract_tables "
        "WHERE la_code = :la AND extract_month = :m AND present",
        {"la": la_code, "m": previous},
    )
    return {t: int(n) for t, n in zip(frame["table_name"], frame["staged_rows"], strict=True)}


def _dfe_results(
    summary: pd.DataFrame, la_code: str, extract_month: str, run_at: dt.datetime
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": la_code,
            "extract_month": extract_month,
            "suite": DFE_SUITE,
            "table_name": summary["tables"].str.split(", ").str[0],
            "check_name": summary["rule_id"],
            "expectation_type": "dfe_rule",
            "success": summary["status"].isin(["passed", "skipped"]),
            "observed": summary["status"]
            + ": "
            + summary["rows_failed"].astype(str)
            + " of "
            + summary["rows_checked"].astype(str)
            + " rows",
            "severity": "warning",
            "run_at": run_at,
        }
    )


@dataclass(frozen=True)
class CouncilMonth:
    """A council-month to validate, and where its Data Docs go (None: no Data Docs)."""

    la_code: str
    extract_month: str
    data_docs_dir: Path | None = None


@dataclass
class _Pending:
    """A council-month whose DfE rules have run and whose GX batch may still be running."""

    council_month: CouncilMonth
    run_at: dt.datetime
    tables: dict[str, pd.DataFrame]
    previous: dict[str, int]
    dfe: Any
    batch: HelperCall | None


def validate_month(
    warehouse: Warehouse,
    la_code: str,
    extract_month: str,
    *,
    with_gx: bool = True,
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Run every cross-table and batch check for one council-month and store the results atomically.

    With `data_docs_dir`, also add the month to the council's Great Expectations Data Docs site
    there (counts only, never row values)."""
    (outcome,) = validate_months(
        warehouse, [CouncilMonth(la_code, extract_month, data_docs_dir)], with_gx=with_gx
    )
    return outcome


def validate_months(
    warehouse: Warehouse,
    council_months: Iterable[CouncilMonth],
    *,
    with_gx: bool = True,
    gx_worker: GxWorker | None = None,
) -> Iterator[ValidationOutcome]:
    """Validate council-months one after another, each stored atomically as it finishes.

    With a `gx_worker`, a council-month's GX batch suites run in a helper process while this
    process runs its DfE rules and reads the next council's tables; up to `gx_worker.in_flight`
    council-months are under way at once. Without one, GX runs here."""
    from cp_pipeline.validation.dfe_rules import run_dfe_rules

    pending: deque[_Pending] = deque()
    for item in council_months:
        run_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        tables = load_staged_tables(warehouse, item.la_code, item.extract_month)
        previous = _previous_counts(warehouse, item.la_code, item.extract_month) if with_gx else {}
        batch = None
        if with_gx and gx_worker is not None:
            batch = gx_worker.submit(tables, item.la_code, item.extract_month, previous, item.data_docs_dir)
        dfe = run_dfe_rules(tables, item.la_code, item.extract_month)
        pending.append(_Pending(item, run_at, tables, previous, dfe, batch))
        while len(pending) > (gx_worker.in_flight if gx_worker is not None else 0):
            yield _store(warehouse, pending.popleft(), with_gx)
    while pending:
        yield _store(warehouse, pending.popleft(), with_gx)


def _batch_outcome(item: _Pending) -> BatchOutcome:
    if item.batch is not None:
        return item.batch.result()
    cm = item.council_month
    return validate_batch(item.tables, cm.la_code, cm.extract_month, item.previous, cm.data_docs_dir)


def _store(warehouse: Warehouse, item: _Pending, with_gx: bool) -> ValidationOutcome:
    """Store one council-month's DfE flags and every suite's results in one transaction."""
    la_code, extract_month = item.council_month.la_code, item.council_month.extract_month
    run_at, dfe = item.run_at, item.dfe
    results = [_dfe_results(dfe.summary, la_code, extract_month, run_at)]
    data_docs = None
    if with_gx:
        batch = _batch_outcome(item)
        results.append(batch.results.reindex(columns=list(VALIDATION_RESULT_TYPES)))
        data_docs = batch.data_docs
    combined = pd.concat(results, ignore_index=True)
    combined["run_at"] = run_at
    flagged = dfe.violations.copy()
    flagged["stage"] = "dfe_rules"
    where = {"la_code": la_code, "extract_month": extract_month}
    with warehouse.transaction(catalogue_cache=True) as conn:
        warehouse.replace_rows(
            conn,
            "dq",
            "quarantine",
            flagged,
            where=where | {"stage": "dfe_rules"},
            column_types=QUARANTINE_TYPES,
        )
        for suite in combined["suite"].unique():
            warehouse.replace_rows(
                conn,
                "dq",
                "validation_result",
                combined[combined["suite"] == suite],
                where=where | {"suite": suite},
                column_types=VALIDATION_RESULT_TYPES,
            )
    batch_rows = combined[combined["suite"] == BATCH_SUITE]
    return ValidationOutcome(
        la_code,
        extract_month,
        dfe_rules_failed=int((dfe.summary["status"] == "failed").sum()),
        dfe_rows_flagged=len(dfe.violations),
        batch_errors=int((~batch_rows["success"].astype(bool) & (batch_rows["severity"] == "error")).sum()),
        batch_warnings=int(
            (~batch_rows["success"].astype(bool) & (batch_rows["severity"] == "warning")).sum()
        ),
        data_docs=data_docs,
    )


def validate_warehouse_month(
    warehouse: Warehouse, extract_month: str, *, gx_worker: GxWorker | None = None
) -> pd.DataFrame:
    """The warehouse suite for a month (every council), in a GX helper when there is one (the
    run's own process then never imports GX), and its results stored in dq.validation_result."""
    return next(validate_warehouse_months(warehouse, [extract_month], gx_worker=gx_worker))[1]


def validate_warehouse_months(
    warehouse: Warehouse, months: Iterable[str], *, gx_worker: GxWorker | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """`validate_warehouse_month` for each month `months` gives, yielding (month, results). With
    a helper, a month's suite runs there while `months` makes the next month (a lazy iterable:
    the run writes the next month's scorecard meanwhile); results are stored as they come back."""
    from cp_pipeline.validation.expectations import validate_warehouse, write_validation_results

    def store(month: str, results: pd.DataFrame) -> tuple[str, pd.DataFrame]:
        write_validation_results(warehouse, results, WAREHOUSE_SUITE, month)
        return month, results

    if gx_worker is None:
        for month in months:
            yield store(month, validate_warehouse(warehouse.url, month))
        return
    waiting = None  # (month, HelperCall) sent to the helper, not yet stored
    for month in months:
        call = gx_worker.warehouse_suite(warehouse, month)
        if waiting is not None:
            yield store(waiting[0], waiting[1].result())
        waiting = (month, call)
    if waiting is not None:
        yield store(waiting[0], waiting[1].result())
