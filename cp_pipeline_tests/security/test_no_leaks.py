"""No child's id, UPN or date of birth leaves the restricted schemas: real Dagster runs over
generated (messy) extracts, then every log, event, metadata value, report, Data Docs page, bi
view and mart table is scanned for them.

Two runs: one pseudonymised (the set-up for a shared BI server), where not even raw, staging,
dq or warehouse may hold a real child id, UPN or full postcode; and one without a key, where
those schemas hold them by design but nothing else may (bi shows CMS child ids then: that is
what the key is for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterInstance
from dagster._serdes import serialize_value

from cp_pipeline.extracts.pseudonymise import pseudonym
from cp_pipeline.orchestration.runs import run_months
from cp_pipeline.settings import Settings
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline_tests.fixtures.dagster_home import dagster_home
from cp_pipeline_tests.security.leaks import (
    Identifiers,
    Leak,
    event_dates_from_extracts,
    identifiers_from_headers,
    postcodes_from_episodes,
    scan_folder,
    scan_frame,
    scan_text,
    scan_value,
)

FIRST, LAST = "2025-05", "2025-06"
KEY = "a test-only pseudonymisation key, never a real one"
RESTRICTED = ("raw", "staging", "dq", "warehouse")
# A bi date column "is" a date of birth when it equals the row's own child's date of birth on
# more rows than coincidence explains (birth_month of a child born on the 1st, a care period
# starting on the day of birth: a few percent).
DOB_COLUMN_SHARE = 0.10


@dataclass
class Run:
    name: str
    key: str | None
    root: Path
    settings: Settings
    identifiers: Identifiers
    event_dates: set[dt.date]
    event_log: list[tuple[str, str]]  # (where, serialised event or run record)

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    def text_tokens(self) -> dict[str, str]:
        """Ids, UPNs and the dates of birth that free text cannot mistake for another date:
        not an event date of the extracts (a DECOM in a data quality message may fall on some
        child's birthday), nor a date every run prints (month starts and ends, today)."""
        ambiguous = self.event_dates | {dt.date.today()}
        for month in pd.period_range(FIRST, LAST, freq="M"):
            ambiguous |= {month.start_time.date(), month.end_time.date()}
        return self.identifiers.without_dates(ambiguous).tokens()

    def id_tokens(self) -> dict[str, str]:
        return {t: kind for t, kind in self.identifiers.tokens().items() if kind != "date of birth"}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("leak_extracts")
    generate(root, seed=5, las=1, months=2, end_month=LAST, messy=True)
    return root


def _materialise(name: str, key: str | None, data: Path, root: Path) -> Run:
    home = dagster_home(root / "dagster_home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        env.setenv("CP_EXTRACTS_DIR", str(data / "extracts"))
        env.setenv("CP_REFERENCE_DIR", str(data / "reference"))
        env.setenv("CP_WAREHOUSE_URL", f"duckdb:///{root}/cp.duckdb")
        env.setenv("CP_REPORTS_DIR", str(root / "reports"))
        env.setenv("CP_DATA_DOCS_DIR", str(root / "data_docs"))
        env.delenv("CP_PSEUDONYMISATION_KEY_FILE", raising=False)
        if key:
            env.setenv("CP_PSEUDONYMISATION_KEY", key)
        else:
            env.delenv("CP_PSEUDONYMISATION_KEY", raising=False)
        settings = Settings.from_env()
        run_months(FIRST, LAST)
        instance = DagsterInstance.get()
        event_log = []
        for record in instance.get_runs():
            short = record.run_id[:8]
            event_log.append((f"run {short}", serialize_value(record)))
            for event in instance.all_logs(record.run_id):
                event_log.append((f"event log of run {short}", serialize_value(event)))
                if event.dagster_event and event.dagster_event.is_step_materialization:
                    materialization = event.dagster_event.step_materialization_data.materialization
                    event_log.append((f"metadata of {short}", str(materialization.metadata)))
        instance.dispose()
    extracts = data / "extracts"
    identifiers = identifiers_from_headers(extracts)
    return Run(name, key, root, settings, identifiers, event_dates_from_extracts(extracts), event_log)


@pytest.fixture(scope="module", params=["pseudonymised", "not pseudonymised"])
def run(request, extracts, tmp_path_factory) -> Run:
    key = KEY if request.param == "pseudonymised" else None
    return _materialise(request.param, key, extracts, tmp_path_factory.mktemp("leak_run"))


def _report(leaks: list[Leak]) -> str:
    shown = sorted({str(leak) for leak in leaks})
    return f"{len(shown)} leaks, e.g.:\n" + "\n".join(shown[:20])


def test_the_scan_finds_identifiers_where_they_are(extracts):
    """The scanner is not vacuous: the council's own Header files are full of them."""
    ids = identifiers_from_headers(extracts / "extracts")
    assert len(ids.child_ids) > 500 and len(ids.upns) > 500 and len(ids.dates_of_birth) > 500
    leaks = scan_folder(extracts / "extracts", "extracts", ids.tokens())
    assert {leak.kind for leak in leaks} == {"child id", "UPN", "date of birth"}
    assert not scan_text("11000045 p_1100004 1100004x 1795461361.1100004", "t", {"1100004": "child id"})
    assert scan_text("child 1100004.0 at line 3", "t", {"1100004": "child id"})
    assert scan_text("child 1100004, line 3", "t", {"1100004": "child id"})


def test_the_dagster_event_log_and_metadata_hold_no_child_identifier(run):
    assert len(run.event_log) > 100
    tokens = run.text_tokens()
    leaks = [leak for where, text in run.event_log for leak in scan_text(text, where, tokens)]
    assert not leaks, _report(leaks)


def test_captured_logs_and_dagster_storage_hold_no_child_identifier(run):
    assert any(run.dagster_home.rglob("compute_logs/*")), "no captured logs to scan"
    leaks = scan_folder(run.dagster_home, "DAGSTER_HOME", run.text_tokens())
    assert not leaks, _report(leaks)


def test_the_board_reports_hold_no_child_identifier(run):
    reports = run.settings.reports_dir
    assert sorted(p.suffix for p in reports.iterdir()) == [".html", ".html", ".xlsx", ".xlsx"]
    leaks = scan_folder(reports, "reports", run.text_tokens())
    assert not leaks, _report(leaks)


def test_data_docs_hold_no_child_identifier(run):
    docs = getattr(run.settings, "data_docs_dir", None)
    if docs is None or not Path(docs).exists():
        pytest.skip("this run wrote no Great Expectations Data Docs")
    leaks = scan_folder(Path(docs), "data_docs", run.text_tokens())
    assert not leaks, _report(leaks)


def _tables(warehouse: Warehouse, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    frame = warehouse.read_frame(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({', '.join(repr(s) for s in schemas)}) ORDER BY 1, 2"
    )
    return list(frame.itertuples(index=False, name=None))


def _is_date_column(values: pd.Series) -> bool:
    sample = values.dropna().head(50)
    return len(sample) > 0 and all(isinstance(v, dt.date) for v in sample)


def _dob_columns(frame: pd.DataFrame, where: str, dob_of: pd.Series) -> list[Leak]:
    """Date columns of a child-level view that equal the row's own child's date of birth."""
    leaks = []
    for column in [c for c in frame.columns if _is_date_column(frame[c])]:
        same = (pd.to_datetime(frame[column]).dt.date == dob_of).mean()
        if same > DOB_COLUMN_SHARE:
            leaks.append(Leak(f"{where}.{column} ({same:.0%} of rows)", "date of birth", "column"))
    return leaks


def test_bi_views_and_marts_hold_no_child_identifier(run):
    warehouse = Warehouse(run.settings.warehouse_url)
    ids = run.identifiers
    by_pseudonym = {pseudonym(c, run.key): dob for c, dob in ids.dob_by_child.items()} if run.key else {}
    tokens = run.text_tokens()
    dob_tokens = {t: k for t, k in tokens.items() if k == "date of birth"}
    leaks: list[Leak] = []
    try:
        tables = _tables(warehouse, ("bi", "mart"))
        assert {t for _, t in tables} >= {"scorecard_indicator", "children_looked_after", "placements"}
        for schema, table in tables:
            frame = warehouse.read_frame(f'SELECT * FROM {schema}."{table}"')
            assert len(frame), f"{schema}.{table} is empty: nothing was scanned"
            where = f"{schema}.{table}"
            if "child_id" in frame.columns:
                if run.key:
                    leaks += scan_frame(frame, where, run.id_tokens())
                    dob_of = frame["child_id"].map(by_pseudonym)
                    assert dob_of.notna().all(), "a bi child_id is not the pseudonym of a generated child"
                else:
                    # Without a key bi shows CMS child ids; never UPNs.
                    leaks += scan_frame(frame, where, {u: "UPN" for u in ids.upns})
                    dob_of = frame["child_id"].map(ids.dob_by_child)
                leaks += _dob_columns(frame, where, dob_of)
                # Event dates (care and placement starts) may fall on some child's birthday; a
                # date of birth written into any other column may not.
                other = [c for c in frame.columns if not _is_date_column(frame[c])]
                leaks += scan_frame(frame[other], where, dob_tokens)
            else:
                leaks += scan_frame(frame, where, tokens)
    finally:
        warehouse.dispose()
    assert not leaks, _report(leaks)


def test_pseudonymisation_leaves_no_child_id_upn_or_full_postcode_in_any_schema(run, extracts):
    if not run.key:
        pytest.skip("only a pseudonymised run keeps ids out of raw, staging, dq and warehouse")
    postcodes = postcodes_from_episodes(extracts / "extracts")
    ids = run.id_tokens()
    warehouse = Warehouse(run.settings.warehouse_url)
    leaks: list[Leak] = []
    try:
        for schema, table in _tables(warehouse, (*RESTRICTED, "mart", "bi")):
            frame = warehouse.read_frame(f'SELECT * FROM {schema}."{table}"')
            where = f"{schema}.{table}"
            for column in frame.columns:
                values = frame[column].dropna()
                if values.empty or not isinstance(values.iloc[0], str):
                    continue
                for value in values.unique():
                    cleaned = value.strip().removesuffix(".0")
                    if cleaned in ids:
                        leaks.append(Leak(f"{where}.{column}", ids[cleaned], cleaned))
                    elif value.upper().replace(" ", "") in postcodes:
                        leaks.append(Leak(f"{where}.{column}", "full postcode", value))
                    else:
                        leaks += scan_value(value, f"{where}.{column}", ids)
        children = warehouse.read_frame("SELECT child FROM warehouse.dim_child")["child"]
        assert children.str.fullmatch(r"p_[0-9a-f]{20}").all()
    finally:
        warehouse.dispose()
    assert not leaks, _report(leaks)


def test_rejected_personal_values_stay_in_dq(run):
    """A rejected date of birth (a fault the generator injects into Header and Reviews) is kept in
    dq.quarantine for the council's DQ team (removed there too when pseudonymised), and never
    shown in the board report, a log or the event log."""
    from cp_pipeline.extracts.specs import table_spec
    from cp_pipeline.validation.quarantine import is_personal

    warehouse = Warehouse(run.settings.warehouse_url)
    try:
        quarantine = warehouse.read_frame(
            "SELECT table_name, column_name, value FROM dq.quarantine WHERE stage = 'ingest'"
        )
    finally:
        warehouse.dispose()
    personal = quarantine[
        [
            is_personal(table_spec(t).column(c))
            for t, c in zip(quarantine["table_name"], quarantine["column_name"], strict=True)
        ]
    ]
    assert len(personal) >= 2, "the messy extracts should carry rejected dates of birth"
    if run.key:
        assert personal["value"].isna().all()
        return
    tokens = {str(v).strip(): "rejected personal value" for v in personal["value"].dropna()}
    assert tokens
    leaks = scan_folder(run.settings.reports_dir, "reports", tokens)
    leaks += scan_folder(run.dagster_home, "DAGSTER_HOME", tokens)
    leaks += [leak for where, text in run.event_log for leak in scan_text(text, where, tokens)]
    assert not leaks, _report(leaks)
