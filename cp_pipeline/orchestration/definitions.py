"""Assembles the Definitions object from assets, jobs, schedules, sensors and resources."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from cp_pipeline.settings import Settings


def build_definitions(settings: Settings | None = None) -> Definitions:
    from cp_pipeline.orchestration.assets import build_assets
    from cp_pipeline.orchestration.freshness import extract_freshness, freshness_job, freshness_schedule
    from cp_pipeline.orchestration.jobs import build_monthly_job
    from cp_pipeline.orchestration.partitions import first_extract_month, monthly_partitions
    from cp_pipeline.orchestration.resources import default_resources
    from cp_pipeline.orchestration.schedules import monthly_scorecard_schedule
    from cp_pipeline.orchestration.sensors import new_extract_sensor

    settings = settings or Settings.from_env()
    monthly = monthly_partitions(first_extract_month(settings))
    return Definitions(
        assets=build_assets(monthly),
        asset_checks=[extract_freshness],
        jobs=[build_monthly_job(monthly), freshness_job],
        schedules=[monthly_scorecard_schedule, freshness_schedule],
        sensors=[new_extract_sensor],
        resources=default_resources(settings),
        # One process per run: a month's ~80 steps share a warehouse connection instead of
        # starting 80 Python processes (DuckDB also allows only one writing process).
        executor=in_process_executor,
    )
