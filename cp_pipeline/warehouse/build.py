"""Builds the warehouse and scorecard for months without Dagster: the same SQL the assets run.

Used by tests that prove definitions on small hand-made extracts, and by the benchmark that
measures Dagster's overhead against running the same work directly.
"""

from __future__ import annotations

from pathlib import Path

from cp_pipeline.extracts.landing import council_months, land_month
from cp_pipeline.extracts.reference import load_reference
from cp_pipeline.indicators.scorecard import write_catalogue, write_scorecard
from cp_pipeline.warehouse.calendar import load_dim_date
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import build_model, build_models, load_models, refresh_source_statistics


def build_reference(warehouse: Warehouse, reference_dir: Path) -> None:
    load_reference(warehouse, reference_dir)
    load_dim_date(warehouse)
    write_catalogue(warehouse)
    for model in load_models().values():
        if not model.partitioned and model.materialized == "table":
            build_model(warehouse, model, None)


def build_month(warehouse: Warehouse, extract_month: str, *, publish: bool = False) -> None:
    """Every partitioned model for the month, in dependency order, then the scorecard."""
    models = load_models()
    partitioned = [m for m in models.values() if m.partitioned]
    refresh_source_statistics(warehouse, partitioned)
    # As the run's models step builds them: side by side where they do not depend on each other.
    for _ in build_models(warehouse, partitioned, [extract_month], models, with_tests=False):
        pass
    write_scorecard(warehouse, extract_month, publish=publish)


def build_views(warehouse: Warehouse) -> None:
    for model in load_models().values():
        if model.is_plain_view:
            build_model(warehouse, model, None)


def run_directly(
    warehouse: Warehouse, extracts_dir: Path, reference_dir: Path, months: list[str] | None = None
) -> None:
    """Land, stage, model and score every month (or the given ones), with no orchestration."""
    available = council_months(extracts_dir)
    all_months = sorted({m for ms in available.values() for m in ms})
    build_reference(warehouse, reference_dir)
    for month in months or all_months:
        for la_code, la_months in available.items():
            if month in la_months:
                land_month(warehouse, extracts_dir / la_code / month, la_code, month)
        build_month(warehouse, month)
    build_views(warehouse)
