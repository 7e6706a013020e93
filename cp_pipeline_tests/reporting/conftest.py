"""A tiny hand-made warehouse for the report tests, and a real headless Chromium to render it."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.indicators.catalogue import Indicator
from cp_pipeline.indicators.scorecard import SCORECARD_TYPES
from cp_pipeline.reporting import report
from cp_pipeline.reporting.formatting import months_ending
from cp_pipeline.warehouse.engine import Warehouse

LA = "E06000002"
MONTH = "2025-01"
INJECTION = '=HYPERLINK("http://example.invalid/x","click me")'

# Four indicators, one per behaviour the board must see: a percent with a target and benchmarks,
# a neutral count, a count suppressed this month, and a percent blanked by an absent extract.
TEST_CATALOGUE = {
    "CLA_COUNT": Indicator(
        "CLA_COUNT",
        "Children looked after",
        "Demand and population",
        "Children looked after at P.",
        "count",
        "neutral",
    ),
    "VISITS_6_WEEKS_PCT": Indicator(
        "VISITS_6_WEEKS_PCT",
        "Seen in the last 6 weeks",
        "Practice standards",
        "CLA seen on a statutory visit in the last 6 weeks.",
        "percent",
        "up",
        ("Visits",),
    ),
    "PEP_6_MONTHS_PCT": Indicator(
        "PEP_6_MONTHS_PCT",
        "Personal education plan",
        "Practice standards",
        "PEP in 6 months.",
        "percent",
        "up",
        ("PEPs",),
    ),
    "MISSING_CHILDREN": Indicator(
        "MISSING_CHILDREN",
        "Children who went missing",
        "Missing from care and exploitation",
        "Children missing in month.",
        "count",
        "down",
        ("Missing",),
    ),
}

# Thirteen months, oldest first, so that the last month has a value twelve months before it.
VISITS = [70, 72, 74, 71, 76, 78, 79, 77, 81, 82, 78, 75, 80]
CLA = [600, 605, 610, 612, 615, 617, 620, 622, 619, 1_230, 1_240, 1_238, 1_245]
PEP = [90, 91, 92, 93, 94, 95, 96, 97, 98, 97, 96, 95, None]
MISSING = [12, 10, 9, 11, 8, 7, 9, 6, 8, 7, 9, 8, None]


def _row(
    la_code,
    month,
    code,
    unit,
    polarity,
    value,
    *,
    numerator=None,
    denominator=None,
    last=None,
    year_ago=None,
    **extra,
):
    """One mart.scorecard_indicator row; anything not given is null (or not suppressed)."""
    return {
        "la_code": la_code,
        "extract_month": month,
        "period_end": pd.Period(month, freq="M").end_time.date(),
        "indicator_code": code,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "unit": unit,
        "polarity": polarity,
        "target": None,
        "rag": None,
        "england": None,
        "region": None,
        "stat_neighbours": None,
        "value_last_month": last,
        "value_12_months_ago": year_ago,
        "suppressed": False,
        "missing_tables": None,
    } | extra


def scorecard_rows(la_code: str = LA) -> pd.DataFrame:
    months = months_ending(MONTH, 13)
    rows = []
    for i, month in enumerate(months):
        row = partial(_row, la_code, month)
        visits_den = 500.0
        rows.append(
            row(
                "VISITS_6_WEEKS_PCT",
                "percent",
                "up",
                VISITS[i],
                numerator=VISITS[i] * visits_den / 100,
                denominator=visits_den,
                target=85.0,
                rag="green" if VISITS[i] >= 85 else "amber" if VISITS[i] >= 80 else "red",
                england=78.0,
                region=82.0,
                stat_neighbours=80.0,
                last=VISITS[i - 1] if i else None,
                year_ago=VISITS[i - 12] if i >= 12 else None,
            )
        )
        rows.append(
            row("CLA_COUNT", "count", "neutral", CLA[i], numerator=CLA[i], last=CLA[i - 1] if i else None)
        )
        last_month = i == len(months) - 1
        rows.append(
            row(
                "PEP_6_MONTHS_PCT",
                "percent",
                "up",
                PEP[i],
                numerator=None if PEP[i] is None else PEP[i],
                denominator=None if PEP[i] is None else 100.0,
                target=95.0,
                last=PEP[i - 1] if i else None,
                missing_tables="PEPs" if last_month else None,
            )
        )
        rows.append(
            row(
                "MISSING_CHILDREN",
                "count",
                "down",
                MISSING[i],
                numerator=MISSING[i],
                suppressed=last_month,
                last=MISSING[i - 1] if i else None,
            )
        )
    return pd.DataFrame(rows)


def write_warehouse(path: Path, *, with_breakdowns: bool = True) -> Warehouse:
    warehouse = Warehouse(f"duckdb:///{path}")
    with warehouse.transaction() as conn:
        warehouse.ensure_schemas(conn)
        frame = scorecard_rows()
        for month, rows in frame.groupby("extract_month"):
            warehouse.replace_rows(
                conn,
                "mart",
                "scorecard_indicator",
                rows.reset_index(drop=True),
                where={"extract_month": month},
                column_types=SCORECARD_TYPES,
            )
        if with_breakdowns:
            breakdown = pd.DataFrame(
                [
                    ("sex", "Male", 680, 54.6, False),
                    ("sex", "Female", 565, 45.4, False),
                    ("ethnicity", "White", 1000, 80.3, False),
                    ("ethnicity", "Mixed", 100, 8.0, False),
                    ("ethnicity", "Black or Black British", 140, 11.2, False),
                    ("ethnicity", INJECTION, None, None, True),
                    ("age_band", "under 1", 60, 4.8, False),
                    ("age_band", "1-4", 200, 16.1, False),
                    ("age_band", "16+", 985, 79.1, False),
                ],
                columns=["dimension", "category", "children", "percent", "suppressed"],
            ).assign(la_code=LA, extract_month=MONTH, period_end=pd.Timestamp("2025-01-31").date())
            warehouse.replace_rows(
                conn, "mart", "scorecard_breakdown", breakdown, where={"extract_month": MONTH}
            )
        quarantine = pd.DataFrame(
            [
                (
                    LA,
                    MONTH,
                    "Episodes",
                    "episodes.csv",
                    12,
                    "DECOM",
                    "E_DECOM_FUTURE",
                    "rejected",
                    "DECOM after the extract date",
                    "2026-01-01",
                    "ingest",
                ),
                (
                    LA,
                    MONTH,
                    "Episodes",
                    "episodes.csv",
                    40,
                    "DECOM",
                    "E_DECOM_FUTURE",
                    "rejected",
                    "DECOM after the extract date",
                    "2026-02-01",
                    "ingest",
                ),
                (
                    LA,
                    MONTH,
                    "Header",
                    "header.csv",
                    3,
                    "ETHNIC",
                    "H_ETHNIC_CODE",
                    "flagged",
                    INJECTION,
                    "@SUM(A1)",
                    "ingest",
                ),
            ],
            columns=[
                "la_code",
                "extract_month",
                "table_name",
                "source_file",
                "source_line",
                "column_name",
                "rule_id",
                "action",
                "message",
                "value",
                "stage",
            ],
        )
        warehouse.replace_rows(conn, "dq", "quarantine", quarantine, where={"extract_month": MONTH})
        tables = pd.DataFrame(
            [
                (LA, MONTH, "Header", True, 1300, 1300, 0),
                (LA, MONTH, "Episodes", True, 4000, 3998, 2),
                (LA, MONTH, "Visits", True, 900, 900, 0),
                (LA, MONTH, "PEPs", False, 0, 0, 0),
            ],
            columns=[
                "la_code",
                "extract_month",
                "table_name",
                "present",
                "raw_rows",
                "staged_rows",
                "rejected_rows",
            ],
        )
        warehouse.replace_rows(conn, "dq", "extract_tables", tables, where={"extract_month": MONTH})
        manifest = pd.DataFrame(
            [
                (
                    LA,
                    MONTH,
                    "header.csv",
                    "ab" * 32,
                    52_000,
                    "utf-8",
                    "Header",
                    pd.Timestamp("2025-02-03 09:15"),
                ),
                (
                    LA,
                    MONTH,
                    "episodes.csv",
                    "cd" * 32,
                    210_000,
                    "cp1252",
                    "Episodes",
                    pd.Timestamp("2025-02-03 09:15"),
                ),
            ],
            columns=[
                "la_code",
                "extract_month",
                "source_file",
                "file_sha256",
                "size_bytes",
                "encoding",
                "tables",
                "loaded_at",
            ],
        )
        warehouse.replace_rows(conn, "dq", "file_manifest", manifest, where={"extract_month": MONTH})
        checks = pd.DataFrame(
            [
                (LA, MONTH, "staging", "Episodes", "episodes_have_one_open_per_child", False, "warning"),
                (LA, MONTH, "staging", "Header", "child_ids_unique", True, "error"),
            ],
            columns=["la_code", "extract_month", "suite", "table_name", "check_name", "success", "severity"],
        )
        warehouse.replace_rows(conn, "dq", "validation_result", checks, where={"extract_month": MONTH})
        refs = pd.DataFrame(
            [(LA, "Testshire", "E12000001", "North East")],
            columns=["la_code", "la_name", "region_code", "region_name"],
        )
        warehouse.replace_rows(conn, "staging", "ref_las", refs, where={"la_code": LA})
    return warehouse


@pytest.fixture
def test_catalogue(monkeypatch):
    """The report reads this catalogue, whatever state the package's catalogue is in."""
    monkeypatch.setattr(report, "catalogue", lambda: TEST_CATALOGUE)
    return TEST_CATALOGUE


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    wh = write_warehouse(tmp_path / "cp.duckdb")
    yield wh
    wh.dispose()


