"""Real Dagster runs over generated messy extracts: nothing lost, bad rows contained, re-runs identical."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterInstance
from typer.testing import CliRunner

from cp_pipeline.cli import app
from cp_pipeline.indicators.catalogue import catalogue
from cp_pipeline.orchestration.runs import run_months
from cp_pipeline.settings import Settings
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline_tests.fixtures.dagster_home import dagster_home

# Two months either side of 1 April 2024: SEX is written 1/2 in March and M/F in April.
FIRST, LAST = "2024-03", "2024-04"


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    generate(root / "data", seed=11, las=1, months=2, end_month=LAST, messy=True)
    settings = Settings(
        extracts_dir=root / "data" / "extracts",
        reference_dir=root / "data" / "reference",
        warehouse_url=f"duckdb:///{root}/cp.duckdb",
        reports_dir=root / "reports",
        data_docs_dir=root / "data_docs",
    )
    console = io.StringIO()  # Dagster's console logger writes to whatever sys.stderr is
    home = dagster_home(root / "dagster_home")  # kept, so that tests can read the run's events
    with redirect_stderr(console), pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        outcome = run_months(FIRST, LAST, settings)
    (root / "console.txt").write_text(console.getvalue())
    manifest = json.loads((root / "data" / "messy_manifest.json").read_text())
    warehouse = Warehouse(settings.warehouse_url)
    yield settings, outcome, manifest, warehouse
    warehouse.dispose()


def _table_state(warehouse: Warehouse, table: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = warehouse.read_frame(f"SELECT * FROM {table}").drop(columns=list(drop), errors="ignore")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True).astype(str)


def test_the_scorecard_has_one_row_per_council_month_and_indicator(messy_run):
    _, _, _, warehouse = messy_run
    rows = warehouse.read_frame("SELECT la_code, extract_month, indicator_code FROM mart.scorecard_indicator")
    assert not rows.duplicated().any()
    assert sorted(rows["extract_month"].unique()) == [FIRST, LAST]
    for _, month in rows.groupby("extract_month"):
        assert set(month["indicator_code"]) == set(catalogue())
    cla = warehouse.read_frame(
        "SELECT extract_month, value FROM mart.scorecard_indicator WHERE indicator_code = 'CLA_COUNT'"
    )
    assert cla["value"].between(600, 900).all()


def test_every_injected_fault_is_rejected_at_its_file_and_line(messy_run):
    _, _, manifest, warehouse = messy_run
    quarantine = warehouse.read_frame(
        "SELECT extract_month, source_file, source_line, action, rule_id FROM dq.quarantine"
    )
    rejected = [r for r in manifest["invalid_rows"] if r["action"] == "rejected"]
    assert len(rejected) >= 5
    assert {r["fault"] for r in rejected} >= {
        "blank_required",
        "unreadable_value",
        "code_not_in_list",
        "end_before_start",
        "dob_after_month_end",
    }
    for row in rejected:
        hits = quarantine[
            (quarantine["extract_month"] == row["extract_month"])
            & (quarantine["source_file"] == Path(row["file"]).name)
            & (quarantine["source_line"] == row["line"])
            & (quarantine["action"] == "rejected")
        ]
        assert len(hits), f"{row['fault']} at {row['file']}:{row['line']} was not rejected"


def test_flagged_faults_stay_in_staging_and_are_listed(messy_run):
    _, _, manifest, warehouse = messy_run
    flagged = [r for r in manifest["invalid_rows"] if r["action"] == "flagged"]
    assert flagged
    quarantine = warehouse.read_frame(
        "SELECT extract_month, source_file, source_line FROM dq.quarantine WHERE action = 'flagged'"
    )
    for row in flagged:
        staged = warehouse.read_frame(
            f"SELECT COUNT(*) AS n FROM staging.{_staging_name(row['table'])} "
            "WHERE extract_month = :m AND source_line = :l",
            {"m": row["extract_month"], "l": row["line"]},
        )["n"].iloc[0]
        assert staged == 1, f"flagged row {row['file']}:{row['line']} left staging"
        hits = quarantine[
            (quarantine["extract_month"] == row["extract_month"])
            & (quarantine["source_file"] == Path(row["file"]).name)
            & (quarantine["source_line"] == row["line"])
        ]
        assert len(hits), f"{row['fault']} at {row['file']}:{row['line']} was not flagged"


def _staging_name(table: str) -> str:
    from cp_pipeline.extracts.specs import table_spec

    return table_spec(table).staging_name


def test_raw_rows_are_staged_or_rejected_for_every_table_and_month(messy_run):
    _, _, _, warehouse = messy_run
    counts = warehouse.read_frame("SELECT * FROM dq.extract_tables WHERE present")
    assert len(counts) >= 40
    assert (counts["raw_rows"] == counts["staged_rows"] + counts["rejected_rows"]).all()
    assert counts["rejected_rows"].sum() >= 5


def test_rerunning_a_month_gives_the_same_tables(messy_run):
    settings, _, _, warehouse = messy_run
    tables = {
        "mart.scorecard_indicator": (),
        "mart.scorecard_breakdown": (),
        "warehouse.fct_child_month": (),
        "warehouse.fct_episode": (),
        "staging.episodes": (),
        "dq.quarantine": (),
        "dq.file_manifest": ("loaded_at",),
    }
    before = {t: _table_state(warehouse, t, drop) for t, drop in tables.items()}
    warehouse.dispose()
    run_months(LAST, LAST, settings)
    for table, drop in tables.items():
        pd.testing.assert_frame_equal(before[table], _table_state(warehouse, table, drop), obj=table)


def test_the_ui_shows_rows_written_for_tables_and_no_rows_for_views(messy_run):
    """A staging model is a view: its materialisation says so, rather than "0 rows written"."""
    settings, outcome, _, _ = messy_run
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(settings.reports_dir.parent / "dagster_home"))
        instance = DagsterInstance.get()
        try:
            metadata = {
                "/".join(m.asset_key.path): m.metadata
                for e in instance.all_logs(outcome.run_id)
                if e.dagster_event and e.dagster_event.is_step_materialization
                for m in [e.dagster_event.step_materialization_data.materialization]
            }
        finally:
            instance.dispose()
    assert metadata["staging/stg_episodes"]["materialized"].value == "view"
    assert "rows_written" not in metadata["staging/stg_episodes"]
    assert metadata["warehouse/fct_episode"]["rows_written"].value > 0


def test_the_run_writes_the_board_report(messy_run):
    settings, _, _, _ = messy_run
    html = sorted(settings.reports_dir.glob(f"scorecard_*_{LAST}.html"))
    assert html and html[0].stat().st_size > 10_000


def test_the_console_shows_the_pipelines_messages_and_every_event_only_when_asked(messy_run):
    settings, _, _, _ = messy_run
    console = (settings.reports_dir.parent / "console.txt").read_text()
    assert f"{LAST}: landed" in console and " - INFO - " in console
    assert " - DEBUG - " not in console and "STEP_START" not in console

    verbose = io.StringIO()
    with redirect_stderr(verbose):
        run_months(LAST, LAST, settings, log_level="DEBUG")
    assert " - DEBUG - " in verbose.getvalue() and "STEP_START" in verbose.getvalue()


def test_a_month_with_no_partition_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["run", "--from", "2024-13", "--extracts", str(tmp_path)])
    assert result.exit_code != 0
    result = CliRunner().invoke(app, ["run", "--extracts", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no <LA_CODE>/<YYYY-MM> extract folders" in result.output
