"""The Great Expectations suites: built from the table specification, failing on the problems they
exist to catch, passing a clean batch, and never showing a child's values in results or Data Docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cp_pipeline.extracts.specs import codes_for_year
from cp_pipeline.validation.expectations import (
    RESULT_COLUMNS,
    batch_checks,
    batch_suite_for,
    build_data_docs,
    validate_staged_batch,
    validate_warehouse,
    write_validation_results,
)
from cp_pipeline.warehouse.engine import Warehouse

LA = "E06000002"
MONTH = "2024-03"  # collection year 2024: SEX is coded 1 / 2
# Distinctive enough that finding one anywhere means a child's value leaked.
KID = "ZQXKID"
DOB = dt.date(1987, 6, 5)
DOB_SPELLINGS = ("1987-06-05", "05/06/1987", "1987/06/05", "19870605")


def _ids(n: int, start: int = 0) -> pd.array:
    return pd.array([f"{KID}{i:04d}" for i in range(start, start + n)], dtype="string")


def _strings(values) -> pd.array:
    return pd.array(list(values), dtype="string")


def _dates(values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values))).astype("datetime64[us]")


def header(n: int, unknown_ethnicity: int = 0) -> pd.DataFrame:
    ethnic = ["REFU" if i % 2 else None for i in range(unknown_ethnicity)] + ["WBRI"] * (
        n - unknown_ethnicity
    )
    return pd.DataFrame(
        {
            "child": _ids(n),
            "sex": _strings(["1", "2"] * (n // 2) + ["1"] * (n % 2)),
            "dob": _dates([DOB] * n),
            "ethnic": _strings(ethnic),
            "upn": _strings([None] * n),
            "mother": pd.array([None] * n, dtype="Int64"),
            "mc_dob": _dates([None] * n),
            "la_code": LA,
            "extract_month": MONTH,
        }
    )


def episodes(n: int, duplicate_start: bool = False) -> pd.DataFrame:
    children = _ids(n)
    if duplicate_start:  # the second row repeats the first child's start date
        children[1] = children[0]
    return pd.DataFrame(
        {
            "child": children,
            "decom": _dates(["2023-01-01"] * n),
            "rne": _strings(["S"] * n),
            "ls": _strings(["C2"] * n),
            "cin": _strings(["N1"] * n),
            "place": _strings(["U1"] * n),
            "place_provider": _strings(["PR1"] * n),
            "dec": _dates([None] * n),
            "pl_post": _strings(["AB1 2CD"] * n),
        }
    )


def reviews(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "child": _ids(n),
            "dob": _dates([DOB] * n),
            "review": _dates(["2024-02-01"] * n),
            "review_code": _strings(["PN1"] * n),
        }
    )


def validate_clean_month() -> pd.DataFrame:
    tables = {"Header": header(20), "Episodes": episodes(20), "Reviews": reviews(100)}
    return validate_staged_batch(
        tables, LA, MONTH, previous_counts={"Header": 20, "Episodes": 19, "Reviews": 100}
    )


def validate_problem_month() -> pd.DataFrame:
    tables = {
        "Header": header(20, unknown_ethnicity=10),
        "episodes": episodes(20, duplicate_start=True),  # staging names work as keys too
        "Reviews": reviews(10),
    }
    return validate_staged_batch(tables, LA, MONTH, previous_counts={"Reviews": 100})


@pytest.fixture(scope="module")
def clean_results() -> pd.DataFrame:
    return validate_clean_month()


@pytest.fixture(scope="module")
def problem_results() -> pd.DataFrame:
    return validate_problem_month()


def _check(results: pd.DataFrame, name: str) -> pd.Series:
    rows = results[results["check_name"] == name]
    assert len(rows) == 1, f"{name}: {len(rows)} rows"
    return rows.iloc[0]


# ---- suites from the table specification ------------------------------------------------------


def test_required_columns_natural_keys_and_code_lists_come_from_the_table_specification():
    names = {c.check_name for c in batch_checks("Episodes", extract_month=MONTH)}
    for column in ("child", "decom", "rne", "ls", "cin", "place"):
        assert f"episodes.{column}_not_null" in names
    assert "episodes.dec_not_null" not in names  # DEC is blank while the episode is open
    assert "episodes.child_decom_unique" in names
    assert {"reviews.child_review_unique", "missing.child_mis_start_unique", "header.child_unique"} <= {
        c.check_name for t in ("Reviews", "Missing", "Header") for c in batch_checks(t, extract_month=MONTH)
    }


def test_sex_is_checked_against_the_code_list_of_the_extract_months_collection_year():
    def sex_codes(month: str) -> set[str]:
        (check,) = [
            c
            for c in batch_checks("Header", extract_month=month)
            if c.check_name == "header.sex_in_code_list"
        ]
        return set(check.kwargs["value_set"])

    assert sex_codes("2024-03") == set(codes_for_year("SEX", 2024)) == {"1", "2"}
    assert sex_codes("2024-04") == set(codes_for_year("SEX", 2025)) == {"M", "F", "U"}


def test_row_count_bounds_are_080_to_125_times_last_month_and_absent_without_a_previous_count():
    (drift,) = [c for c in batch_checks("Reviews", previous_count=100) if c.kind == "row_count_drift"]
    assert (drift.kwargs["min_value"], drift.kwargs["max_value"]) == (80, 125)
    assert drift.severity == "warning"
    assert not [c for c in batch_checks("Reviews") if c.kind == "row_count_drift"]


def test_batch_suite_for_gives_a_gx_suite_of_the_same_checks():
    suite = batch_suite_for("Episodes", extract_month=MONTH, previous_count=50)
    assert suite.name == "batch.episodes"
    names = [e.meta["check_name"] for e in suite.expectations]
    assert names == [c.check_name for c in batch_checks("Episodes", extract_month=MONTH, previous_count=50)]
    assert {e.expectation_type for e in suite.expectations} >= {
        "expect_column_values_to_not_be_null",
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_in_set",
        "expect_table_row_count_to_be_between",
    }


# ---- batch validation ---------------------------------------------------------------------------


def test_a_clean_batch_passes_every_check(clean_results):
    failed = clean_results[~clean_results["success"]]
    assert failed.empty, failed[["check_name", "observed"]].to_string()
    assert {"header.ethnicity_known_share", "episodes.placement_postcode_known_share"} <= set(
        clean_results["check_name"]
    )
    assert {"header.row_count_within_drift", "reviews.row_count_within_drift"} <= set(
        clean_results["check_name"]
    )


def test_two_episodes_of_a_child_starting_the_same_day_fail_uniqueness_as_an_error(problem_results):
    row = _check(problem_results, "episodes.child_decom_unique")
    assert not row["success"]
    assert row["severity"] == "error"
    assert row["expectation_type"] == "expect_compound_columns_to_be_unique"
    assert row["table_name"] == "Episodes"
    assert row["observed"].startswith("2 of 20 rows")


def test_half_the_children_with_unknown_ethnicity_fails_the_share_check_as_a_warning(problem_results):
    row = _check(problem_results, "header.ethnicity_known_share")
    assert not row["success"]
    assert row["severity"] == "warning"
    assert "10 of 20 rows known (50.0%)" in row["observed"]
    # REFU and blank are unknown for the share, but REFU is still a valid code
    assert _check(problem_results, "header.ethnic_in_code_list")["success"]


def test_a_drop_from_100_to_10_reviews_warns_on_row_count_drift(problem_results):
    row = _check(problem_results, "reviews.row_count_within_drift")
    assert not row["success"]
    assert row["severity"] == "warning"
    assert row["observed"] == "10 rows; previous month 100; expected 80 to 125"


def test_only_the_planted_problems_fail(problem_results):
    failed = set(problem_results.loc[~problem_results["success"], "check_name"])
    assert failed == {
        "episodes.child_decom_unique",
        "header.ethnicity_known_share",
        "reviews.row_count_within_drift",
    }


def test_one_process_validating_council_months_in_turn_gives_each_its_own_results(
    clean_results, problem_results
):
    # The batch suites share one GX context per process: a council-month validated after
    # another (clean after problem, problem after clean) must come out as it does first.
    def comparable(results: pd.DataFrame) -> pd.DataFrame:
        return results.drop(columns=["run_at"]).reset_index(drop=True)

    for _ in range(2):
        pd.testing.assert_frame_equal(comparable(validate_clean_month()), comparable(clean_results))
        pd.testing.assert_frame_equal(comparable(validate_problem_month()), comparable(problem_results))
    # A council sending fewer tables is checked on those alone.
    only_header = validate_staged_batch({"Header": header(20)}, LA, MONTH)
    assert set(only_header["table_name"]) == {"Header"}


def test_results_have_the_contract_columns_and_no_child_values(problem_results):
    assert list(problem_results.columns) == RESULT_COLUMNS
    assert set(problem_results["suite"]) == {"batch"}
    assert set(problem_results["la_code"]) == {LA} and set(problem_results["extract_month"]) == {MONTH}
    assert set(problem_results["severity"]) == {"error", "warning"}
    assert problem_results["run_at"].dt.microsecond.eq(0).all()
    assert problem_results["check_name"].is_unique
    text = problem_results.astype(str).to_csv()
    assert KID not in text
    assert not [s for s in DOB_SPELLINGS if s in text]


# ---- warehouse validation -----------------------------------------------------------------------


def _make_warehouse(path: Path, *, with_scorecard: bool = True) -> str:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA warehouse; CREATE SCHEMA mart")
    con.execute(
        "CREATE TABLE warehouse.fct_episode (la_code VARCHAR, extract_month VARCHAR, child VARCHAR, decom DATE, "
        "episode_number INTEGER)"
    )
    con.execute(
        f"""INSERT INTO warehouse.fct_episode VALUES
        ('{LA}', '2024-03', '{KID}0001', '2023-01-01', 1),
        ('{LA}', '2024-03', '{KID}0001', '2023-01-01', 1),
        ('{LA}', '2024-03', '{KID}0002', '2023-05-01', 1),
        ('{LA}', '2024-02', '{KID}0003', NULL, 1)"""
    )
    con.execute(
        "CREATE TABLE warehouse.fct_child_month (la_code VARCHAR, extract_month VARCHAR, child VARCHAR, "
        "placement_group VARCHAR)"
    )
    con.execute(
        f"""INSERT INTO warehouse.fct_child_month VALUES
        ('{LA}', '2024-03', '{KID}0001', 'in-house foster'),
        ('{LA}', '2024-03', '{KID}0002', 'supported / independent living'),
        ('{LA}', '2024-02', '{KID}0002', 'not a group')"""
    )
    if with_scorecard:
        con.execute(
            "CREATE TABLE mart.scorecard_indicator (la_code VARCHAR, extract_month VARCHAR, period_end DATE, "
            "indicator_code VARCHAR, value DOUBLE, unit VARCHAR, rag VARCHAR)"
        )
        con.execute(
            f"""INSERT INTO mart.scorecard_indicator VALUES
            ('{LA}', '2024-03', '2024-03-31', 'CLA_COUNT', 2, 'count', NULL),
            ('{LA}', '2024-03', '2024-03-31', 'REVIEWS_ON_TIME_PCT', 50, 'percent', 'purple')"""
        )
    con.close()
    return f"duckdb:///{path}"


@pytest.fixture(scope="module")
def warehouse_results(tmp_path_factory) -> pd.DataFrame:
    url = _make_warehouse(tmp_path_factory.mktemp("wh") / "cp.duckdb")
    return validate_warehouse(url, MONTH)


def test_warehouse_suite_finds_duplicate_episodes_and_a_bad_rag_in_the_month(warehouse_results):
    outcome = dict(zip(warehouse_results["check_name"], warehouse_results["success"], strict=True))
    assert outcome == {
        "fct_episode.child_episode_number_unique": False,
        "fct_episode.child_not_null": True,  # the blank DECOM belongs to another month
        "fct_episode.decom_not_null": True,
        "fct_child_month.child_unique": True,
        "fct_child_month.child_not_null": True,
        "fct_child_month.placement_group_not_null": True,
        "fct_child_month.placement_group_in_set": True,  # 'not a group' belongs to another month
        "scorecard_indicator.indicator_code_unique": True,
        "scorecard_indicator.indicator_code_not_null": True,
        "scorecard_indicator.unit_not_null": True,
        "scorecard_indicator.unit_in_set": True,
        "scorecard_indicator.rag_in_set": False,  # 'purple'; a blank rag is allowed
    }
    assert set(warehouse_results["suite"]) == {"warehouse"}
    assert set(warehouse_results["table_name"]) == {
        "warehouse.fct_episode",
        "warehouse.fct_child_month",
        "mart.scorecard_indicator",
    }
    assert _check(warehouse_results, "fct_episode.child_episode_number_unique")["observed"].startswith(
        "2 of 3 rows"
    )
    text = warehouse_results.astype(str).to_csv()
    assert KID not in text and "purple" not in text


def test_warehouse_tables_not_built_yet_are_reported_skipped(tmp_path):
    url = _make_warehouse(tmp_path / "cp.duckdb", with_scorecard=False)
    results = validate_warehouse(url, MONTH)
    skipped = results[results["table_name"] == "mart.scorecard_indicator"]
    assert len(skipped) == 5
    assert skipped["success"].isna().all()
    assert skipped["observed"].str.startswith("skipped").all()
    assert results.loc[results["table_name"] != "mart.scorecard_indicator", "success"].notna().all()


def test_a_warehouse_table_gx_cannot_read_fails_its_checks_without_stopping_the_others(tmp_path):
    url = _make_warehouse(tmp_path / "cp.duckdb")
    with duckdb.connect(str(tmp_path / "cp.duckdb")) as con:
        con.execute("ALTER TABLE warehouse.fct_child_month DROP COLUMN placement_group")
    results = validate_warehouse(url, MONTH)
    broken = results[results["table_name"] == "warehouse.fct_child_month"]
    assert (~broken["success"]).all()
    assert broken["observed"].str.startswith("error: ").all()
    assert _check(results, "scorecard_indicator.unit_in_set")["success"]


@pytest.mark.postgres
def test_warehouse_suite_runs_on_postgresql_and_results_replace_only_their_suite_and_month(postgres_url):
    warehouse = Warehouse(postgres_url)
    try:
        warehouse.ensure_schemas()
        with warehouse.transaction() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE warehouse.fct_episode (la_code TEXT, extract_month TEXT, child TEXT, decom DATE, "
                "episode_number INTEGER)"
            )
            conn.exec_driver_sql(
                f"INSERT INTO warehouse.fct_episode VALUES ('{LA}', '2024-03', '{KID}1', '2023-01-01', 1), "
                f"('{LA}', '2024-03', '{KID}1', '2023-01-01', 1)"
            )
        results = validate_warehouse(postgres_url, MONTH)
        assert not _check(results, "fct_episode.child_episode_number_unique")["success"]
        assert _check(results, "fct_episode.child_not_null")["success"]
        assert (
            results.loc[results["table_name"] != "warehouse.fct_episode", "observed"]
            .str.startswith("skipped")
            .all()
        )
        _written_then_replaced(warehouse, results)
    finally:
        warehouse.dispose()


def _written_then_replaced(warehouse: Warehouse, results: pd.DataFrame) -> None:
    other_month = results.assign(extract_month="2024-02")
    assert write_validation_results(warehouse, other_month, "warehouse", "2024-02") == len(results)
    write_validation_results(warehouse, results, "warehouse", MONTH)
    write_validation_results(warehouse, results.head(3), "warehouse", MONTH)  # a re-run replaces
    stored = warehouse.read_frame(
        "SELECT extract_month, COUNT(*) AS n, COUNT(success) AS decided FROM dq.validation_result "
        "GROUP BY extract_month ORDER BY extract_month"
    )
    assert stored.to_dict("records") == [
        {"extract_month": "2024-02", "n": len(results), "decided": int(results["success"].notna().sum())},
        {"extract_month": MONTH, "n": 3, "decided": int(results.head(3)["success"].notna().sum())},
    ]


def test_results_are_written_to_dq_validation_result_replacing_the_suites_month(tmp_path, problem_results):
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    try:
        _written_then_replaced(warehouse, problem_results.assign(suite="warehouse"))
        write_validation_results(warehouse, problem_results, "batch", MONTH, la_code=LA)
        stored = warehouse.read_frame(
            "SELECT suite, COUNT(*) AS n FROM dq.validation_result WHERE extract_month = :m GROUP BY suite ORDER BY suite",
            {"m": MONTH},
        )
        assert stored.to_dict("records") == [
            {"suite": "batch", "n": len(problem_results)},
            {"suite": "warehouse", "n": 3},
        ]
        with pytest.raises(ValueError, match="extract_month"):
            write_validation_results(warehouse, problem_results, "batch", "2024-04")
    finally:
        warehouse.dispose()


# ---- Data Docs ----------------------------------------------------------------------------------


def test_data_docs_show_no_child_ids_or_dates_of_birth(tmp_path):
    tables = {
        "Header": header(6, unknown_ethnicity=4).assign(child=_strings([f"{KID}0001"] * 6)),  # all one child
        "Episodes": episodes(6, duplicate_start=True),
        "Reviews": reviews(3),
    }
    docs = build_data_docs(tmp_path / "data_docs", tables, LA, MONTH, previous_counts={"Reviews": 30})
    index = docs.index
    assert index.is_file()
    # The results rendered are the results returned: the same checks as the plain batch run.
    plain = validate_staged_batch(tables, LA, MONTH, previous_counts={"Reviews": 30})
    columns = ["table_name", "check_name", "success", "observed"]
    assert docs.results[columns].equals(plain[columns])
    pages = list(index.parent.rglob("validations/**/*.html"))
    assert len(pages) == 3
    (episodes_page,) = [p for p in pages if "episodes" in p.name]
    assert "2 unexpected values found" in episodes_page.read_text(encoding="utf-8")  # counts are shown
    # Every file GX wrote, the site and its stored results and suites alike.
    leaks = [
        (str(path.relative_to(tmp_path)), needle)
        for path in (tmp_path / "data_docs").rglob("*")
        if path.is_file() and path.suffix in {".html", ".json", ".yml", ".js", ".css", ""}
        for needle in (KID, *DOB_SPELLINGS)
        if needle in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert not leaks
    # Nor a digest of the rows: GX's batch fingerprint (an md5 of every cell) is turned off.
    stored = list((tmp_path / "data_docs").rglob("validations/**/*.json"))
    assert len(stored) == 3
    assert not [p.name for p in stored if "pandas_data_fingerprint" in p.read_text(encoding="utf-8")]


def test_data_docs_add_a_month_without_rebuilding_earlier_months(tmp_path):
    """A month's run renders its own pages and the index; earlier months' pages stay as they were
    (a site that re-rendered its whole history would slow every monthly run down)."""
    tables = {"Episodes": episodes(6), "Reviews": reviews(3)}
    first = build_data_docs(tmp_path, tables, LA, "2024-03")
    first_pages = {p: p.stat().st_mtime_ns for p in first.index.parent.rglob("validations/**/*.html")}
    assert len(first_pages) == 2
    config = (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8")

    second = build_data_docs(tmp_path, tables, LA, "2024-04")
    pages = list(second.index.parent.rglob("validations/**/*.html"))
    assert len(pages) == 4
    assert {p: p.stat().st_mtime_ns for p in first_pages} == first_pages
    index = second.index.read_text(encoding="utf-8")
    assert "2024-03" in index and "2024-04" in index
    # The project's config does not grow with every month validated, nor when a table first
    # arrives: the site was made with an asset for every table.
    assert (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8") == config
    build_data_docs(tmp_path, tables | {"Header": header(4)}, LA, "2024-05")
    assert (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8") == config


def test_the_warehouse_suite_on_the_months_slices_matches_the_suite_on_the_warehouse(
    tmp_path, warehouse_results
):
    """A GX helper process cannot open the DuckDB file the run holds: it validates a scratch copy
    of the month's slices with the same SQL datasource and queries, and must find the same."""
    from cp_pipeline.validation.expectations import validate_warehouse_slices, warehouse_slices

    url = _make_warehouse(tmp_path / "cp.duckdb", with_scorecard=False)
    warehouse = Warehouse(url)
    try:
        slices = warehouse_slices(warehouse, MONTH)
    finally:
        warehouse.dispose()
    assert set(slices) == {"warehouse.fct_episode", "warehouse.fct_child_month"}
    assert set(slices["warehouse.fct_child_month"]["extract_month"]) == {MONTH}
    on_slices = validate_warehouse_slices(slices, MONTH)
    direct = validate_warehouse(url, MONTH)
    columns = ["table_name", "check_name", "success", "observed"]
    assert on_slices[columns].astype(str).equals(direct[columns].astype(str))
    # the scorecard table is absent in both: its checks are skipped, not failed
    skipped = on_slices[on_slices["table_name"] == "mart.scorecard_indicator"]
    assert len(skipped) and skipped["success"].isna().all()


