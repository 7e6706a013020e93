"""Workforce, caseload and carer-approval indicators on a hand-made March 2024 extract
(P = 31 March 2024; in post = started on or before P and not left before P)."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for


def worker(worker_id, role, fte, start="2020-01-01", end=None, agency="N"):
    return {
        "WORKER_ID": worker_id,
        "ROLE": role,
        "TEAM": "CLA",
        "FTE": fte,
        "START_DATE": start,
        "END_DATE": end,
        "AGENCY": agency,
    }


WORKFORCE = [
    worker("W1", "SW", 0.5),
    worker("W2", "SW", 1.0, start="2023-01-01", agency="Y"),
    worker("W3", "SW", 1.0, start="2024-04-01"),  # starts after P
    worker("W4", "SW", 1.0, end="2024-03-30"),  # left before P
    worker("W5", "SW", 1.0, end="2024-03-31"),  # leaves on P: in post
    worker("PA1", "PA", 1.0),
    worker("TM1", "TM", 1.0, agency="Y"),
]
CHILDREN = [f"Y{i}" for i in range(1, 15)]
EPISODES = [episode(c, "2023-01-01") for c in CHILDREN if c != "Y14"] + [
    episode("Y14", "2023-01-01", "2024-02-01", rec="E4A")  # not looked after at P
]


def allocation(child, sw_id, start="2023-01-01", end=None):
    return {
        "CHILD": child,
        "DOB": "2012-06-15",
        "SW_ID": sw_id,
        "SW_DECOM": start,
        "SW_DEC": end,
        "SW_REASON": None,
    }


SW_EPISODES = (
    [allocation(f"Y{i}", "W1") for i in range(1, 9)]  # 8 children at 0.5 FTE = 16
    + [allocation(f"Y{i}", "W2") for i in (9, 10, 11)]
    + [
        allocation("Y12", "W2", end="2024-03-31"),  # closed on P: not open at P
        allocation("Y12", "W5", start="2024-03-31"),
        allocation("Y13", "W3"),  # worker not in post
        allocation("Y14", "W1"),  # child not looked after at P
    ]
)
ESTABLISHMENT = [
    {"TEAM": "CLA", "ROLE": "SW", "POSTS_FTE": 4.0},
    {"TEAM": "Leaving care", "ROLE": "PA", "POSTS_FTE": 2.0},
    {"TEAM": "CLA", "ROLE": "TM", "POSTS_FTE": 1.0},
]


def carer(carer_type, event, day):
    return {"CARER_TYPE": carer_type, "EVENT": event, "EVENT_DATE": day}


APPROVALS = [
    carer("FOSTER", "APPROVED", "2023-04-01"),  # first day of the 12 months
    carer("FOSTER", "APPROVED", "2024-03-31"),
    carer("FOSTER", "APPROVED", "2023-03-31"),  # before
    carer("FOSTER", "APPROVED", "2024-04-01"),  # after P
    carer("FOSTER", "DEREGISTERED", "2023-06-01"),
    carer("ADOPTER", "APPROVED", "2023-10-01"),
    carer("ADOPTER", "DEREGISTERED", "2023-11-01"),
]


@pytest.fixture(scope="module")
def scorecard(module_warehouse, tmp_path_factory):
    tables = {
        "Header": headers_for(EPISODES),
        "Episodes": EPISODES,
        "Workforce": WORKFORCE,
        "SWEpisodes": SW_EPISODES,
        "Establishment": ESTABLISHMENT,
        "CarerApprovals": APPROVALS,
    }
    return build_month(module_warehouse, tmp_path_factory.mktemp("workforce"), tables)


def test_social_worker_average_caseload_over_fte(scorecard):
    # Y1-Y8 (W1), Y9-Y11 (W2), Y12 (W5) = 12 over 0.5 + 1.0 + 1.0 FTE
    assert_figures(scorecard, "SW_AVG_CASELOAD", 12, 2.5, 4.8)


def test_caseload_per_fte_between_15_and_20(scorecard):
    # W1: 8 / 0.5 = 16 (in); W2: 3; W5: 1
    assert_figures(scorecard, "SW_CASELOAD_15_20_PCT", 1, 3, 100 / 3)


def test_vacancy_over_establishment_all_roles(scorecard):
    # establishment 7.0; in post W1 0.5, W2 1, W5 1, PA1 1, TM1 1 = 4.5
    assert_figures(scorecard, "VACANCY_PCT", 2.5, 7.0, 250 / 7)


def test_agency_fte_over_fte_in_post(scorecard):
    assert_figures(scorecard, "AGENCY_PCT", 2.0, 4.5, 200 / 4.5)  # W2, TM1


def test_foster_carers_approved_in_twelve_months(scorecard):
    assert_figures(scorecard, "FOSTER_CARERS_APPROVED", 2, None, 2)


def test_adopters_approved_in_twelve_months(scorecard):
    assert_figures(scorecard, "ADOPTERS_APPROVED", 1, None, 1)
