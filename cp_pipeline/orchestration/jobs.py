"""The monthly scorecard job: every asset, for one month or a range of months, as one run."""

from __future__ import annotations

from dagster import AssetSelection, MonthlyPartitionsDefinition, define_asset_job

JOB_NAME = "monthly_scorecard"

# The run queue (dagster.yaml) lets one run with this tag write the warehouse at a time.
WRITES_WAREHOUSE = {"cp_pipeline/writes": "warehouse"}


def build_monthly_job(monthly: MonthlyPartitionsDefinition):
    # Unpartitioned assets (reference data, calendar, catalogue, bi views) are rebuilt whole in
    # the same run: they are small, and BI then always sees views that match the tables under them.
    return define_asset_job(
        JOB_NAME,
        selection=AssetSelection.all(),
        partitions_def=monthly,
        description="Land, validate and model one or more extract months, then build the scorecard and report.",
        tags=WRITES_WAREHOUSE,
    )
