"""Annual health and dental checks and SDQ on a hand-made March 2024 extract (P = 31 March 2024;
in care 12 months or more = period started on or before 31 March 2023; 12 months = 1 April 2023 -
31 March 2024)."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

EPISODES = [
    episode("G1", "2023-03-31"),  # exactly 12 months: in
    episode("G2", "2023-04-01"),  # a day short: out
    episode("G3", "2020-01-01"),
    episode("G4", "2020-01-01"),
    episode("G5", "2020-01-01"),
    episode("G6", "2020-01-01"),
]
DOBS = {
    "G1": "2015-01-01",
    "G2": "2015-01-01",
    "G3": "2007-03-31",  # 17 at P: too old for SDQ
    "G4": "2020-03-31",  # 4 on P: young enough
    "G5": "2008-03-31",  # 16 on P: still in
    "G6": "2012-01-01",
}


def check(child, day, kind, score=None):
    return {"CHILD": child, "CHECK_TYPE": kind, "CHECK_DATE": day, "SDQ_SCORE": score}


CHECKS = [
    check("G1", "2023-04-01", "RHA"),  # first day of the 12 months
    check("G1", "2023-03-31", "DENTAL"),  # the day before
    check("G1", "2023-05-01", "SDQ", 10),
    check("G1", "2024-01-01", "SDQ", 14),  # latest
    check("G2", "2024-01-01", "RHA"),
    check("G2", "2024-01-01", "DENTAL"),
    check("G2", "2024-01-01", "SDQ", 20),
    check("G3", "2023-06-01", "IHA"),
    check("G3", "2024-03-31", "DENTAL"),
    check("G3", "2024-01-01", "SDQ", 30),
    check("G4", "2023-05-01", "DENTAL"),
    check("G4", "2023-04-01", "SDQ", 8),
    check("G4", "2024-04-05", "SDQ", 40),  # after P
    check("G5", "2024-04-01", "RHA"),  # after P
    check("G5", "2023-03-31", "SDQ", 20),  # before the 12 months: no score
    check("G6", "2023-12-01", "SDQ", 12),
    check("G6", "2024-02-01", "SDQ", None),  # no score: the latest with a score stands
]


@pytest.fixture(scope="module")
def scorecard(duckdb_module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(EPISODES, dobs=DOBS), "Episodes": EPISODES, "HealthChecks": CHECKS}
    return build_month(duckdb_module_warehouse, tmp_path_factory.mktemp("health"), tables)


def test_health_assessment_for_children_in_care_twelve_months(scorecard):
    # cohort G1, G3, G4, G5, G6; IHA/RHA in 12 months: G1, G3
    assert_figures(scorecard, "HEALTH_ASSESSMENT_PCT", 2, 5, 40.0)


def test_dental_check_in_twelve_months(scorecard):
    assert_figures(scorecard, "DENTAL_CHECK_PCT", 2, 5, 40.0)  # G3 (on P), G4


def test_sdq_average_of_latest_scores_aged_4_to_16(scorecard):
    # G1 14, G4 8, G6 12 (G2 too recent in care, G3 aged 17, G5 no score in 12 months)
    assert_figures(scorecard, "SDQ_AVERAGE", 34, 3, 34 / 3)