def test_a_helper_validates_each_month_while_the_next_is_made_and_stores_each_as_alone(tmp_path):
    """In a backfill the warehouse suite of a month runs in the GX helper while the run scores
    the next month: each month's results are the ones that month gets alone, stored under it."""
    from cp_pipeline.validation.gx_worker import GxWorker
    from cp_pipeline.validation.run import validate_warehouse_month, validate_warehouse_months

    months = ["2024-02", MONTH]
    alone_url = _make_warehouse(tmp_path / "alone.duckdb")
    alone = Warehouse(alone_url)
    expected = {month: validate_warehouse_month(alone, month) for month in months}
    alone.dispose()

    warehouse = Warehouse(_make_warehouse(tmp_path / "helped.duckdb"))
    made = []

    def made_lazily():
        for month in months:
            made.append(month)
            yield month

    helper = GxWorker(1)
    try:
        seen = []
        for month, results in validate_warehouse_months(warehouse, made_lazily(), gx_worker=helper):
            seen.append(month)
            assert made == months[: len(seen) + 1], "the next month is made before this one is stored"
            columns = ["table_name", "check_name", "success", "observed"]
            assert results[columns].astype(str).equals(expected[month][columns].astype(str)), month
        assert seen == months
        stored = warehouse.read_frame(
            "SELECT extract_month, COUNT(*) AS n FROM dq.validation_result WHERE suite = 'warehouse' "
            "GROUP BY extract_month ORDER BY extract_month"
        )
        assert dict(zip(stored["extract_month"], stored["n"], strict=True)) == {
            m: len(expected[m]) for m in months
        }
    finally:
        helper.close()
        warehouse.dispose()


def test_a_helper_sent_only_the_columns_the_batch_suite_reads_finds_the_same(tmp_path):
    """GxWorker.submit sends each staged table without its lineage columns (most of the pickling
    cost): the batch suite's results on what is sent equal its results on the whole frames."""
    from cp_pipeline.validation.expectations import batch_input
    from cp_pipeline_tests.fixtures.landed import landed_month

    la, month, tables = landed_month(tmp_path, seed=11)
    sent = {name: batch_input(name, frame) for name, frame in tables.items()}
    assert all(len(sent[n]) == len(tables[n]) for n in tables)
    assert all(
        {"la_code", "extract_month", "source_file", "source_line"}.isdisjoint(f.columns)
        for f in sent.values()
    )
    whole = validate_staged_batch(tables, la, month, {}).drop(columns="run_at")
    trimmed = validate_staged_batch(sent, la, month, {}).drop(columns="run_at")
    assert len(whole) >= 100  # every table present, several checks each
    pd.testing.assert_frame_equal(whole, trimmed)
