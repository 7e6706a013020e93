"""mart.scorecard_breakdown on a hand-made March 2024 extract: counts and percents of children
looked after at P by each dimension, and small-number suppression when published."""

import pytest

from cp_pipeline.indicators.scorecard import write_scorecard
from cp_pipeline_tests.indicators.handmade_extract import build_month, episode, headers_for, is_null

EPISODES = (
    [
        episode("B1", "2024-01-01", ls="C1"),  # under 6 months
        episode("B2", "2023-09-30"),  # exactly 6 months: the longer band
        episode("B3", "2019-03-31"),  # 5 years on P: 5+ years
    ]
    + [episode(f"B{i}", "2020-01-01") for i in range(4, 12)]
    + [
        episode("B12", "2020-01-01", place="K2", provider="PR4"),
    ]
)
DOBS = {"B1": "2023-06-01", "B2": "2020-01-01", "B3": "2019-03-31", "B11": "2008-03-31", "B12": "2008-04-01"}
SEXES = {f"B{i}": "F" for i in range(8, 13)}
SCHOOLS = [
    {"CHILD": "B4", "URN": "1", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "EHCP"},
    {"CHILD": "B5", "URN": "1", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "SEN_SUPPORT"},
    {"CHILD": "B6", "URN": "1", "START_DATE": "2023-09-01", "END_DATE": None, "SEN": "NONE"},
]


@pytest.fixture(scope="module")
def breakdown(duckdb_module_warehouse, tmp_path_factory):
    headers = headers_for(EPISODES, dobs=DOBS, sexes=SEXES)
    headers[7]["ETHNIC"] = "MWBC"  # B8
    tables = {"Header": headers, "Episodes": EPISODES, "Schools": SCHOOLS}
    build_month(duckdb_module_warehouse, tmp_path_factory.mktemp("breakdown"), tables)

    def read():
        frame = duckdb_module_warehouse.read_frame(
            "SELECT * FROM mart.scorecard_breakdown WHERE extract_month = '2024-03'"
        )
        return {(r.dimension, r.category): r for r in frame.itertuples(index=False)}

    plain = read()
    write_scorecard(duckdb_module_warehouse, "2024-03", publish=True)
    return plain, read()


def counts(rows, dimension):
    return {c: int(r.children) for (d, c), r in rows.items() if d == dimension}


def test_children_by_sex_ethnic_group_and_age_band(breakdown):
    plain, _ = breakdown
    assert counts(plain, "sex") == {"male": 7, "female": 5}
    assert counts(plain, "ethnic_group") == {"White": 11, "Mixed": 1}
    assert counts(plain, "age_band") == {"under 1": 1, "1-4": 1, "5-9": 1, "10-15": 8, "16+": 1}
    assert plain[("sex", "male")].percent == pytest.approx(700 / 12)


def test_children_by_legal_status_length_of_period_and_placement(breakdown):
    plain, _ = breakdown
    assert counts(plain, "legal_status") == {"C1": 1, "C2": 11}
    assert counts(plain, "length_of_period") == {
        "under 6 months": 1,
        "6-12 months": 1,
        "2-5 years": 9,
        "5+ years": 1,
    }
    assert counts(plain, "placement_group") == {"in-house foster": 11, "external residential": 1}
    assert counts(plain, "area") == {"unknown": 12}
    assert counts(plain, "sen") == {"EHCP": 1, "SEN support": 1, "no SEN": 1, "not recorded": 9}


def test_published_breakdowns_suppress_counts_of_one_to_five(breakdown):
    _, published = breakdown
    male, female = published[("sex", "male")], published[("sex", "female")]
    assert male.children == 7 and male.percent == pytest.approx(700 / 12) and not male.suppressed
    assert female.suppressed and is_null(female.children) and is_null(female.percent)
