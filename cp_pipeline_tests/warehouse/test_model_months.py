"""A SQL model over a range of months (a backfill): one transaction for all of them, and its
tests counted per month, as if each month had been built and checked alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import SqlModel, build_model_months, check_model, check_model_months

# The same child in every month; in 2026-02 twice (a duplicate key) and once with no name.
SOURCE_ROWS = [
    ("2026-01", "c1", "a"),
    ("2026-02", "c1", "b"),
    ("2026-02", "c1", None),
    ("2026-03", "c1", "d"),
]


def _model(tmp_path: Path, body: str) -> SqlModel:
    path = tmp_path / "fct_example.sql"
    path.write_text(body, encoding="utf-8")
    return SqlModel(
        name="fct_example",
        layer="warehouse",
        path=path,
        body=body,
        unique_key=("extract_month", "child"),
        not_null=("name",),
    )


@pytest.fixture
def warehouse(tmp_path):
    wh = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    with wh.transaction() as conn:
        wh.ensure_schemas(conn)
        conn.execute(sa.text("CREATE TABLE staging.example (extract_month TEXT, child TEXT, name TEXT)"))
        for row in SOURCE_ROWS:
            conn.execute(
                sa.text("INSERT INTO staging.example VALUES (:m, :c, :n)"), dict(zip("mcn", row, strict=True))
            )
    yield wh
    wh.dispose()


def _rows(wh: Warehouse) -> list[tuple]:
    with wh.engine.connect() as conn:
        if not wh.table_exists(conn, "warehouse", "fct_example"):
            return []
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM warehouse.fct_example ORDER BY ALL"))]


def test_tests_count_per_month_as_if_each_month_were_checked_alone(warehouse, tmp_path):
    model = _model(
        tmp_path,
        "SELECT extract_month, child, name FROM staging.example WHERE extract_month = {{ extract_month }}",
    )
    months = ["2026-01", "2026-02", "2026-03"]
    results = build_model_months(warehouse, model, months, {model.name: model})
    assert [(r.extract_month, r.rows) for r in results] == [("2026-01", 1), ("2026-02", 2), ("2026-03", 1)]

    together = check_model_months(warehouse, model, months)
    alone = [check_model(warehouse, model, month) for month in months]
    assert together == {"unique_key": 1, "not_null:name": 1}
    assert together == {k: sum(a[k] for a in alone) for k in together}
    # The same child in three months is not a duplicate, even with the month left out of the key.
    keyless = replace(model, unique_key=("child",))
    assert check_model_months(warehouse, keyless, ["2026-01", "2026-03"])["unique_key"] == 0


def test_a_month_that_fails_leaves_none_of_the_range_written(warehouse, tmp_path):
    # 2026-03's SQL fails (a cast DuckDB cannot do): what 2026-01 held before must stay, and
    # 2026-02 must not be written.
    body = (
        "SELECT extract_month, child, name FROM staging.example WHERE extract_month = {{ extract_month }} "
        "AND CAST(CASE WHEN {{ extract_month }} = '2026-03' THEN 'not a number' ELSE '1' END AS INTEGER) = 1"
    )
    model = _model(tmp_path, body)
    build_model_months(warehouse, model, ["2026-01"], {model.name: model})
    before = _rows(warehouse)
    assert before == [("2026-01", "c1", "a")]
    with pytest.raises(sa.exc.DBAPIError):
        build_model_months(warehouse, model, ["2026-01", "2026-02", "2026-03"], {model.name: model})
    assert _rows(warehouse) == before
