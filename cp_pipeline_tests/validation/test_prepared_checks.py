"""A council-month's checks run in the helper that prepared it (`prepared_checks`) store what the
validation step stores when it reads the month back from the warehouse: the same frames, so the
same DfE flags, GX results and Data Docs pages."""

from __future__ import annotations

import dataclasses
import re

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
from cp_pipeline.synthetic.generate import generate
from cp_pipeline.validation.gx_worker import GxWorker
from cp_pipeline.validation.run import (
    CheckedMonth,
    CheckPrepared,
    CouncilMonth,
    as_stored,
    load_staged_tables,
    prepared_checks,
    validate_months,
)
from cp_pipeline.warehouse.engine import Warehouse

RUN_TIME = re.compile(r"\d{8}T\d{6}(\.\d+)?Z")
COMPARED = {
    "dq.validation_result": "la_code, extract_month, suite, table_name, check_name, expectation_type, "
    "success, observed, severity",
    "dq.quarantine": "*",
}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("prepared_checks")
    generate(root, seed=11, las=2, months=3, messy=True)
    return root / "extracts"


def _todo(extracts, month: str | None = None) -> list[tuple[str, str]]:
    return [(la, m) for la, months in council_months(extracts).items() for m in months if month in (None, m)]


def test_a_prepared_frame_as_stored_is_the_frame_read_back(extracts, tmp_path):
    """Every table of every month with the generator's faults, dtypes included; and a text
    column left all blank and an integer column with a blank, which read back otherwise."""
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    compared = 0
    for number, (la, month) in enumerate(_todo(extracts)):
        previous = _stored_hashes(warehouse, la, month)
        prepared = prepare_month(extracts / la / month, la, month, previous)
        if number == 0:
            staged = prepared.tables["OC2"].staged
            text = next(
                c for c in staged.columns if isinstance(staged[c].dtype, pd.StringDtype) and c != "la_code"
            )
            whole = next(c for c in staged.columns if isinstance(staged[c].dtype, pd.Int64Dtype))
            staged[text] = pd.array([pd.NA] * len(staged), dtype=staged[text].dtype)
            staged.loc[staged.index[0], whole] = pd.NA
        store_months(warehouse, [(prepared, previous)])
        back = load_staged_tables(warehouse, la, month)
        assert set(back) == set(prepared.tables)
        for name, table in prepared.tables.items():
            pd.testing.assert_frame_equal(as_stored(table.staged), back[name], check_exact=True)
            compared += 1
    assert compared > 40
    warehouse.dispose()


def _stored(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {
        table: sorted(map(tuple, warehouse.read_frame(f"SELECT {columns} FROM {table}").astype(str).values))
        for table, columns in COMPARED.items()
    }


def test_checks_run_in_the_helper_store_what_the_validation_step_stores(extracts, tmp_path):
    """Two councils' last month landed by helpers that also check it (their earlier months
    landed before, so the drift checks have counts to compare with), validated with those
    results; and the same validated from the warehouse, as without helpers."""
    *earlier, last = sorted({m for _, m in _todo(extracts)})
    todo = _todo(extracts, last)
    warehouses, pages = {}, {}
    for way in ("read_back", "in_helper"):
        warehouse = warehouses[way] = Warehouse(f"duckdb:///{tmp_path}/{way}.duckdb")
        for la, month in _todo(extracts):
            if month in earlier:
                land_month(warehouse, extracts / la / month, la, month)
        docs = tmp_path / f"docs_{way}"
        helpers = GxWorker(2)
        try:
            checked = {}
            if way == "in_helper":
                while not helpers.ready():  # from the start, every folder goes to a helper
                    helpers.call(sum, []).result()
                check_for = prepared_checks(warehouse, todo, docs, last)
                for result in land_months(warehouse, extracts, todo, helpers=helpers, check_for=check_for):
                    assert isinstance(result.checked, CheckedMonth)
                    checked[(result.la_code, result.extract_month)] = result.checked
                assert all(c.previous_counts for c in checked.values())
            else:
                list(land_months(warehouse, extracts, todo))
            months = [CouncilMonth(la, month, docs) for la, month in todo]
            outcomes = list(validate_months(warehouse, months, gx_worker=helpers, checked=checked))
        finally:
            helpers.close()
        assert all(o.data_docs is not None and o.data_docs.exists() for o in outcomes)
        # the same pages in the same places (run names aside: they carry the time of the run)
        pages[way] = sorted(RUN_TIME.sub("", str(p.relative_to(docs))) for p in docs.rglob("*.html"))
    assert pages["in_helper"] == pages["read_back"] and len(pages["read_back"]) > 40
    assert _stored(warehouses["in_helper"]) == _stored(warehouses["read_back"])
    assert any(_stored(warehouses["in_helper"])["dq.quarantine"])  # the faults were flagged


def test_a_month_is_checked_in_the_helper_only_when_the_validation_step_would_check_the_same(
    extracts, tmp_path
):
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    first, second = sorted({m for _, m in _todo(extracts)})[:2]
    la = _todo(extracts)[0][0]
    # its previous month is landed by the same run: its drift counts are not stored yet
    check_for = prepared_checks(warehouse, [(la, first), (la, second)], tmp_path, second)
    assert check_for(la, second) is None
    check = check_for(la, first)
    assert isinstance(check, CheckPrepared) and check.data_docs_dir is None  # not the newest month

    # an empty table (as a month whose rows were all rejected has) is left to the validation step
    prepared = prepare_month(extracts / la / first, la, first, {})
    episodes = prepared.tables["Episodes"]
    prepared.tables["Episodes"] = dataclasses.replace(episodes, staged=episodes.staged.iloc[:0])
    assert check(prepared) is None

    # results run with other previous counts or another Data Docs folder are not used
    land_month(warehouse, extracts / la / first, la, first)
    stale = CheckedMonth({"Episodes": 1}, None, dfe=None, batch=None)  # would fail if used
    wrong_docs = CheckedMonth({}, tmp_path / "elsewhere", dfe=None, batch=None)
    for checked in (stale, wrong_docs):
        (outcome,) = validate_months(warehouse, [CouncilMonth(la, first)], checked={(la, first): checked})
        assert outcome.la_code == la
    warehouse.dispose()
