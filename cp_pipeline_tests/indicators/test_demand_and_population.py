"""Demand and population indicators on a hand-made March 2024 extract (P = 31 March 2024).

Children in the extract and what each proves:
  C1  in care since 1 May 2023                              looked after at P
  C2  respite (LS V3) from 10 March                         respite is not care
  C3  1 Jan 2022 - 31 Mar 2024 (E4A)                        DEC equal to P: ceased in month, not looked after at P
  C4  1 Nov 2023 -X1-> 1 Feb 2024 (RNE P), open            a same-day chain is one period; first CIN is N2
  C5  1 Dec 2023 - 10 Jan 2024, new period from 11 Jan     a one-day gap starts a new period
  C6  started 5 March 2024 (N1)                             started in month
  C7  10 - 20 March 2024 (N4, E13)                          started and ceased in month
  C8  starts 2 April 2024                                   after P: never counted
  C9  1 Jan 2023 - 3 April 2024                             DEC after P: looked after at P, not ceased
"""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

EPISODES = [
    episode("C1", "2023-05-01"),
    episode("C2", "2024-03-10", ls="V3"),
    episode("C3", "2022-01-01", "2024-03-31", rec="E4A"),
    episode("C4", "2023-11-01", "2024-02-01", cin="N2", rec="X1"),
    episode("C4", "2024-02-01", rne="P", cin="N1", place="U6"),
    episode("C5", "2023-12-01", "2024-01-10", rec="E4A"),
    episode("C5", "2024-01-11"),
    episode("C6", "2024-03-05"),
    episode("C7", "2024-03-10", "2024-03-20", cin="N4", rec="E13"),
    episode("C8", "2024-04-02"),
    episode("C9", "2023-01-01", "2024-04-03", rec="E4A"),
]
UASC = [
    {"CHILD": "C1", "SEX": "M", "DOB": "2012-06-15", "DUC": None},  # still UASC
    {"CHILD": "C4", "SEX": "M", "DOB": "2012-06-15", "DUC": "2024-03-31"},  # DUC = P: no longer
    {"CHILD": "C5", "SEX": "M", "DOB": "2012-06-15", "DUC": "2024-04-30"},  # DUC after P
    {"CHILD": "C3", "SEX": "M", "DOB": "2012-06-15", "DUC": None},  # not looked after at P
]
EDGE_OF_CARE = [
    # E-101 not in care: ended, diverted
    {"CHILD": "101", "SERVICE": "F4F", "START_DATE": "2023-06-01", "END_DATE": "2023-12-31", "LEVEL": "CIN"},
    # C6: support ended, then started care on 5 March 2024: not diverted
    {"CHILD": "C6", "SERVICE": "F4F", "START_DATE": "2023-09-01", "END_DATE": "2024-02-28", "LEVEL": "CP"},
    # 102: still supported: not in the denominator
    {"CHILD": "102", "SERVICE": "F4F", "START_DATE": "2024-01-01", "END_DATE": None, "LEVEL": "CIN"},
    # 103: a later spell of support ends after P: not ended
    {"CHILD": "103", "SERVICE": "F4F", "START_DATE": "2023-01-01", "END_DATE": "2023-06-30", "LEVEL": "CIN"},
    {"CHILD": "103", "SERVICE": "F4F", "START_DATE": "2024-02-01", "END_DATE": "2024-04-15", "LEVEL": "CIN"},
    # C1: support ended in 2022, came into care in May 2023 (between support start and P): not diverted
    {"CHILD": "C1", "SERVICE": "F4F", "START_DATE": "2022-01-01", "END_DATE": "2022-06-01", "LEVEL": "CP"},
    # 104: ended, never in care: diverted
    {"CHILD": "104", "SERVICE": "F4F", "START_DATE": "2023-02-01", "END_DATE": "2023-03-01", "LEVEL": "CIN"},
    # C9: came into care on the day support started (both ends included): not diverted
    {"CHILD": "C9", "SERVICE": "F4F", "START_DATE": "2023-01-01", "END_DATE": "2023-02-01", "LEVEL": "CIN"},
]
POPULATION = "la_code,year,population_0_17\nE06000002,2020,100000\nE06000002,2023,50000\nE06000002,2025,1\n"


@pytest.fixture(scope="module")
def scorecard(module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(EPISODES), "Episodes": EPISODES, "UASC": UASC, "EdgeOfCare": EDGE_OF_CARE}
    return build_month(
        module_warehouse,
        tmp_path_factory.mktemp("demand"),
        tables,
        reference_files={"population.csv": POPULATION},
    )


def test_cla_count_leaves_out_respite_leavers_on_p_and_later_starters(scorecard):
    # C1, C4, C5, C6, C9
    assert_figures(scorecard, "CLA_COUNT", 5, None, 5)


def test_cla_rate_uses_the_latest_population_year_on_or_before_p(scorecard):
    # 2023's 50,000 (2025 is after P's year): 10000 * 5 / 50000
    assert_figures(scorecard, "CLA_RATE_10K", 5, 50000, 1.0)


def test_cla_started_counts_periods_started_in_month(scorecard):
    # C6 (5 Mar), C7 (10 Mar); not C2 (respite) nor C8 (after P)
    assert_figures(scorecard, "CLA_STARTED", 2, None, 2)


def test_cla_ceased_counts_periods_ending_in_month_including_on_p(scorecard):
    # C3 (DEC = P), C7; C4's X1 chain is not a cease, C9 ends after P
    assert_figures(scorecard, "CLA_CEASED", 2, None, 2)


def test_start_cease_ratio_over_six_calendar_months(scorecard):
    # 1 Oct 2023 - 31 Mar 2024. Started: C4, C5 (Dec), C5 (Jan, after a one-day gap), C6, C7 = 5.
    # Ceased: C5 (10 Jan), C3, C7 = 3.
    assert_figures(scorecard, "START_CEASE_RATIO", 5, 3, 5 / 3)


def test_average_weeks_in_care_of_periods_ceased_in_month(scorecard):
    # C3: 1 Jan 2022 - 31 Mar 2024 = 820 days; C7: 10 days
    assert_figures(scorecard, "AVG_WEEKS_IN_CARE_CEASED", 830 / 7, 2, 830 / 14)


def test_starters_abuse_neglect_reads_the_first_episode_of_the_period(scorecard):
    # Starters in 6 months: C4 (first CIN N2, later N1), C5 Dec (N1), C5 Jan (N1), C6 (N1), C7 (N4)
    assert_figures(scorecard, "STARTERS_ABUSE_NEGLECT", 3, 5, 60.0)


def test_uasc_count_excludes_duc_equal_to_p(scorecard):
    # C1 (no DUC), C5 (DUC after P); C4's DUC is P; C3 not looked after
    assert_figures(scorecard, "UASC_COUNT", 2, None, 2)


def test_edge_of_care_diverted_counts_children_whose_support_ended(scorecard):
    # Ended: 101, C6, C1, 104, C9 (102 open, 103 ends after P). Diverted: 101, 104.
    assert_figures(scorecard, "EDGE_OF_CARE_DIVERTED", 2, 5, 40.0)