@pytest.fixture
def written(warehouse, test_catalogue, tmp_path) -> dict[str, Path]:
    paths = report.write_reports(MONTH, out_dir=tmp_path / "reports", warehouse=warehouse)
    return {p.suffix: p for p in paths}


# ---- a real browser ------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "chromium: renders the report in a real headless Chromium (installed when absent)"
    )


def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path to a Chromium binary; installs the Debian package when absent and running as root."""
    found = _find_chromium()
    if found:
        return found
    if os.name != "posix" or os.geteuid() != 0:
        pytest.fail(
            "Chromium is not installed and the tests are not running as root: "
            "install it with `apt-get install -y chromium` (Debian/Ubuntu) and run again"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # pytest-xdist workers each run this fixture: one installs, the others wait and then find it.
    with open(Path(tempfile.gettempdir()) / "cp_pipeline_chromium_install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        commands = [
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
        ]
        for command in commands if not _find_chromium() else []:
            result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)
            if result.returncode != 0:
                pytest.fail(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")
    found = _find_chromium()
    if not found:
        pytest.fail("apt-get installed chromium but no chromium binary is on PATH")
    return found


# Debian's chromium is launched as it is installed: Playwright's own browser downloads are never used.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="session")
def browser(chromium):
    """A headless Chromium driven by Playwright, one per test session (or per xdist worker)."""
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()
