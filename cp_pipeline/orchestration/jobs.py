"""The monthly scorecard job: every asset, for one month or a range of months, as one run."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from cp_pipeline.orchestration.assets import MONTHLY

# The run queue (dagster.yaml) lets one run with this tag write the warehouse at a time.
WRITES_WAREHOUSE = {"cp_pipeline/writes": "warehouse"}

# Unpartitioned assets (reference data, calendar, catalogue, bi views) are rebuilt whole in the
# same run: they are small, and BI then always sees views that match the tables under them.
monthly_scorecard_job = define_asset_job(
    "monthly_scorecard",
    selection=AssetSelection.all(),
    partitions_def=MONTHLY,
    description="Land, validate and model one or more extract months, then build the scorecard and report.",
    tags=WRITES_WAREHOUSE,
)
