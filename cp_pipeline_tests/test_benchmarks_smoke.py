"""The benchmark suite's smoke run completes and prints one parseable JSON line per figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    "council_month",
    "council_backfill",
    "council_backfill_month_1",
    "council_backfill_month_last",
    "national_month_duckdb",
    "national_month_postgres",
    "dagster_overhead",
    "peer_903_validation",
}
MEASURED_FIELDS = (
    "wall_seconds",
    "cpu_seconds",
    "peak_rss_bytes",
    "peak_tree_rss_bytes",
    "rows",
    "rows_per_second",
    "cores",
)


def test_the_smoke_benchmark_prints_a_figure_or_a_reason_for_every_scenario(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    errors = [r for r in records if "error" in r]
    assert result.returncode == 0 and not errors, (errors, result.stderr[-3000:])
    assert {r["scenario"] for r in records} == EXPECTED
    for record in records:
        assert record["smoke"] is True and isinstance(record["cores"], int) and record["cores"] >= 1
        assert record["calibration_seconds"] > 0 and record["cpu_model"], record["scenario"]
        if "skipped" in record:
            assert record["skipped"], record
            continue
        for name in MEASURED_FIELDS:
            assert isinstance(record[name], int | float) and record[name] > 0, (record["scenario"], name)
    overhead = next(r for r in records if r["scenario"] == "dagster_overhead")
    assert overhead["ratio_wall"] > 0 and overhead["direct_wall_seconds"] > 0
