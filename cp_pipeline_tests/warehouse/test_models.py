import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from cp_pipeline.warehouse.calendar import build_dim_date, load_dim_date
from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline.warehouse.models import load_models, month_bounds, parse_model, render


def test_models_are_in_dependency_order():
    names = list(load_models())
    for name, model in load_models().items():
        for ref in model.refs:
            assert names.index(ref) < names.index(name), f"{name} built before {ref}"


def test_a_partitioned_reference_reads_only_its_month(tmp_path: Path):
    path = tmp_path / "fct_x.sql"
    path.write_text("/*\ndescription: x\n*/\nSELECT * FROM {{ source('staging', 'episodes') }} AS e")
    model = parse_model(path, "warehouse")
    sql = render(model.body, {}, "duckdb", "2024-03")
    assert "WHERE extract_month = '2024-03'" in sql
    assert model.sources == (("staging", "episodes"),)
    # The compiled template is kept for the next month (a backfill renders each model monthly).
    assert "WHERE extract_month = '2024-04'" in render(model.body, {}, "duckdb", "2024-04")
    assert "extract_month" not in render(model.body, {}, "duckdb", None)


def test_month_bounds_give_the_period_end():
    assert month_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_bounds("2024-12") == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-02-28", -6, "2024-08-28"),
        ("2024-07-31", 6, "2025-01-31"),
        ("2024-10-15", 3, "2025-01-15"),
        ("2024-08-31", -6, "2024-02-29"),
    ],
)
def test_month_arithmetic_clamps_like_the_spec(warehouse, start, months, expected):
    sql = render(
        "SELECT {{ add_months(\"DATE '" + start + "'\", " + str(months) + ") }} AS d",
        {},
        warehouse.dialect,
        None,
    )
    assert warehouse.read_frame(sql)["d"].iloc[0] == dt.date.fromisoformat(expected)


def test_twentieth_working_day_skips_christmas_bank_holidays(warehouse):
    load_dim_date(warehouse)
    sql = """
        SELECT later.date_day FROM warehouse.dim_date AS d
        JOIN warehouse.dim_date AS later
          ON later.working_day_number = d.working_day_number + 20 AND later.is_working_day
        WHERE d.date_day = DATE '2024-12-20'
    """
    assert warehouse.read_frame(sql)["date_day"].iloc[0] == dt.date(2025, 1, 22)


def test_age_in_whole_years(warehouse):
    sql = render(
        "SELECT {{ age_years(\"DATE '2010-03-01'\", \"DATE '2024-02-29'\") }} AS a, "
        "{{ age_years(\"DATE '2012-02-29'\", \"DATE '2024-02-29'\") }} AS b",
        {},
        warehouse.dialect,
        None,
    )
    row = warehouse.read_frame(sql).iloc[0]
    assert (int(row["a"]), int(row["b"])) == (13, 12)


def test_calendar_marks_weekends_and_bank_holidays():
    days = build_dim_date(dt.date(2024, 12, 20), dt.date(2024, 12, 31)).set_index("date_day")
    assert days.loc[dt.date(2024, 12, 25), "is_bank_holiday"]
    assert days.loc[dt.date(2024, 12, 21), "is_weekend"]
    assert days.loc[dt.date(2024, 12, 23), "is_working_day"]


def test_model_descriptions_become_table_and_column_comments(warehouse, tmp_path):
    from cp_pipeline.warehouse.models import build_model

    path = tmp_path / "dim_example.sql"
    path.write_text(
        "/*\ndescription: The council's example dimension.\nmaterialized: table\npartitioned: false\n"
        "columns:\n  code: the code\n*/\nSELECT 'A' AS code"
    )
    model = parse_model(path, "warehouse")
    build_model(warehouse, model, None, {model.name: model})
    if warehouse.dialect == "duckdb":
        sql = "SELECT comment FROM duckdb_tables() WHERE schema_name = 'warehouse' AND table_name = 'dim_example'"
        column_sql = (
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'dim_example' AND column_name = 'code'"
        )
    else:
        sql = "SELECT obj_description('warehouse.dim_example'::regclass) AS comment"
        column_sql = "SELECT col_description('warehouse.dim_example'::regclass, 1) AS comment"
    assert warehouse.read_frame(sql)["comment"].iloc[0] == "The council's example dimension."
    assert warehouse.read_frame(column_sql)["comment"].iloc[0] == "the code"


@pytest.mark.postgres
def test_postgresql_plans_each_model_with_statistics_and_an_index(postgres_url, tmp_path):
    """Without statistics on freshly written tables PostgreSQL planned nested loops that took a
    model from half a second to a minute: a built model's table is analysed as it is written."""
    from cp_pipeline.warehouse.models import build_model

    path = tmp_path / "fct_example.sql"
    path.write_text(
        "/*\ndescription: An example monthly fact.\n*/\n"
        "SELECT {{ extract_month }} AS extract_month, n AS child FROM generate_series(1, 5000) AS g(n)"
    )
    model = parse_model(path, "warehouse")
    wh = Warehouse(postgres_url)
    try:
        wh.ensure_schemas()
        build_model(wh, model, "2024-03", {model.name: model})
        stats = wh.read_frame("SELECT reltuples FROM pg_class WHERE oid = 'warehouse.fct_example'::regclass")
        assert stats["reltuples"].iloc[0] == 5000  # -1 (never analysed) before the fix
        # Replacing a month, and correlated look-ups of a child, use an index, not a full scan.
        indexes = wh.read_frame(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'warehouse' AND tablename = 'fct_example'"
        )["indexdef"]
        assert any("(extract_month, child)" in d for d in indexes), list(indexes)
    finally:
        wh.dispose()


