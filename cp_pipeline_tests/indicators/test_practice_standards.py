"""Visits, supervision, PEP and school indicators on hand-made March 2024 extracts
(P = 31 March 2024; the last 6 weeks = 19 February - 31 March 2024)."""

import pytest

from cp_pipeline_tests.indicators.handmade_extract import assert_figures, build_month, episode, headers_for

# ---- visits and supervision ---------------------------------------------------------------
# V1, V2, V3, V6 in care since 2023; V4 since 18 Feb 2024 (exactly 42 days before P); V5 since 19 Feb
SEEN = [episode(c, "2023-01-01") for c in ("V1", "V2", "V3", "V6")] + [
    episode("V4", "2024-02-18"),
    episode("V5", "2024-02-19"),
]


def visit(child, visit_date, due_date, visit_type="STAT"):
    return {
        "CHILD": child,
        "VISIT_DATE": visit_date,
        "DUE_DATE": due_date,
        "VISIT_TYPE": visit_type,
        "SEEN_ALONE": "Y",
        "WORKER_ID": "W1",
    }


VISITS = [
    visit("V1", "2024-02-19", "2024-02-20"),  # first day of the 6 weeks
    visit("V2", "2024-02-18", "2024-02-18"),  # the day before: not in the 6 weeks
    visit("V3", "2024-03-10", "2024-03-10", "OTHER"),  # not statutory
    visit("V4", "2024-03-20", "2024-03-31"),  # due on P, made early: on time
    visit("V6", "2024-04-02", "2024-04-01"),  # after P
    visit("V1", "2024-03-05", "2024-03-05"),  # on the day: on time
    visit("V5", "2024-03-11", "2024-03-10"),  # late
    visit("V5", None, "2024-03-15"),  # never made: late
    visit("V5", "2024-03-01", "2024-02-29"),  # due in February
]
SUPERVISIONS = [
    {"CHILD": "V1", "SUPERVISION_DATE": "2024-03-01", "WORKER_ID": "TM1"},
    {"CHILD": "V2", "SUPERVISION_DATE": "2024-02-29", "WORKER_ID": "TM1"},
    {"CHILD": "V3", "SUPERVISION_DATE": "2024-03-31", "WORKER_ID": "TM1"},
    {"CHILD": "V4", "SUPERVISION_DATE": "2024-04-01", "WORKER_ID": "TM1"},
]


@pytest.fixture(scope="module")
def seen(duckdb_module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(SEEN), "Episodes": SEEN, "Visits": VISITS, "Supervisions": SUPERVISIONS}
    return build_month(duckdb_module_warehouse, tmp_path_factory.mktemp("seen"), tables)


def test_seen_in_the_last_six_weeks(seen):
    # cohort V1, V2, V3, V4, V6 (V5 started 41 days before P); seen: V1 (on 19 Feb), V4
    assert_figures(seen, "VISITS_6_WEEKS_PCT", 2, 5, 40.0)


def test_statutory_visits_due_in_month_on_time(seen):
    # due in March (STAT): V4 on time, V1 on time, V5 late, V5 never made
    assert_figures(seen, "VISITS_ON_TIME_PCT", 2, 4, 50.0)


def test_supervision_in_month(seen):
    # V1 (1 Mar), V3 (31 Mar) of six looked after
    assert_figures(seen, "SUPERVISION_IN_MONTH_PCT", 2, 6, 100 / 3)


# ---- education: the 31 August before P is 31 August 2023 ---------------------------------------
SCHOOL_AGE_DOBS = {
    "K1": "2019-08-31",  # 4 on 31 Aug 2023: school age
    "K2": "2019-09-01",  # 3 on 31 Aug 2023 (4 at P): not yet
    "K3": "2007-09-01",  # 15 on 31 Aug 2023 (16 at P): still school age
    "K4": "2007-08-31",  # 16 on 31 Aug 2023: past school age
    "K5": "2012-05-05",
    "K6": "2012-05-05",
}
PUPILS = [episode(c, "2022-01-01") for c in SCHOOL_AGE_DOBS]
PEPS = [
    {"CHILD": "K1", "PEP_DATE": "2023-10-01", "PEP_STATUS": "COMPLETE"},  # first day of the 6 months
    {"CHILD": "K2", "PEP_DATE": "2024-01-01", "PEP_STATUS": "COMPLETE"},  # not school age
    {"CHILD": "K3", "PEP_DATE": "2024-01-01", "PEP_STATUS": "DRAFT"},  # not complete
    {"CHILD": "K4", "PEP_DATE": "2024-01-01", "PEP_STATUS": "COMPLETE"},  # not school age
    {"CHILD": "K5", "PEP_DATE": "2023-09-30", "PEP_STATUS": "COMPLETE"},  # before the 6 months
    {"CHILD": "K6", "PEP_DATE": "2024-03-31", "PEP_STATUS": "COMPLETE"},  # on P
]
SCHOOLS = [
    {"CHILD": "K1", "URN": "100001", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "NONE"},
    {"CHILD": "K2", "URN": "100001", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "NONE"},
    {"CHILD": "K3", "URN": "100002", "START_DATE": "2022-09-01", "END_DATE": "2024-03-31", "SEN": "EHCP"},
    # 16 on 31 August: past school age, whatever the school (the cohort's upper bound)
    {"CHILD": "K4", "URN": "100001", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "NONE"},
    {"CHILD": "K5", "URN": "100003", "START_DATE": "2022-09-01", "END_DATE": "2024-03-30", "SEN": "NONE"},
    {"CHILD": "K6", "URN": "100004", "START_DATE": "2022-09-01", "END_DATE": None, "SEN": "SEN_SUPPORT"},
]
RATINGS = (
    "URN,ofsted_rating,inspected_date\n"
    "100001,3,2020-01-01\n100001,2,2023-06-01\n"  # latest by P: good
    "100002,1,2019-01-01\n100002,4,2024-04-10\n"  # the inadequate rating comes after P
    "100003,1,2019-01-01\n"
)


@pytest.fixture(scope="module")
def pupils(duckdb_module_warehouse, tmp_path_factory):
    tables = {
        "Header": headers_for(PUPILS, dobs=SCHOOL_AGE_DOBS),
        "Episodes": PUPILS,
        "PEPs": PEPS,
        "Schools": SCHOOLS,
    }
    return build_month(
        duckdb_module_warehouse,
        tmp_path_factory.mktemp("pupils"),
        tables,
        reference_files={"school_ratings.csv": RATINGS},
    )


def test_pep_for_statutory_school_age_uses_the_31_august_before_p(pupils):
    # school age: K1, K3, K5, K6; complete PEP in 6 months: K1, K6
    assert_figures(pupils, "PEP_6_MONTHS_PCT", 2, 4, 50.0)


def test_good_school_uses_the_latest_rating_by_p_and_keeps_unrated_schools(pupils):
    # school age with a school open at P: K1 (good), K3 (outstanding by P), K6 (unrated); K5's ended
    assert_figures(pupils, "GOOD_SCHOOL_PCT", 2, 3, 200 / 3)
