"""The same generated month through Dagster on DuckDB and on a real PostgreSQL gives the same tables."""

from __future__ import annotations

import pandas as pd
import pytest

from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.orchestration.runs import run_months
from cp_pipeline.settings import Settings
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import load_models

MONTH = "2025-06"
# Columns that record when something ran, not what the data says.
VOLATILE = {"loaded_at", "run_at"}


def _normalised(warehouse: Warehouse, table: str) -> pd.DataFrame:
    frame = warehouse.read_frame(f"SELECT * FROM {table}")
    frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE])
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values) or pd.api.types.is_integer_dtype(values):
            frame[column] = pd.to_numeric(values).astype(float).round(6)
        elif pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype(bool)
        else:
            frame[column] = values.map(lambda v: None if v is None or v != v else str(v)[:19])
    frame = frame.astype(object).where(frame.notna(), None).astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.postgres
def test_duckdb_and_postgresql_build_identical_warehouses(tmp_path, postgres_url):
    generate(tmp_path / "data", seed=5, las=1, months=1, end_month=MONTH)
    engines = {}
    for name, url in (("duckdb", f"duckdb:///{tmp_path}/cp.duckdb"), ("postgresql", postgres_url)):
        settings = Settings(
            extracts_dir=tmp_path / "data" / "extracts",
            reference_dir=tmp_path / "data" / "reference",
            warehouse_url=url,
            reports_dir=tmp_path / f"reports_{name}",
            data_docs_dir=tmp_path / f"data_docs_{name}",
        )
        run_months(MONTH, MONTH, settings)
        engines[name] = Warehouse(url)
    tables = [f"{m.schema}.{m.name}" for m in load_models().values()]
    tables += ["mart.scorecard_indicator", "mart.scorecard_breakdown", "dq.quarantine", "dq.extract_tables"]
    # The raw tables too: an extract's blank cell is an empty string on both engines, not NULL on
    # one of them.
    tables += [f"raw.{spec.staging_name}" for spec in table_specs().values()]
    try:
        for table in tables:
            duck = _normalised(engines["duckdb"], table)
            pg = _normalised(engines["postgresql"], table)
            assert list(duck.columns) == list(pg.columns), table
            pd.testing.assert_frame_equal(duck, pg, obj=table)
        assert len(_normalised(engines["duckdb"], "mart.scorecard_indicator")) >= 51
    finally:
        for warehouse in engines.values():
            warehouse.dispose()
