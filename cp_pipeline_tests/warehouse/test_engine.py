import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.warehouse.engine import quote_ident


def _frame(month: str, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": ["E06000002"] * n,
            "extract_month": [month] * n,
            "child": [str(1000 + i) for i in range(n)],
            "decom": [dt.date(2024, 1, 1 + i) for i in range(n)],
            "sdq": pd.array([10 + i for i in range(n)], dtype="Int64"),
        }
    )


TYPES = {"la_code": "text", "extract_month": "text", "child": "text", "decom": "date", "sdq": "int"}


def test_replacing_a_month_replaces_that_month_and_nothing_else(warehouse):
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 3), where={"extract_month": "2024-01"}, column_types=TYPES
        )
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-02", 2), where={"extract_month": "2024-02"}, column_types=TYPES
        )
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 1), where={"extract_month": "2024-01"}, column_types=TYPES
        )
    counts = warehouse.read_frame(
        "SELECT extract_month, COUNT(*) AS n FROM staging.t GROUP BY extract_month ORDER BY 1"
    )
    assert counts.to_dict("records") == [
        {"extract_month": "2024-01", "n": 1},
        {"extract_month": "2024-02", "n": 2},
    ]
    row = warehouse.read_frame(
        "SELECT child, decom, sdq FROM staging.t WHERE extract_month = '2024-01'"
    ).iloc[0]
    assert (row["child"], row["decom"], int(row["sdq"])) == ("1000", dt.date(2024, 1, 1), 10)


def test_a_failed_write_leaves_the_previous_month_in_place(warehouse):
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 3), where={"extract_month": "2024-01"}, column_types=TYPES
        )
    with pytest.raises(RuntimeError), warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 1), where={"extract_month": "2024-01"}, column_types=TYPES
        )
        raise RuntimeError("killed half way")
    assert warehouse.read_frame("SELECT COUNT(*) AS n FROM staging.t")["n"].iloc[0] == 3


def test_identifiers_from_files_are_quoted_not_spliced():
    assert quote_ident('x"; DROP TABLE y; --') == '"x""; DROP TABLE y; --"'


ALL_TYPES = {
    "t": "text",
    "i": "int",
    "f": "float",
    "d": "date",
    "ts": "timestamp",
    "b": "bool",
    "empty": "text",
}


def _awkward_rows() -> pd.DataFrame:
    """Every logical type, NULLs in each, and text that CSV must quote or could mistake for NULL."""
    return pd.DataFrame(
        {
            "t": ['a,b "quoted"\nline two', "100%", "back\\slash", "", "\\N", None],
            "i": pd.array([1, 2, None, 4, 5, 6], dtype="Int64"),
            "f": [1.5, None, -0.25, 1e-9, 3.0, 2.0],
            "d": [dt.date(2024, 2, 29), None, dt.date(1990, 1, 1), dt.date(2026, 3, 31), None, None],
            "ts": [dt.datetime(2024, 5, 1, 9, 5, 7), None, None, None, None, dt.datetime(2026, 1, 1)],
            "b": [True, False, None, True, True, False],
            "empty": [None] * 6,
        }
    )


def test_columnar_reads_give_what_row_reads_give(warehouse):
    """read_columnar (COPY on PostgreSQL, column-wise on DuckDB) returns the values read_frame
    does, with dates as datetime64 and the same kinds of column."""
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "awkward", _awkward_rows(), where={"t": "x"}, column_types=ALL_TYPES
        )
    sql = "SELECT * FROM staging.awkward WHERE i <> :skip OR i IS NULL ORDER BY i NULLS LAST"
    rows = warehouse.read_frame(sql, {"skip": 99})
    bulk = warehouse.read_columnar(sql, {"skip": 99})

    assert list(bulk.columns) == list(ALL_TYPES)
    for column in ("d", "ts"):
        assert str(bulk[column].dtype).startswith("datetime64")
        rows[column] = pd.to_datetime(rows[column])
    for column in ALL_TYPES:
        assert rows[column].isna().tolist() == bulk[column].isna().tolist(), column
        assert rows[column].dropna().tolist() == bulk[column].dropna().tolist(), column
    assert bulk["i"].dropna().tolist() == [1, 2, 4, 5, 6]
    assert bulk.loc[0, "t"] == 'a,b "quoted"\nline two'
    assert warehouse.read_columnar(sql.replace("OR i IS NULL", "AND false"), {"skip": 99}).empty


