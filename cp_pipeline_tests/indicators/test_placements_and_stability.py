"""Placements and stability indicators on hand-made March 2024 extracts (P = 31 March 2024)."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

# ---- where children live at P -----------------------------------------------------------------
# P1 U1 PR2 in area        P2 U4 PR1 out of area     P3 U5 PR4, no postcode
# P4 P1 on C2, district not in the reference          P5 P1 on V2 (not a care order), in area
# P6 K2 PR1 out of area    P7 U2 PR1 in area
PLACED = [
    episode("P1", "2021-01-01", place="U1", provider="PR2", pl_post="AB1 2CD"),
    episode("P2", "2023-06-01", place="U4", provider="PR1", pl_post="XY9 1AA"),
    episode("P3", "2023-06-01", place="U5", provider="PR4"),
    episode("P4", "2023-06-01", ls="C2", place="P1", provider="PR0", pl_post="ZZ1 1ZZ"),
    episode("P5", "2023-06-01", ls="V2", place="P1", provider="PR0", pl_post="AB1 3EF"),
    episode("P6", "2023-06-01", place="K2", provider="PR1", pl_post="XY9 2BB"),
    episode("P7", "2023-06-01", place="U2", provider="PR1", pl_post="AB1 4GH"),
]
UASC = [
    {"CHILD": "P1", "SEX": "M", "DOB": "2012-06-15", "DUC": None},
    {"CHILD": "P2", "SEX": "M", "DOB": "2012-06-15", "DUC": None},
    {"CHILD": "P6", "SEX": "M", "DOB": "2012-06-15", "DUC": "2024-03-31"},  # DUC = P: no longer UASC
]
DISTRICTS = "postcode_district,la_code\nAB1,E06000002\nXY9,E06000099\n"
COSTS = (
    "la_code,placement_group,weekly_cost,from_month\n"
    "E06000002,connected-person foster,200,2023-04\n"
    "E06000002,connected-person foster,250,2024-04\n"  # after P's month: not yet
    "E06000002,in-house foster,400,2023-04\n"
    "E06000002,in-house foster,450,2024-01\n"  # latest on or before March 2024
    "E06000002,agency (IFA) foster,800,2023-04\n"
    "E06000002,in-house residential,3000,2023-04\n"
    "E06000099,in-house foster,9999,2023-04\n"  # another council's cost
)


@pytest.fixture(scope="module")
def placed(module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(PLACED), "Episodes": PLACED, "UASC": UASC}
    return build_month(
        module_warehouse,
        tmp_path_factory.mktemp("placed"),
        tables,
        reference_files={"postcode_districts.csv": DISTRICTS, "placement_costs.csv": COSTS},
    )


def test_placed_with_parents_needs_a_care_order(placed):
    assert_figures(placed, "PLACED_WITH_PARENTS", 1, None, 1)  # P4 (C2), not P5 (V2)


def test_connected_carers_are_u1_to_u3_whoever_provides(placed):
    assert_figures(placed, "CONNECTED_CARERS_PCT", 2, 7, 200 / 7)  # P1, P7


def test_in_house_foster_is_u1_to_u6_provided_by_the_council(placed):
    assert_figures(placed, "IN_HOUSE_FOSTER_PCT", 2, 7, 200 / 7)  # P2 (U4 PR1), P7 (U2 PR1)


def test_out_of_area_is_over_children_with_a_known_placement_council(placed):
    # known: P1 in, P2 out, P5 in, P6 out, P7 in (P3 no postcode, P4 district not listed)
    assert_figures(placed, "OUT_OF_AREA_PCT", 2, 5, 40.0)


def test_uasc_out_of_area_is_restricted_to_uasc_at_p(placed):
    # UASC at P: P1 (in), P2 (out); P6's DUC is P
    assert_figures(placed, "UASC_OUT_OF_AREA_PCT", 1, 2, 50.0)


def test_placement_weekly_cost_uses_the_latest_cost_by_p(placed):
    # P1 200 + P2 450 + P3 800 + P4 0 + P5 0 (no cost for placed with parents) + P6 3000 + P7 200
    assert_figures(placed, "PLACEMENT_WEEKLY_COST", 4650, None, 4650)


def test_spend_per_head_is_52_weeks_of_cost_over_population(placed):
    assert_figures(placed, "SPEND_PER_HEAD_0_17", 52 * 4650, 100000, 52 * 4650 / 100000)


# ---- placement histories: 3+ placements and long-term stability ------------------------------
# The 12 months are 1 April 2023 - 31 March 2024; P - 30 months = 30 Sep 2021; P - 24 months = 31 Mar 2022.
HISTORIES = [
    # S1: three placements in the window (new placement on RNE P): 3+
    episode("S1", "2023-01-01", "2023-05-01"),
    episode("S1", "2023-05-01", "2023-09-01", rne="P", place="U6"),
    episode("S1", "2023-09-01", rne="P", place="U5"),
    # S2: L-only changes continue the placement: 1
    episode("S2", "2023-01-01", "2023-05-01"),
    episode("S2", "2023-05-01", "2023-09-01", rne="L", ls="E1"),
    episode("S2", "2023-09-01", rne="L", ls="C1"),
    # S3: a temporary placement (T2) is not a placement: U4, U4 again = 2
    episode("S3", "2023-06-01", "2023-07-01"),
    episode("S3", "2023-07-01", "2023-07-10", rne="P", place="T2"),
    episode("S3", "2023-07-10", rne="P"),
    # S4: a placement of an earlier period with days in the window counts: 3
    episode("S4", "2023-02-01", "2023-06-01", rec="E4A"),
    episode("S4", "2023-08-01", "2023-10-01", place="U6"),
    episode("S4", "2023-10-01", rne="P", place="U5"),
    # S5: a placement ending on the window's first day has no day in it: 2
    episode("S5", "2022-01-01", "2023-04-01"),
    episode("S5", "2023-04-01", "2023-08-01", rne="P", place="U6"),
    episode("S5", "2023-08-01", rne="P", place="U5"),
    # L1: in care since 2020, same placement: stable
    episode("L1", "2020-01-01"),
    # L2: in care since 2020, moved in 2023: not stable
    episode("L2", "2020-01-01", "2023-01-01"),
    episode("L2", "2023-01-01", rne="P", place="U6"),
    # L3: placed for adoption in Nov 2023; the placement before (from 2021, across an L change) counts
    episode("L3", "2021-01-01", "2022-01-15"),
    episode("L3", "2022-01-15", "2023-11-01", rne="L", ls="E1"),
    episode("L3", "2023-11-01", rne="P", ls="E1", place="A6"),
    # L4: aged 16 at P: out of the long-term cohort
    episode("L4", "2019-01-01"),
    # L5: period started 1 Oct 2021, after P - 30 months: out of the cohort
    episode("L5", "2021-10-01"),
    # L6: period started on P - 30 months, placement started on P - 24 months: in, stable
    episode("L6", "2021-09-30", "2022-03-31"),
    episode("L6", "2022-03-31", rne="P", place="U6"),
]
DOBS = {"L3": "2018-01-01", "L4": "2008-03-31"}


@pytest.fixture(scope="module")
def histories(module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(HISTORIES, dobs=DOBS), "Episodes": HISTORIES}
    return build_month(module_warehouse, tmp_path_factory.mktemp("histories"), tables)


def test_three_or_more_placements_in_twelve_months(histories):
    # 11 looked after at P; S1 and S4 have 3 placements with a day in the window
    assert_figures(histories, "STABILITY_3PLUS", 2, 11, 200 / 11)


def test_long_term_stability_with_the_placed_for_adoption_exception(histories):
    # cohort: L1, L2, L3, L6 (L4 aged 16, L5 too recent, S* too recent); stable: L1, L3, L6
    assert_figures(histories, "STABILITY_LONG_TERM", 3, 4, 75.0)
