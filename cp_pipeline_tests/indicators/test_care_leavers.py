"""Care-leaver indicators on a hand-made March 2024 extract (P = 31 March 2024): each young
person's latest contact on or before P, age at P from its DOB."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for


def contact(child, dob, day, activ, accom, in_touch, plan=None, pa=None):
    return {
        "CHILD": child,
        "DOB": dob,
        "CONTACT_DATE": day,
        "IN_TOUCH": in_touch,
        "ACTIV": activ,
        "ACCOM": accom,
        "PATHWAY_PLAN_DATE": plan,
        "PA_ID": pa,
    }


CONTACTS = [
    # CL1, 19: EET, suitable, in touch, plan in 6 months; the contact after P is ignored
    contact("CL1", "2004-06-01", "2024-01-10", "F1", "B1", "YES", "2023-12-01", "PA1"),
    contact("CL1", "2004-06-01", "2024-04-05", "G4", "B2", "NO", None, None),
    # CL2, 21 (22 the day after P): NEET, unsuitable, not in touch, plan a day before the 6 months
    contact("CL2", "2002-04-01", "2023-06-01", "F2", "B1", "YES", "2023-06-01", "PA1"),
    contact("CL2", "2002-04-01", "2024-02-01", "G4", "B2", "NO", "2023-09-30", None),
    # CL3, 22 at P: out of every cohort
    contact("CL3", "2002-03-31", "2024-03-01", "F1", "B1", "YES", "2024-03-01", "PA1"),
    # CL4, 18: only in the 16-21 pathway plan group; plan on P
    contact("CL4", "2005-04-01", "2024-03-31", "F1", "B1", "YES", "2024-03-31", "PA2"),
    # CL5, 19 on P: latest contact on P, EET, suitable, not in touch, no plan
    contact("CL5", "2005-03-31", "2023-12-01", "F1", "B2", "YES", "2023-12-01", None),
    contact("CL5", "2005-03-31", "2024-03-31", "P5", "T1", "NO", None, "PA2"),
]
WORKFORCE = [
    {
        "WORKER_ID": "PA1",
        "ROLE": "PA",
        "TEAM": "Leaving care",
        "FTE": 1.0,
        "START_DATE": "2020-01-01",
        "END_DATE": None,
        "AGENCY": "N",
    },
    {
        "WORKER_ID": "PA2",
        "ROLE": "PA",
        "TEAM": "Leaving care",
        "FTE": 0.5,
        "START_DATE": "2020-01-01",
        "END_DATE": "2024-03-31",
        "AGENCY": "N",
    },  # leaves on P: still in post
    {
        "WORKER_ID": "PA3",
        "ROLE": "PA",
        "TEAM": "Leaving care",
        "FTE": 1.0,
        "START_DATE": "2020-01-01",
        "END_DATE": "2024-03-30",
        "AGENCY": "N",
    },  # left
]
EPISODES = [episode("Z1", "2023-01-01")]


@pytest.fixture(scope="module")
def scorecard(module_warehouse, tmp_path_factory):
    tables = {
        "Header": headers_for(EPISODES),
        "Episodes": EPISODES,
        "CareLeaverContacts": CONTACTS,
        "Workforce": WORKFORCE,
    }
    return build_month(module_warehouse, tmp_path_factory.mktemp("care_leavers"), tables)


def test_care_leavers_eet_from_latest_contact_by_p(scorecard):
    assert_figures(scorecard, "CARE_LEAVERS_EET_PCT", 2, 3, 200 / 3)  # cohort CL1, CL2, CL5; EET CL1, CL5


def test_care_leavers_suitable_accommodation(scorecard):
    assert_figures(scorecard, "CARE_LEAVERS_SUITABLE_ACCOM_PCT", 2, 3, 200 / 3)  # B1, T1


def test_care_leavers_in_touch(scorecard):
    assert_figures(scorecard, "CARE_LEAVERS_IN_TOUCH_PCT", 1, 3, 100 / 3)  # CL1


def test_pathway_plan_for_care_leavers_aged_16_to_21(scorecard):
    # CL1, CL2, CL4, CL5; plan dated 1 Oct 2023 - 31 Mar 2024: CL1, CL4
    assert_figures(scorecard, "PATHWAY_PLAN_PCT", 2, 4, 50.0)


def test_personal_adviser_caseload_over_fte_in_post(scorecard):
    # CL1 (PA1), CL5 (PA2) over PA1 1.0 + PA2 0.5 FTE
    assert_figures(scorecard, "PA_AVG_CASELOAD", 2, 1.5, 2 / 1.5)