def test_writes_keep_every_value_as_given(warehouse):
    """What a frame holds is what the table holds on either engine: an empty string stays empty
    (a raw extract's blank cell), a missing value is NULL, and text CSV must quote comes back whole."""
    given = _awkward_rows()
    with warehouse.transaction() as conn:
        warehouse.replace_rows(conn, "staging", "kept", given, where={"t": "x"}, column_types=ALL_TYPES)
    stored = warehouse.read_frame("SELECT * FROM staging.kept ORDER BY f NULLS FIRST")
    expected = given.sort_values("f", na_position="first").reset_index(drop=True)

    def values(frame: pd.DataFrame, column: str) -> list:
        return [None if pd.isna(v) else v for v in frame[column]]

    assert values(stored, "t") == values(expected, "t")
    assert "" in values(stored, "t") and None in values(stored, "t")
    assert values(stored, "i") == values(expected, "i")
    assert values(stored, "f") == values(expected, "f")
    assert [None if v is None else pd.Timestamp(v).date() for v in values(stored, "d")] == values(
        expected, "d"
    )
    assert [None if v is None else pd.Timestamp(v) for v in values(stored, "ts")] == [
        None if v is None else pd.Timestamp(v) for v in values(expected, "ts")
    ]
    assert values(stored, "b") == values(expected, "b")
    assert values(stored, "empty") == [None] * len(given)


@pytest.mark.postgres
def test_postgresql_sessions_run_without_jit_and_keep_the_urls_own_options(postgres_url):
    """JIT compiling cost the scorecard's one big query far more than it ran for; options a
    council puts in the warehouse URL are still applied."""
    from cp_pipeline.warehouse.engine import Warehouse

    for url, work_mem in ((postgres_url, None), (f"{postgres_url}?options=-c%20work_mem%3D64MB", "64MB")):
        warehouse = Warehouse(url)
        try:
            with warehouse.engine.connect() as conn:
                assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
                if work_mem:
                    assert conn.exec_driver_sql("SHOW work_mem").scalar() == work_mem
        finally:
            warehouse.dispose()


def test_a_transaction_caching_the_catalogue_sees_its_own_ddl_and_forgets_it_on_rollback(warehouse):
    """store_month's transactions look the catalogue up once per schema: tables and columns
    they add are seen within the transaction, and nothing of a rolled-back one outlives it."""
    wider = {**TYPES, "extra": "text"}
    with pytest.raises(RuntimeError), warehouse.transaction(catalogue_cache=True) as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 2), where={"extract_month": "2024-01"}, column_types=TYPES
        )
        assert warehouse.table_columns(conn, "staging", "t") == list(TYPES)
        raise RuntimeError("rolled back: staging.t was never made")
    with warehouse.engine.connect() as conn:
        assert not warehouse.table_exists(conn, "staging", "t")
    with warehouse.transaction(catalogue_cache=True) as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 2), where={"extract_month": "2024-01"}, column_types=TYPES
        )
        widened = _frame("2024-02", 1).assign(extra="x")
        warehouse.replace_rows(
            conn, "staging", "t", widened, where={"extract_month": "2024-02"}, column_types=wider
        )
        assert warehouse.table_columns(conn, "staging", "t") == list(wider)
        warehouse.drop_table(conn, "staging", "t")
        assert not warehouse.table_exists(conn, "staging", "t")
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-03", 3), where={"extract_month": "2024-03"}, column_types=TYPES
        )
    with warehouse.engine.connect() as conn:
        assert warehouse.table_columns(conn, "staging", "t") == list(TYPES)
    counts = warehouse.read_frame("SELECT extract_month, COUNT(*) AS n FROM staging.t GROUP BY 1")
    assert counts.to_dict("records") == [{"extract_month": "2024-03", "n": 3}]


def test_a_checkpoint_writes_the_log_into_the_file_and_keeps_every_row(warehouse):
    """A run checkpoints DuckDB while its helpers draw the reports (so closing the file at the
    end has little left to write); on PostgreSQL the call does nothing."""
    with warehouse.transaction() as conn:
        warehouse.replace_rows(
            conn, "staging", "t", _frame("2024-01", 3), where={"extract_month": "2024-01"}, column_types=TYPES
        )
    database = warehouse.engine.url.database
    log = Path(f"{database}.wal") if warehouse.dialect == "duckdb" else None
    if log is not None:
        assert log.exists() and log.stat().st_size > 0  # the write sits in the log until a checkpoint
    warehouse.checkpoint()
    if log is not None:
        assert not log.exists() or log.stat().st_size == 0
    assert warehouse.read_frame("SELECT COUNT(*) AS n FROM staging.t")["n"].iloc[0] == 3
