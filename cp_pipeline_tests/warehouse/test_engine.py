import datetime as dt

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
