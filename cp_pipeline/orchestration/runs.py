"""Runs the pipeline for a range of months through Dagster, as the CLI and the tests do."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance

from cp_pipeline.extracts.landing import council_months
from cp_pipeline.settings import Settings

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class RunOutcome:
    first_month: str
    last_month: str
    councils: int
    run_id: str

    def __str__(self) -> str:
        return (
            f"materialised {self.first_month}..{self.last_month} for {self.councils} council(s) "
            f"in Dagster run {self.run_id[:8]}"
        )


def _instance() -> DagsterInstance:
    # Runs show in `dagster dev` when DAGSTER_HOME points at its instance; otherwise they are kept
    # in memory for this process only.
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return DagsterInstance.ephemeral()
    Path(home).mkdir(parents=True, exist_ok=True)  # a fresh machine has no instance folder yet
    return DagsterInstance.get()


def run_months(
    first: str | None = None,
    last: str | None = None,
    settings: Settings | None = None,
    log_level: str = "INFO",
) -> RunOutcome:
    """Materialise every asset for the months first..last in ONE Dagster run.

    `log_level` is the console's: at INFO it shows the pipeline's own messages and any warning or
    error; DEBUG adds a line for every Dagster event (~350 for a council month). The run's event
    log, which the Dagster UI reads, keeps every event either way."""
    settings = settings or Settings.from_env()
    available = council_months(settings.extracts_dir)
    months = sorted({m for ms in available.values() for m in ms})
    if not months:
        raise RuntimeError(f"no <LA_CODE>/<YYYY-MM> extract folders under {settings.extracts_dir}")
    first = first or months[0]
    last = last or months[-1]
    for label, value in (("--from", first), ("--to", last)):
        if not MONTH.match(value):
            raise ValueError(f"{label} {value!r} is not a month in the form YYYY-MM")
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")

    from cp_pipeline.orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    partitions = defs.resolve_job_def("monthly_scorecard").partitions_def
    keys = partitions.get_partition_keys() if partitions else []
    for value in (first, last):
        if value not in keys:
            raise ValueError(f"month {value} is not a partition (partitions run {keys[0]}..{keys[-1]})")

    instance = _instance()
    from cp_pipeline.long_lived import freeze_long_lived
    from cp_pipeline.orchestration.resources import dispose_warehouses

    freeze_long_lived()  # the imports, definitions and instance stay for the whole run

    try:
        monthly = defs.resolve_job_def("monthly_scorecard").execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": first,
                "dagster/asset_partition_range_end": last,
                "cp_pipeline/months": f"{first}..{last}",
            },
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            raise_on_error=True,
        )
    finally:
        dispose_warehouses()
    councils = sum(1 for ms in available.values() if any(first <= m <= last for m in ms))
    return RunOutcome(first, last, councils, monthly.run_id)
