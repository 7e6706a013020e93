"""mart.scorecard_indicator has exactly one row per council, month and code, for every code of
the catalogue, and one council's children never reach another's figures."""

import pytest

from cp_pipeline.indicators.catalogue import catalogue
from cp_pipeline_tests.fixtures.handmade import build_month as build_month_models
from cp_pipeline_tests.fixtures.handmade import build_reference, stage_tables, write_reference
from cp_pipeline_tests.indicators.handmade_extract import ALL_TABLES, episode, headers_for, row

LA_A, LA_B = "E06000002", "E06000003"
EPISODES_A = [episode("1", "2023-01-01"), episode("2", "2023-06-01", place="U1")]
EPISODES_B = [
    episode("1", "2023-01-01"),
    episode("9", "2024-03-10", place="K2", provider="PR4"),
    episode("8", "2022-01-01", "2024-03-15", rec="E11"),
]


@pytest.fixture(scope="module")
def two_councils(module_warehouse, tmp_path_factory):
    empty = {name: [] for name in ALL_TABLES}
    stage_tables(
        module_warehouse, LA_A, "2024-03", empty | {"Header": headers_for(EPISODES_A), "Episodes": EPISODES_A}
    )
    # council B sends no Visits file this month
    tables_b = {k: v for k, v in empty.items() if k != "Visits"}
    stage_tables(
        module_warehouse,
        LA_B,
        "2024-03",
        tables_b | {"Header": headers_for(EPISODES_B), "Episodes": EPISODES_B},
    )
    build_reference(module_warehouse, write_reference(tmp_path_factory.mktemp("ref")))
    build_month_models(module_warehouse, "2024-03")
    return module_warehouse.read_frame(
        "SELECT * FROM mart.scorecard_indicator WHERE extract_month = '2024-03'"
    )


def test_one_row_per_council_month_and_code(two_councils):
    codes = set(catalogue())
    assert len(codes) == 51
    assert len(two_councils) == 2 * 51
    per_key = two_councils.groupby(["la_code", "period_end", "indicator_code"]).size()
    assert per_key.max() == 1
    for la in (LA_A, LA_B):
        assert set(two_councils.loc[two_councils["la_code"] == la, "indicator_code"]) == codes


def test_councils_keep_their_own_children(two_councils):
    assert row(two_councils, "CLA_COUNT", LA_A)["value"] == 2
    assert row(two_councils, "CLA_COUNT", LA_B)["value"] == 2  # 1 and 9 (8 adopted on 15 March)
    assert row(two_councils, "CONNECTED_CARERS_PCT", LA_A)["value"] == 50.0
    assert row(two_councils, "CONNECTED_CARERS_PCT", LA_B)["value"] == 0.0
    assert row(two_councils, "ADOPTIONS", LA_A)["value"] == 0
    assert row(two_councils, "ADOPTIONS", LA_B)["value"] == 1


def test_an_absent_table_nulls_only_that_council(two_councils):
    assert row(two_councils, "VISITS_ON_TIME_PCT", LA_B)["missing_tables"] == "Visits"
    assert row(two_councils, "VISITS_6_WEEKS_PCT", LA_A)["denominator"] == 2  # both in care over 42 days
    assert row(two_councils, "VISITS_6_WEEKS_PCT", LA_A)["value"] == 0  # Visits sent empty: 0 %, not null
