"""CLA_COUNT on a hand-made extract: respite is not care, and DEC equal to P is not looked after."""

from cp_pipeline.warehouse.engine import Warehouse
from cp_pipeline_tests.fixtures.handmade import DEFAULT_LA, build, indicator, stage_tables, write_reference


def _episode(child, decom, dec=None, ls="C2", rne="S", rec=None, place="U4"):
    return {
        "CHILD": child,
        "DECOM": decom,
        "DEC": dec,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": "PR1",
        "REC": rec,
    }


def test_children_looked_after_count_leaves_out_respite_and_leavers_on_the_last_day(tmp_path):
    wh = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    episodes = [
        _episode("1", "2023-05-01"),  # open: counted
        _episode("2", "2024-01-10", ls="V3", dec=None),  # respite: not care
        _episode("3", "2023-01-01", dec="2024-03-31", rec="E4A"),  # ceased on P: not looked after at P
        _episode("4", "2023-01-01", dec="2024-02-01", rec="X1"),  # chain of two episodes: counted once
        _episode("4", "2024-02-01", rne="P", place="U6"),
        _episode("5", "2024-04-02"),  # starts after P (extract taken just after): not counted
    ]
    header = [{"CHILD": c, "SEX": "M", "DOB": "2015-01-01", "ETHNIC": "WBRI"} for c in "12345"]
    stage_tables(wh, DEFAULT_LA, "2024-03", {"Header": header, "Episodes": episodes, "Reviews": []})
    scorecard = build(wh, "2024-03", write_reference(tmp_path / "reference"))
    row = indicator(scorecard, "CLA_COUNT")
    assert row["value"] == 2
    assert row["numerator"] == 2
    assert row["denominator"] is None or row["denominator"] != row["denominator"]
