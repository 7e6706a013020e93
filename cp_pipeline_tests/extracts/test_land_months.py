"""Landing many council-months with helper processes (read and normalise there, store here) gives
the same tables as landing them one by one in the run's own process."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cp_pipeline.extracts.landing import (
    _stored_hashes,
    council_months,
    land_month,
    land_months,
    prepare_month,
    store_months,
)
from cp_pipeline.extracts.specs import table_specs
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.validation.gx_worker import GxWorker
from cp_pipeline.warehouse.engine import Warehouse

KEY = "a-test-pseudonymisation-key-of-some-length"
COMPARED = ["dq.file_manifest", "dq.extract_tables", "dq.quarantine"] + [
    f"{schema}.{t.staging_name}" for t in table_specs().values() for schema in ("raw", "staging")
]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("land_months")
    generate(root, seed=5, las=1, months=4, messy=True)
    return root / "extracts"


def _differences(helped: Warehouse, alone_file) -> dict[str, int]:
    """Rows in one warehouse's table and not the other's (both ways, as multisets), per table;
    `loaded_at` aside (when each was stored)."""
    differences = {}
    with helped.engine.connect() as conn:
        conn.exec_driver_sql(f"ATTACH '{alone_file}' AS alone (READ_ONLY)")
        for name in COMPARED:
            schema, table = name.split(".")
            columns = ", ".join(
                f'"{c}"' for c in helped.table_columns(conn, schema, table) if c != "loaded_at"
            )
            ours, theirs = f"SELECT {columns} FROM {name}", f"SELECT {columns} FROM alone.{name}"
            differences[name] = conn.exec_driver_sql(
                f"SELECT (SELECT COUNT(*) FROM ({ours} EXCEPT ALL {theirs})) "
                f"+ (SELECT COUNT(*) FROM ({theirs} EXCEPT ALL {ours}))"
            ).scalar_one()
        conn.rollback()  # the ATTACH too
    return differences


def _todo(extracts) -> list[tuple[str, str]]:
    return [(la, month) for la, months in council_months(extracts).items() for month in months]


@pytest.mark.parametrize("pseudonymised", [False, True])
def test_helpers_land_what_the_run_process_lands(extracts, tmp_path, monkeypatch, pseudonymised):
    if pseudonymised:
        monkeypatch.setenv("CP_PSEUDONYMISATION_KEY", KEY)
    todo = _todo(extracts)
    assert len(todo) == 4

    alone = Warehouse(f"duckdb:///{tmp_path}/alone.duckdb")
    for la, month in todo:
        land_month(alone, extracts / la / month, la, month)

    helped = Warehouse(f"duckdb:///{tmp_path}/helped.duckdb")
    helpers = GxWorker(2)
    try:
        while not helpers.ready():  # from the start, every folder goes to a helper
            helpers.call(sum, []).result()
        results = list(land_months(helped, extracts, todo, helpers=helpers))
    finally:
        helpers.close()
    assert sorted((r.la_code, r.extract_month, r.action) for r in results) == [
        (la, m, "landed") for la, m in todo
    ]

    alone.dispose()
    assert _differences(helped, tmp_path / "alone.duckdb") == dict.fromkeys(COMPARED, 0)
    rows = helped.read_frame("SELECT COUNT(*) AS n FROM staging.episodes")["n"].iloc[0]
    assert rows > 0
    if pseudonymised:  # the key reached the helpers: no identifier as the files wrote it
        children = set(helped.read_frame("SELECT DISTINCT child FROM staging.header")["child"])
        read = pd.read_csv(extracts / todo[0][0] / todo[0][1] / "header.csv", dtype=str)["CHILD"]
        assert children and not children & set(read)

    # Landing the same folders again: every one unchanged, nothing rewritten.
    again = list(land_months(helped, extracts, todo))
    assert {r.action for r in again} == {"unchanged"}
    helped.dispose()


def test_council_months_stored_together_give_what_they_give_stored_one_by_one(extracts, tmp_path):
    """The writer stores whatever the helpers have finished in one transaction: the tables must
    be the ones landing each council-month alone gives, also when one of them lacks a table the
    others sent, one replaces a month stored before and one is unchanged."""
    folders = tmp_path / "extracts"
    shutil.copytree(extracts, folders)
    todo = _todo(folders)
    (folders / todo[1][0] / todo[1][1] / "missing.csv").unlink()  # absent, not empty

    alone = Warehouse(f"duckdb:///{tmp_path}/alone.duckdb")
    together = Warehouse(f"duckdb:///{tmp_path}/together.duckdb")
    for warehouse in (alone, together):  # a month landed before, from other files
        la, month = todo[2]
        land_month(warehouse, extracts / todo[3][0] / todo[3][1], la, month)
        la, month = todo[0]
        land_month(warehouse, folders / la / month, la, month)
    for la, month in todo:
        land_month(alone, folders / la / month, la, month)

    prepared = [
        (prepare_month(folders / la / month, la, month, previous), previous)
        for la, month in todo
        for previous in [_stored_hashes(together, la, month)]
    ]
    results = store_months(together, prepared)
    assert [(r.la_code, r.extract_month, r.action) for r in results] == [
        (*todo[0], "unchanged"),
        (*todo[1], "landed"),
        (*todo[2], "replaced"),
        (*todo[3], "landed"),
    ]
    assert "Missing" in results[1].tables_absent and "Missing" not in results[3].tables_absent

    alone.dispose()
    assert _differences(together, tmp_path / "alone.duckdb") == dict.fromkeys(COMPARED, 0)
    together.dispose()
