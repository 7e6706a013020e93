"""Reviews and initial health assessments around the Christmas bank holidays, on a hand-made
January 2025 extract (P = Friday 31 January 2025).

E, P counted back 20 working days, is Friday 3 January 2025: the IHA window is 4 October 2024 -
3 January 2025. From Friday 20 December 2024 the 20th working day is Wednesday 22 January 2025
(25, 26 December and 1 January skipped).
"""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

EPISODES = [
    episode("H1", "2024-12-20"),
    episode("H2", "2024-12-20"),
    episode("H3", "2024-10-03"),  # the day the window opens after: out
    episode("H4", "2024-10-04"),  # first day in the window
    episode("H5", "2025-01-03"),  # on E: its 20th working day is P
    episode("H6", "2025-01-04"),  # after E: out
    episode("H7", "2024-11-01", ls="V3"),  # respite: not a period of care
    episode("R3", "2024-09-10"),
    episode("R4", "2024-01-05"),
    episode("R5", "2023-01-01", "2024-12-01", rec="E4A"),
    episode("R5", "2024-12-30"),  # new period: reviews count again from the first
]


def check(child, day, kind="IHA"):
    return {"CHILD": child, "CHECK_TYPE": kind, "CHECK_DATE": day, "SDQ_SCORE": None}


HEALTH_CHECKS = [
    check("H1", "2025-01-22"),  # on the 20th working day: on time
    check("H2", "2025-01-23"),  # a day late
    check("H3", "2024-10-10"),
    check("H4", "2024-10-03"),  # before the start: does not count
    check("H4", "2024-10-10", "RHA"),  # not an IHA
    check("H5", "2025-01-31"),  # on P, the 20th working day
    check("H6", "2025-01-10"),
    check("H7", "2024-11-05"),
    check("R5", "2025-01-10"),  # R5's new period is in the window too: on time
]


def review(child, day):
    return {"CHILD": child, "DOB": "2012-06-15", "REVIEW": day, "REVIEW_CODE": "PN1"}


REVIEWS = [
    review("H1", "2025-01-22"),  # first, on the 20th working day: on time
    review("H2", "2025-01-23"),  # first, a day late
    review("R3", "2024-10-01"),
    review("R3", "2025-01-02"),  # second, due by 1 January (first + 3 months): late
    review("R4", "2024-01-20"),
    review("R4", "2024-04-20"),
    review("R4", "2024-10-20"),
    review("R4", "2025-01-15"),  # fourth, within 6 months of the third: on time
    review("R5", "2023-01-20"),
    review("R5", "2023-04-15"),
    review("R5", "2023-10-10"),
    review("R5", "2024-04-05"),
    review("R5", "2024-10-01"),
    # first of the new period (from Mon 30 Dec): due by Tue 28 January, held on the 29th: late -
    # although it is within 6 months of the old period's last review
    review("R5", "2025-01-29"),
]


@pytest.fixture(scope="module")
def scorecard(module_warehouse, tmp_path_factory):
    tables = {
        "Header": headers_for(EPISODES),
        "Episodes": EPISODES,
        "HealthChecks": HEALTH_CHECKS,
        "Reviews": REVIEWS,
    }
    return build_month(module_warehouse, tmp_path_factory.mktemp("working_days"), tables, month="2025-01")


def test_iha_within_20_working_days_skips_bank_holidays(scorecard):
    # periods started in (3 Oct 2024, 3 Jan 2025]: H1, H2, H4, H5, R5; on time: H1, H5, R5
    assert_figures(scorecard, "IHA_20_WORKING_DAYS_PCT", 3, 5, 60.0)


def test_reviews_on_time_restart_with_a_new_period(scorecard):
    # held in January: H1 (on time), H2, R3, R4 (on time), R5
    assert_figures(scorecard, "REVIEWS_ON_TIME_PCT", 2, 5, 40.0)
