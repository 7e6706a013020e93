"""Jobs: the monthly scorecard job (every partitioned asset) and the reference refresh job."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from cp_pipeline.orchestration.partitions import SINGLE_RUN  # noqa: F401  (documented here)

# Reference data, the calendar and the catalogue are not monthly: they are rebuilt whole.
REFERENCE_SELECTION = AssetSelection.keys(
    ["staging", "reference_data"], ["warehouse", "dim_date"], ["mart", "indicator_catalogue"]
)

reference_job = define_asset_job(
    "refresh_reference",
    selection=REFERENCE_SELECTION,
    description="Reload reference data, the working-day calendar and the indicator catalogue.",
)

monthly_scorecard_job = define_asset_job(
    "monthly_scorecard",
    selection=AssetSelection.all() - REFERENCE_SELECTION - AssetSelection.groups("bi"),
    description="Land, validate and model one or more extract months, then build the scorecard.",
    tags={"cp_pipeline/job": "monthly_scorecard"},
)
