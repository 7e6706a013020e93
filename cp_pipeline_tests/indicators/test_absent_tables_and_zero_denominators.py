"""An absent table is not an empty one: every indicator reading it is null (value, numerator and
denominator) and names the missing extract; an empty month gives zero counts and null percents."""

import pytest

from cp_pipeline.indicators.catalogue import catalogue
from cp_pipeline_tests.indicators.handmade_extract import build_month, episode, headers_for, is_null, row

# indicators.md, Precise readings, "Absent tables" - written out here, not read from the catalogue.
READS = {
    "UASC_COUNT": {"UASC"},
    "UASC_OUT_OF_AREA_PCT": {"UASC"},
    "EDGE_OF_CARE_DIVERTED": {"EdgeOfCare"},
    "PERMANENCE_PLAN_PCT": {"PermanencePlans"},
    "ADOPTION_ORDER_TO_MATCH_DAYS": {"AD1"},
    "VISITS_6_WEEKS_PCT": {"Visits"},
    "VISITS_ON_TIME_PCT": {"Visits"},
    "REVIEWS_ON_TIME_PCT": {"Reviews"},
    "SUPERVISION_IN_MONTH_PCT": {"Supervisions"},
    "PEP_6_MONTHS_PCT": {"PEPs"},
    "GOOD_SCHOOL_PCT": {"Schools"},
    "IHA_20_WORKING_DAYS_PCT": {"HealthChecks"},
    "HEALTH_ASSESSMENT_PCT": {"HealthChecks"},
    "DENTAL_CHECK_PCT": {"HealthChecks"},
    "SDQ_AVERAGE": {"HealthChecks"},
    "MISSING_CHILDREN": {"Missing"},
    "MISSING_INCIDENTS": {"Missing"},
    "MISSING_AVG_HOURS": {"Missing"},
    "MISSING_RHI_PCT": {"Missing"},
    "EXPLOITATION_RISK": {"Exploitation"},
    "CARE_LEAVERS_EET_PCT": {"CareLeaverContacts"},
    "CARE_LEAVERS_SUITABLE_ACCOM_PCT": {"CareLeaverContacts"},
    "CARE_LEAVERS_IN_TOUCH_PCT": {"CareLeaverContacts"},
    "PATHWAY_PLAN_PCT": {"CareLeaverContacts"},
    "SW_AVG_CASELOAD": {"SWEpisodes", "Workforce"},
    "SW_CASELOAD_15_20_PCT": {"SWEpisodes", "Workforce"},
    "PA_AVG_CASELOAD": {"CareLeaverContacts", "Workforce"},
    "VACANCY_PCT": {"Establishment", "Workforce"},
    "AGENCY_PCT": {"Workforce"},
    "FOSTER_CARERS_APPROVED": {"CarerApprovals"},
    "ADOPTERS_APPROVED": {"CarerApprovals"},
}


def test_catalogue_reads_are_the_absent_tables_list_of_the_spec():
    assert {code: set(i.reads) for code, i in catalogue().items() if i.reads} == READS


EPISODES = [episode("1", "2023-01-01"), episode("2", "2024-03-05")]


@pytest.fixture(scope="module")
def header_and_episodes_only(module_warehouse, tmp_path_factory):
    tables = {"Header": headers_for(EPISODES), "Episodes": EPISODES}
    return build_month(module_warehouse, tmp_path_factory.mktemp("absent"), tables, send_all=False)


def test_indicators_reading_an_absent_table_are_null_and_name_it(header_and_episodes_only):
    for code, tables in READS.items():
        got = row(header_and_episodes_only, code)
        assert is_null(got["value"]) and is_null(got["numerator"]) and is_null(got["denominator"]), code
        assert set(got["missing_tables"].split(",")) == tables, code


def test_indicators_reading_only_episodes_still_have_values(header_and_episodes_only):
    assert row(header_and_episodes_only, "CLA_COUNT")["value"] == 2
    assert row(header_and_episodes_only, "CLA_STARTED")["value"] == 1
    assert row(header_and_episodes_only, "CONNECTED_CARERS_PCT")["value"] == 0  # 0 of 2 is 0 %, not null
    assert is_null(row(header_and_episodes_only, "CLA_COUNT")["missing_tables"])


def test_breakdowns_reading_an_absent_table_have_no_rows(module_warehouse, header_and_episodes_only):
    dimensions = set(
        module_warehouse.read_frame(
            "SELECT DISTINCT dimension FROM mart.scorecard_breakdown WHERE extract_month = '2024-03'"
        )["dimension"]
    )
    assert {"sex", "age_band", "placement_group"} <= dimensions
    assert not dimensions & {"sen", "missing_by_sex", "exploitation_by_sex", "exploitation_by_risk_type"}


# ---- every table sent, no rows: zero counts, null percents, ratios and means ----------------
COUNTS = {
    "CLA_COUNT",
    "CLA_STARTED",
    "CLA_CEASED",
    "UASC_COUNT",
    "PLACED_WITH_PARENTS",
    "ADOPTIONS",
    "MISSING_CHILDREN",
    "MISSING_INCIDENTS",
    "EXPLOITATION_RISK",
    "FOSTER_CARERS_APPROVED",
    "ADOPTERS_APPROVED",
}


@pytest.fixture(scope="module")
def empty_month(duckdb_module_warehouse, tmp_path_factory):
    return build_month(duckdb_module_warehouse, tmp_path_factory.mktemp("empty"), {})


def test_an_empty_month_gives_zero_counts(empty_month):
    for code in COUNTS:
        got = row(empty_month, code)
        assert got["value"] == 0 and got["numerator"] == 0 and is_null(got["denominator"]), code


def test_a_zero_denominator_gives_a_null_value_not_zero(empty_month):
    others = set(catalogue()) - COUNTS - {"CLA_RATE_10K", "PLACEMENT_WEEKLY_COST", "SPEND_PER_HEAD_0_17"}
    assert len(others) == 37
    for code in others:
        got = row(empty_month, code)
        assert got["numerator"] == 0 and got["denominator"] == 0 and is_null(got["value"]), code


def test_rates_and_costs_of_an_empty_month(empty_month):
    rate = row(empty_month, "CLA_RATE_10K")
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (0, 100000, 0)
    # no placement_costs.csv: cost unknown, not £0
    assert is_null(row(empty_month, "PLACEMENT_WEEKLY_COST")["value"])
    spend = row(empty_month, "SPEND_PER_HEAD_0_17")
    assert is_null(spend["value"]) and spend["denominator"] == 100000
