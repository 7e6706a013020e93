"""Permanence and adoption indicators on a hand-made March 2024 extract (P = 31 March 2024;
12 months = 1 April 2023 - 31 March 2024; P - 4 months = 30 November 2023)."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

EPISODES = [
    # A1 adopted (E11) June 2023: order 1 Jun 2022, moved in 1 Oct 2022 (273 days after 1 Jan 2022)
    episode("A1", "2022-01-01", "2022-06-01"),
    episode("A1", "2022-06-01", "2022-10-01", rne="L", ls="E1"),
    episode("A1", "2022-10-01", "2023-06-30", rne="P", ls="E1", place="A6", rec="E11"),
    # A2 adopted (E12) on P: order 1 Jun 2023, moved in 15 Aug 2023 (217 days after 10 Jan 2023),
    # a second adoption episode later does not move the move-in day
    episode("A2", "2023-01-10", "2023-06-01"),
    episode("A2", "2023-06-01", "2023-08-15", rne="L", ls="E1"),
    episode("A2", "2023-08-15", "2023-10-01", rne="P", ls="E1", place="A5"),
    episode("A2", "2023-10-01", "2024-03-31", rne="P", ls="E1", place="A6", rec="E12"),
    # A3 adopted with no adoption placement episode: left out of the days measure
    episode("A3", "2023-03-01", "2023-09-01", rec="E11"),
    # A4 special guardianship (E45); A5 the legacy E43 on the window's first day
    episode("A4", "2020-01-01", "2023-05-01", rec="E45"),
    episode("A5", "2019-01-01", "2023-04-01", rec="E43"),
    # A6 ceased the day before the window
    episode("A6", "2020-01-01", "2023-03-31", rec="E4A"),
    # A7 returned to relatives
    episode("A7", "2023-01-01", "2023-12-01", rec="E13"),
    # A8 still in care: order 1 Sep 2022, moved in 1 May 2023 = 485 days after 1 Jan 2022
    episode("A8", "2022-01-01", "2022-09-01"),
    episode("A8", "2022-09-01", "2023-05-01", rne="L", ls="E1"),
    episode("A8", "2023-05-01", rne="P", ls="E1", place="A4"),
    # A9 moved in 1 Mar 2024 = 425 days after 1 Jan 2023 (under 426)
    episode("A9", "2023-01-01", "2024-03-01"),
    episode("A9", "2024-03-01", rne="P", place="A3"),
    # A10 period started on P - 4 months; A11 the day after
    episode("A10", "2023-11-30"),
    episode("A11", "2023-12-01"),
]
AD1 = [
    {"CHILD": "A2", "DATE_INT": "2023-03-01", "DATE_MATCH": "2023-08-01"},  # 61 days after the order
    {"CHILD": "A1", "DATE_INT": "2022-05-01", "DATE_MATCH": "2022-09-01"},  # matched before the window
    {"CHILD": "A8", "DATE_INT": "2022-12-01", "DATE_MATCH": "2023-04-20"},  # 231 days after the order
    {"CHILD": "A9", "DATE_INT": "2023-12-01", "DATE_MATCH": "2024-04-05"},  # matched after P
]
PLANS = [
    {"CHILD": "A8", "PLAN_TYPE": "ADOPTION", "PLAN_DATE": "2023-05-01", "RATIFIED_DATE": "2023-06-01"},
    {"CHILD": "A9", "PLAN_TYPE": "ADOPTION", "PLAN_DATE": "2023-05-01", "RATIFIED_DATE": None},
    {"CHILD": "A10", "PLAN_TYPE": "SGO", "PLAN_DATE": "2024-03-01", "RATIFIED_DATE": "2024-04-02"},
    {"CHILD": "A11", "PLAN_TYPE": "SGO", "PLAN_DATE": "2024-01-01", "RATIFIED_DATE": "2024-02-01"},
]


@pytest.fixture(scope="module")
def scorecard(duckdb_module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(EPISODES), "Episodes": EPISODES, "AD1": AD1, "PermanencePlans": PLANS}
    return build_month(duckdb_module_warehouse, tmp_path_factory.mktemp("adoption"), tables)


def test_permanence_plan_for_children_in_care_four_months(scorecard):
    # cohort A8, A9, A10 (started on P - 4 months); A11 too recent. Ratified by P: A8 only.
    assert_figures(scorecard, "PERMANENCE_PLAN_PCT", 1, 3, 100 / 3)


def test_ceased_adopted_over_all_ceased_in_twelve_months(scorecard):
    # ceased in window: A1, A2 (on P), A3, A4, A5 (first day), A7; adopted A1, A2, A3
    assert_figures(scorecard, "CEASED_ADOPTED_PCT", 3, 6, 50.0)


def test_ceased_sgo_includes_legacy_codes(scorecard):
    assert_figures(scorecard, "CEASED_SGO_PCT", 2, 6, 100 / 3)  # A4 (E45), A5 (E43)


def test_adoptions_in_twelve_months(scorecard):
    assert_figures(scorecard, "ADOPTIONS", 3, None, 3)


def test_entry_to_placed_days_uses_the_first_adoption_episode(scorecard):
    # A1 273, A2 217 (A3 has no adoption episode)
    assert_figures(scorecard, "ADOPTION_ENTRY_TO_PLACED_DAYS", 490, 2, 245.0)


def test_order_to_match_days_for_matches_in_twelve_months(scorecard):
    # A2 61, A8 231 (A1 matched before the window, A9 after P)
    assert_figures(scorecard, "ADOPTION_ORDER_TO_MATCH_DAYS", 292, 2, 146.0)


def test_under_14_months_by_move_in_day_in_twelve_months(scorecard):
    # moved in within the window: A2 (217), A8 (485), A9 (425) - under 426: A2, A9
    assert_figures(scorecard, "ADOPTION_UNDER_14_MONTHS_PCT", 2, 3, 200 / 3)