@pytest.mark.postgres
def test_replacing_a_council_month_on_postgresql_uses_an_index_on_its_keys(postgres_url):
    """A national month replaces 150 councils' rows one council at a time: without an index on
    (extract_month, la_code) each replacement scanned every council already stored. The month
    leads, as the SQL models read a month of every council (an index led by la_code, which
    warehouses made before, is replaced)."""
    import pandas as pd

    wh = Warehouse(postgres_url)
    try:
        wh.ensure_schemas()
        where = {"la_code": "E06000001", "extract_month": "2024-03"}
        frame = pd.DataFrame(
            {"la_code": ["E06000001"] * 3, "extract_month": ["2024-03"] * 3, "child": ["1", "2", "3"]}
        )
        with wh.transaction() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS staging.index_example")
            conn.exec_driver_sql(
                "CREATE TABLE staging.index_example (la_code TEXT, extract_month TEXT, child TEXT)"
            )
            conn.exec_driver_sql(
                "CREATE INDEX index_example_by_la_code_extract_month ON staging.index_example (la_code, extract_month)"
            )
            wh.replace_rows(conn, "staging", "index_example", frame, where=where)
        with wh.transaction() as conn:  # again: replaced, and the index is not made twice
            assert wh.replace_rows(conn, "staging", "index_example", frame.head(2), where=where) == 2
        indexes = wh.read_frame(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'staging' AND tablename = 'index_example'"
        )["indexdef"]
        assert len(indexes) == 1 and "(extract_month, la_code)" in indexes.iloc[0], list(indexes)
        assert wh.read_frame("SELECT COUNT(*) AS n FROM staging.index_example")["n"].iloc[0] == 2
    finally:
        wh.dispose()


def test_a_staging_view_replaces_an_older_warehouses_table_and_is_tested_month_by_month(warehouse, tmp_path):
    """Staging models are views over every month of their staged table (a copy cost PostgreSQL
    ~3 s per million rows, twice per extract table); a warehouse from before keeps a table of that
    name, which the view replaces. Its tests still run on the months of the run only."""
    from cp_pipeline.warehouse.models import build_model_months, check_model_months

    staged = pd.DataFrame(
        {
            "la_code": ["E06000002"] * 4,
            "extract_month": ["2024-01", "2024-02", "2024-02", "2024-02"],
            "k": ["a", "a", "b", "b"],  # a duplicate key in 2024-02 only
        }
    )
    types = {"la_code": "text", "extract_month": "text", "k": "text"}
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "src", staged, where={"la_code": "E06000002"}, column_types=types
        )
        conn.execute(sa.text("CREATE TABLE staging.stg_src (old_column INTEGER)"))
    path = tmp_path / "stg_src.sql"
    path.write_text(
        "/*\ndescription: src as staged.\nmaterialized: view\npartitioned: true\n"
        "unique_key: [la_code, extract_month, k]\ncolumns:\n  k: the key\n*/\n"
        "SELECT s.la_code, s.extract_month, s.k FROM {{ source('staging', 'src') }} AS s"
    )
    model = parse_model(path, "staging")

    build_model_months(warehouse, model, ["2024-01", "2024-02"], {model.name: model})

    with warehouse.engine.connect() as conn:
        assert not warehouse.base_table_exists(conn, "staging", "stg_src")
    rows = warehouse.read_frame("SELECT extract_month, k FROM staging.stg_src ORDER BY 1, 2")
    assert rows.values.tolist() == [["2024-01", "a"], ["2024-02", "a"], ["2024-02", "b"], ["2024-02", "b"]]
    assert check_model_months(warehouse, model, ["2024-01"]) == {"unique_key": 0}
    assert check_model_months(warehouse, model, ["2024-02"]) == {"unique_key": 1}
    # Built again (the next run), the view is replaced, not added to.
    build_model_months(warehouse, model, ["2024-02"], {model.name: model})
    assert len(warehouse.read_frame("SELECT * FROM staging.stg_src")) == 4


def test_a_view_is_replaced_in_place_so_views_made_on_it_survive(warehouse, tmp_path):
    """An analyst's own view over a model's view (and grants on it) survive the next run; when the
    model's columns change, the view is made afresh."""
    from cp_pipeline.warehouse.models import build_model

    path = tmp_path / "v_example.sql"
    path.write_text("/*\ndescription: An example view.\nmaterialized: view\n*/\nSELECT 1 AS a")
    model = parse_model(path, "bi")
    build_model(warehouse, model, None, {model.name: model})
    with warehouse.transaction() as conn:
        conn.execute(sa.text("CREATE VIEW bi.analysts_own AS SELECT a FROM bi.v_example"))

    build_model(warehouse, model, None, {model.name: model})  # the next run
    assert warehouse.read_frame("SELECT a FROM bi.analysts_own")["a"].tolist() == [1]

    with warehouse.transaction() as conn:
        conn.execute(sa.text("DROP VIEW bi.analysts_own"))
    path.write_text("/*\ndescription: An example view.\nmaterialized: view\n*/\nSELECT 'x' AS b, 2 AS c")
    changed = parse_model(path, "bi")
    build_model(warehouse, changed, None, {changed.name: changed})
    assert warehouse.read_frame("SELECT b, c FROM bi.v_example").values.tolist() == [["x", 2]]
