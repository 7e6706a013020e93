"""Validates one council's staged month: the DfE 903 rules and the Great Expectations batch suites,
with results in dq.validation_result and flagged rows in dq.quarantine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.extracts.table_types import QUARANTINE_TYPES
from cp_pipeline.validation.expectations import VALIDATION_RESULT_TYPES
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


def validate_month(
    warehouse: Warehouse,
    la_code: str,
    extract_month: str,
    *,
    with_gx: bool = True,
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Run every cross-table and batch check for one council-month and store the results atomically.

    With `data_docs_dir`, also (re)build the council's Great Expectations Data Docs site there
    (counts only, never row values)."""
    from cp_pipeline.validation.dfe_rules import run_dfe_rules

    run_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    tables = load_staged_tables(warehouse, la_code, extract_month)
    dfe = run_dfe_rules(tables, la_code, extract_month)
    results = [_dfe_results(dfe.summary, la_code, extract_month, run_at)]
    data_docs = None
    if with_gx:
        from cp_pipeline.validation.expectations import build_data_docs, validate_staged_batch

        previous = _previous_counts(warehouse, la_code, extract_month)
        batch = validate_staged_batch(tables, la_code, extract_month, previous)
        results.append(batch.reindex(columns=list(VALIDATION_RESULT_TYPES)))
        if data_docs_dir is not None:
            data_docs = build_data_docs(Path(data_docs_dir) / la_code, tables, la_code, extract_month, previous)
    combined = pd.concat(results, ignore_index=True)
    combined["run_at"] = run_at
    flagged = dfe.violations.copy()
    flagged["stage"] = "dfe_rules"
    where = {"la_code": la_code, "extract_month": extract_month}
    with warehouse.transaction() as conn:
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
